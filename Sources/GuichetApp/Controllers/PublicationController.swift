import Fluent
import Foundation
import GuichetDomain
import Vapor

/// Publishing results (administrators) and what a publication gives the public: versions of the
/// results page, the press kit (HTML and PDF) and the open data files.
struct PublicationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.resultsVersions(.pattern), use: versions)
        routes.get(.resultsVersion(.pattern, .pattern), use: version)
        routes.get(.resultsVersionFile(.pattern, .pattern, .pattern), use: versionFile)
        routes.get(.pressKit(.pattern), use: pressKit)
        routes.get(.pressKitPDF(.pattern), use: pressKitPDF)
        routes.get(.openData(.pattern, .pattern), use: latestFile)
        let admin = routes.grouped(LoginRequired(), StaffRequired(roles: [.administrator]))
        admin.get(.publications, use: calls)
        admin.get(.publicationAdmin(.pattern), use: adminPage)
        admin.post(.publish(.pattern), use: publish)
    }

    // MARK: - Public

    @Sendable
    func versions(req: Request) async throws -> View {
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        let all = try await service(req).versions(call.id)
        return try await req.view.render("results/versions", ResultsVersionsPage(req, call: call, versions: all))
    }

    @Sendable
    func version(req: Request) async throws -> View {
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        let number = try Self.versionNumber(req)
        let publication = try await service(req).version(call.id, number)
        let latest = try await service(req).latest(call.id)
        return try await req.view.render(
            "results/version",
            try ResultsVersionPage(
                req, call: call, publication: publication,
                latestVersion: latest?.version ?? number))
    }

    @Sendable
    func versionFile(req: Request) async throws -> Response {
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        let publication = try await service(req).version(call.id, try Self.versionNumber(req))
        return try await serve(req, publication, req.parameters.get("file") ?? "")
    }

    @Sendable
    func latestFile(req: Request) async throws -> Response {
        let publication = try await latest(req)
        return try await serve(req, publication, req.parameters.get("file") ?? "")
    }

    @Sendable
    func pressKit(req: Request) async throws -> Response {
        try await serve(req, try await latest(req), PublicationService.FileName.pressKit)
    }

    /// The PDF is printed on first request and kept with the version: a publication never waits
    /// for a browser, and every later reader gets the same bytes.
    @Sendable
    func pressKitPDF(req: Request) async throws -> Response {
        let publication = try await latest(req)
        let service = service(req)
        if let stored = try? await service.file(publication, PublicationService.FileName.pressKitPDF) {
            return Self.response(stored, download: true)
        }
        guard let printer = PressKitPDF.locate(configured: req.application.guichetConfiguration.chromiumPath) else {
            throw AppError(
                status: .notFound, code: "pdf_unavailable",
                message:
                    "Le PDF n'est pas disponible sur ce serveur (Chromium n'y est pas installé) : ouvrez le dossier de presse et imprimez-le depuis votre navigateur."
            )
        }
        let html = try await service.file(publication, PublicationService.FileName.pressKit)
        let id = try publication.requireID()
        let db = req.db
        // One print at a time, none again soon after a failure; a reader who waited finds the
        // copy the one before printed.
        try await PrintQueue.shared.run(for: id) {
            if (try? await PublicationService(database: db, now: Date()).file(
                publication, PublicationService.FileName.pressKitPDF)) != nil
            {
                return
            }
            let pdf = try await printer.render(html: String(decoding: html.content, as: UTF8.self))
            let file = PublicationFileModel(
                publicationID: id, name: PublicationService.FileName.pressKitPDF, mediaType: "application/pdf",
                content: pdf)
            // Another instance may have printed meanwhile: the first stored copy wins.
            try? await file.create(on: db)
        }
        return Self.response(
            try await service.file(publication, PublicationService.FileName.pressKitPDF), download: true)
    }

    // MARK: - Administrators

    @Sendable
    func calls(req: Request) async throws -> View {
        let calls = try await CallModel.query(on: req.db).filter(\.$status != CallStatus.draft.rawValue).with(\.$waves)
            .sort(\.$opensAt, .descending).all()
        return try await req.view.render("admin/publications", PublicationCallsPage(req, calls: calls))
    }

    @Sendable
    func adminPage(req: Request) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        try await PublicationService.checkCanPublish(call, user: user, on: req.db)
        let service = service(req)
        let next = call.call.waves.first { !$0.isFrozen }
        var check: PublicationAdminPage.Check?
        if let next {
            let state = try await PublicationService.state(call, wave: next.number, on: req.db)
            var blocker: String?
            do { try WavePublication.checkCanPublish(wave: next.number, of: call.call, state: state) } catch {
                blocker = error.message
            }
            let draft = try await service.draft(call, wave: next.number, on: req.db)
            check = .init(wave: next, blocker: blocker, draft: draft)
        }
        return try await req.view.render(
            "admin/publication",
            PublicationAdminPage(
                req, call: call, check: check,
                versions: try await service.versions(call.id)))
    }

    @Sendable
    func publish(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        let posted = try PostedForm.read(req)
        let page = SiteURL.publicationAdmin(call.model.reference).path
        return try await Refusal.redirecting(req, success: page, refused: page) {
            try await PublicationService.checkCanPublish(call, user: user, on: req.db)
            guard let wave = Int(posted.fields["wave"]?.first ?? "") else {
                throw DomainError.invalidForm(errors: ["wave": "Choisissez la vague à publier."])
            }
            guard posted.fields["confirm"]?.first == "oui" else {
                throw DomainError.invalidForm(errors: [
                    "confirm": "Cochez la case pour confirmer : une vague publiée est figée."
                ])
            }
            let publication = try await service(req).publish(
                call, wave: wave, by: user, render: PublicationRenderer.renderer(req.application, call: call.model))
            // This instance's readers get the new version at once; the others' within seconds.
            do { try await req.application.publishedAnswers.refresh() } catch {
                req.logger.error("published answers: \(error)")
            }
            return
                "Vague \(wave) publiée : version \(publication.version) des résultats, dossier de presse et données ouvertes régénérés."
        }
    }

    // MARK: - Helpers

    private func service(_ req: Request) -> PublicationService {
        PublicationService(database: req.db, now: Date())
    }

    private func latest(_ req: Request) async throws -> PublicationModel {
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        guard let latest = try await service(req).latest(call.id) else {
            throw AppError.notFound("not_published", "Aucun résultat n'a encore été publié pour cet appel à projets.")
        }
        return latest
    }

    private static func versionNumber(_ req: Request) throws -> Int {
        guard let number = req.parameters.get("version").flatMap(Int.init), number > 0 else {
            throw AppError.notFound("publication_not_found", "Cette version des résultats n'existe pas.")
        }
        return number
    }

    private func serve(_ req: Request, _ publication: PublicationModel, _ name: String) async throws -> Response {
        let file = try await service(req).file(publication, name)
        return Self.response(file, download: name != PublicationService.FileName.pressKit)
    }

    static func response(_ file: PublicationFileModel, download: Bool) -> Response {
        let response = Response(status: .ok, body: .init(data: file.content))
        response.headers.replaceOrAdd(name: .contentType, value: file.mediaType)
        for (name, value) in PublishedFileHeaders.headers(
            name: file.name, mediaType: file.mediaType, content: file.content, download: download)
        {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        // A version never changes: caches may keep it, and its digest is its identity.
        response.headers.replaceOrAdd(name: .eTag, value: FrozenAnswers.etag(sha256Hex: file.sha256))
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
        return response
    }
}

/// Renders what the public reads of a version with the application's views, outside any
/// request: the press kit and the results page as a reader without an account sees it.
enum PublicationRenderer {
    static func renderer(_ app: Application, call: CallModel) -> PublicationService.Renderer {
        return { results, computed in
            let pressKit = try await app.view.render("results/press-kit", PressKitPage(results, call: call)).get()
            let page = try await app.view.render(
                "results/show", ResultsPage(computed, chrome: .anonymous(app.guichetConfiguration), latest: results)
            ).get()
            let html = "text/html; charset=utf-8"
            return [
                .init(
                    name: PublicationService.FileName.pressKit, mediaType: html, content: Data(buffer: pressKit.data)),
                .init(name: PublicationService.FileName.resultsPage, mediaType: html, content: Data(buffer: page.data)),
            ]
        }
    }
}
