import Fluent
import Foundation
import GuichetDomain
import Vapor

/// `/admin/import/{call}`: administrators load dossiers from a CSV file, checked first.
///
/// The check reads the whole file before anything is written (10 000 rows in well under a second
/// in release builds, docs/BENCHMARKS.md), so the page answers with the full report in one
/// request: every faulty row with its line and reason, or what was (or would be) imported.
struct ImportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(LoginRequired(), StaffRequired(roles: [.administrator]))
        admin.get(.importDossiers(.pattern), use: form)
        admin.post(.importDossiers(.pattern), body: .collect(maxSize: RequestLimits.uploadRouteCeiling), use: upload)
            .takingFiles()
        admin.get(.importJob(.pattern, .pattern), use: job)
    }

    /// Files longer than this run in the background, with a page that follows their progress.
    static let backgroundRows = 2_000

    @Sendable
    func form(req: Request) async throws -> View {
        let (_, call) = try await load(req)
        return try await req.view.render(
            "admin/import",
            ImportPage(
                req, call: call, outcome: nil,
                acceptsDecisions: try await ImportService.acceptsDecisions(call, on: req.db)))
    }

    @Sendable
    func upload(req: Request) async throws -> Response {
        let (user, call) = try await load(req)
        let posted = try PostedForm.read(req)
        let dryRun = posted.fields["mode"]?.first != "importer"
        let acceptsDecisions = try await ImportService.acceptsDecisions(call, on: req.db)
        let outcome: ImportPage.Outcome
        var status: HTTPStatus = .ok
        if let file = posted.files["file"], !file.data.isEmpty {
            if let text = String(data: file.data, encoding: .utf8) {
                if text.split(whereSeparator: \.isNewline).count - 1 > Self.backgroundRows {
                    let job = try await ImportJobs.start(
                        req.application, call: call, user: user, fileName: file.fileName, text: text, dryRun: dryRun)
                    return req.redirect(
                        to: SiteURL.importJob(call.model.reference, job).path)
                }
                do {
                    let summary = try await ImportService(database: req.db, now: Date())
                        .run(call, source: .text(text), dryRun: dryRun, by: InstructionService.agent(user))
                    outcome = .done(summary, fileName: file.fileName)
                } catch let report as ImportReport {
                    outcome = .refused(report, fileName: file.fileName, dryRun: dryRun)
                    status = .unprocessableEntity
                }
            } else {
                outcome = .unreadable(
                    "Le fichier n'est pas en UTF-8 : enregistrez-le en « CSV UTF-8 » depuis votre tableur.")
                status = .unprocessableEntity
            }
        } else {
            outcome = .unreadable("Choisissez le fichier CSV à importer.")
            status = .unprocessableEntity
        }
        let response = try await req.view.render(
            "admin/import", ImportPage(req, call: call, outcome: outcome, acceptsDecisions: acceptsDecisions)
        )
        .encodeResponse(status: status, for: req)
        if status != .ok { response.headers.replaceOrAdd(name: "X-Guichet-Error", value: "import_refused") }
        return response
    }

    /// A background import's progress, then its outcome; the page refreshes itself while it runs.
    @Sendable
    func job(req: Request) async throws -> Response {
        let (user, call) = try await load(req)
        guard let id = req.parameters.get("job").flatMap(UUID.init(uuidString:)),
            let job = try await ImportJobModel.query(on: req.db).filter(\.$id == id).filter(\.$call.$id == call.id)
                .filter(\.$user.$id == user.requireID()).first()
        else {
            throw AppError.notFound("import_not_found", "Cet import n'existe pas parmi les vôtres.")
        }
        let page = ImportJobPage(req, call: call, job: job)
        let response = try await req.view.render("admin/import-job", page).encodeResponse(for: req)
        // Without JavaScript, the browser reloads the page every two seconds until the import ends.
        if page.running { response.headers.replaceOrAdd(name: "Refresh", value: "2") }
        return response
    }

    /// An administrator whose scope covers the call, as for publishing.
    private func load(_ req: Request) async throws -> (UserModel, LoadedCall) {
        let user = try req.auth.require(UserModel.self)
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        try await PublicationService.checkCanPublish(call, user: user, on: req.db)
        return (user, call)
    }
}
