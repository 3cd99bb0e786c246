import Fluent
import Foundation
import GuichetDomain
import Vapor

/// The applicant's journey: call page, new draft, form, summary, filing, receipt, withdrawal,
/// attachments, dashboard. Every dossier route checks membership (404 otherwise).
struct ApplicationController: RouteCollection {
    /// Bodies up to the upload limit and the rest of the form.

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.call(.pattern), use: callPage)
        let applicant = routes.grouped(LoginRequired())
        applicant.get(.apply(.pattern), use: applyPage)
        applicant.post(.apply(.pattern), use: apply)
        applicant.get(.dossier(.pattern), use: show)
        applicant.get(.editDossier(.pattern), use: edit)
        applicant.post(.editDossier(.pattern), body: .collect(maxSize: RequestLimits.uploadRouteCeiling), use: save)
            .takingFiles()
        applicant.get(.dossierSummary(.pattern), use: summary)
        applicant.post(.fileDossier(.pattern), use: file)
        applicant.get(.dossierReceipt(.pattern), use: receipt)
        applicant.post(.withdrawDossier(.pattern), use: withdraw)
        applicant.post(.deleteDraft(.pattern), use: deleteDraft)
        applicant.get(.attachment(dossier: .pattern, attachment: .pattern), use: download)
    }

    // MARK: - Call page (public)

    @Sendable
    func callPage(req: Request) async throws -> View {
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        let ledger = try await ResultsService(database: req.db).ledger(call, publishedOnly: true)
        return try await req.view.render("calls/show", CallPage(req, call: call, ledger: ledger, now: Date()))
    }

    // MARK: - New dossier

    @Sendable
    func applyPage(req: Request) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        let organisations = try await Membership(database: req.db).organisations(of: user.requireID())
        return try await req.view.render(
            "dossiers/apply", ApplyPage(req, call: call, organisations: organisations, now: Date()))
    }

    @Sendable
    func apply(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        guard let raw = try? req.content.get(String.self, at: "organisation"),
            let organisationID = UUID(uuidString: raw)
        else {
            Flash.set("Choisissez l'organisation qui porte le projet.", on: req)
            return req.redirect(to: SiteURL.apply(call.model.reference).path)
        }
        let dossier = try await service(req).createDraft(call: call, organisationID: organisationID, user: user)
        return req.redirect(to: SiteURL.editDossier(try dossier.requireID()).path)
    }

    // MARK: - Form

    @Sendable
    func edit(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        _ = user
        let step = (try? req.query.get(Int.self, at: "etape")) ?? 1
        // Coming from a list of what is wrong (`verifier`), the step says it at each field;
        // otherwise it says the rules its saved answers break.
        let verify = (try? req.query.get(String.self, at: "verifier")) != nil
        return try await formPage(
            req, dossier: dossier, step: step, raw: [:], errors: [:], status: .ok, checking: verify ? .filing : .rules)
    }

    @Sendable
    func save(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        let posted = try PostedForm.read(req)
        let outcome = try await service(req).saveDraft(dossier, posted: posted, user: user)
        let id = try dossier.requireID()
        // The step the page showed (the form filled section by section); 1 for a one-page form.
        let step = posted.fields["step"]?.first.flatMap { Int($0) } ?? 1
        guard outcome.errors.isEmpty else {
            return try await formPage(
                req, dossier: dossier, step: step, raw: outcome.raw, errors: outcome.errors,
                status: .unprocessableEntity)
        }
        let edit = SiteURL.editDossier(id).path
        switch posted.fields["next"]?.first {
        case "summary":
            return req.redirect(to: SiteURL.dossierSummary(id).path)
        case "next":
            return req.redirect(to: edit + "?etape=\(step + 1)")
        case "previous":
            return req.redirect(to: edit + "?etape=\(max(step - 1, 1))")
        default:
            Flash.set("Brouillon enregistré.", on: req)
            return req.redirect(to: step > 1 ? edit + "?etape=\(step)" : edit)
        }
    }

    /// What a page shown without a post checks in the saved answers.
    enum StoredCheck { case none, rules, filing }

    private func formPage(
        _ req: Request, dossier: DossierModel, step: Int, raw: [String: [String]], errors: [String: String],
        status: HTTPStatus, checking: StoredCheck = .none
    ) async throws -> Response {
        guard DossierStatus(rawValue: dossier.status)?.isEditableByApplicant == true else {
            return req.redirect(to: SiteURL.dossier(try dossier.requireID()).path)
        }
        let call = try await dossier.$call.get(on: req.db)
        let form = try await CallRepository(database: req.db).form(call.requireID(), version: dossier.formVersion ?? 1)
        let attachments = try await AttachmentModel.query(on: req.db).filter(\.$dossier.$id == dossier.requireID())
            .all()
        let answers = try ApplicationService.answers(dossier)
        var errors = errors
        if checking != .none {
            let territories = TerritoryCatalog.france.within(call.callScope)
            let found =
                checking == .filing
                ? form.validateForFiling(answers, territories: territories)
                : form.ruleProblems(answers, territories: territories)
            // Only the shown step's fields: a page shown on request stays on its step.
            let shown = Set(
                form.fields.map(\.key).filter { form.sections.count <= 1 || form.step(of: $0) == step })
            errors = found.filter { shown.contains($0.key) }
        }
        let page = try DossierFormPage(
            req, dossier: dossier, call: call, form: form, answers: answers,
            raw: raw, errors: errors, attachments: attachments, policy: policy(req), step: step)
        return try await req.view.render("dossiers/edit", page).encodeResponse(status: status, for: req)
    }

    // MARK: - Summary, filing, receipt

    @Sendable
    func summary(req: Request) async throws -> View {
        let (_, dossier) = try await load(req)
        return try await req.view.render("dossiers/summary", summaryPage(req, dossier))
    }

    @Sendable
    func show(req: Request) async throws -> View {
        let (_, dossier) = try await load(req)
        var page = try await summaryPage(req, dossier)
        let id = try dossier.requireID()
        if DossierStatus(rawValue: dossier.status)?.isLaureate == true,
            let grant = try await GrantService(database: req.db, now: Date()).grant(of: id)
        {
            let report = try await GrantReportModel.query(on: req.db).filter(\.$dossierID == id).first()
            page.grant = GrantView(grant, dossierID: id, viewer: .organisation, report: report)
        }
        return try await req.view.render("dossiers/show", page)
    }

    @Sendable
    func receipt(req: Request) async throws -> View {
        let (_, dossier) = try await load(req)
        guard dossier.filedAt != nil else {
            throw AppError.notFound("receipt_not_found", "Ce dossier n'est pas encore déposé.")
        }
        return try await req.view.render("dossiers/receipt", summaryPage(req, dossier))
    }

    @Sendable
    func file(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        do {
            let filed = try await service(req).file(dossier, user: user)
            Flash.set(
                "Votre dossier est déposé sous le numéro \(filed.number ?? "") : l'accusé de réception ci-dessous vous est aussi envoyé par courriel (\(user.email)).",
                on: req)
            return req.redirect(to: SiteURL.dossierReceipt(try filed.requireID()).path)
        } catch let error as DomainError {
            // The summary shows what is missing; the error says why filing was refused.
            var page = try await summaryPage(req, dossier)
            page = page.with(notice: error.message)
            return try await req.view.render("dossiers/summary", page).encodeResponse(
                status: error.httpStatus, for: req)
        }
    }

    @Sendable
    func withdraw(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        let reason = (try? req.content.get(String.self, at: "reason")) ?? ""
        do {
            try await DossierService(database: req.db).apply(
                .withdraw(reason: reason), to: dossier.requireID(),
                by: ApplicationService.agent(user), now: Date())
        } catch let error as DomainError {
            Flash.set(error.message, on: req)
            return req.redirect(to: SiteURL.dossier(try dossier.requireID()).path)
        }
        Flash.set("Le dossier est retiré.", on: req)
        return req.redirect(to: SiteURL.dossier(try dossier.requireID()).path)
    }

    /// Deletes a draft never filed, once confirmed; a filed dossier is withdrawn, never deleted.
    @Sendable
    func deleteDraft(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        let confirmed = try PostedForm.read(req).fields["confirmer"]?.first == "oui"
        return try await Refusal.redirecting(
            req, success: SiteURL.account.path, refused: SiteURL.dossier(try dossier.requireID()).path
        ) {
            try await service(req).deleteDraft(dossier, user: user, confirmed: confirmed)
            return "Le brouillon « \(dossier.title.isEmpty ? "Dossier sans titre" : dossier.title) » est supprimé."
        }
    }

    @Sendable
    func download(req: Request) async throws -> Response {
        let (_, dossier) = try await load(req)
        return try await AttachmentResponse.make(req, dossier: dossier)
    }

    // MARK: - Helpers

    private func load(_ req: Request) async throws -> (UserModel, DossierModel) {
        let user = try req.auth.require(UserModel.self)
        guard let id = req.parameters.get("dossier").flatMap(UUID.init(uuidString:)) else {
            throw AppError.notFound("dossier_not_found", "Dossier introuvable.")
        }
        return (user, try await Membership(database: req.db).requireDossier(id, for: user.requireID()))
    }

    private func summaryPage(_ req: Request, _ dossier: DossierModel) async throws -> DossierSummaryPage {
        let call = try await CallRepository(database: req.db).load(dossier.$call.get(on: req.db))
        let form = try await CallRepository(database: req.db).form(call.id, version: dossier.formVersion ?? 1)
        let organisation = try await dossier.$organisation.get(on: req.db)
        let attachments = try await AttachmentModel.query(on: req.db).filter(\.$dossier.$id == dossier.requireID())
            .all()
        let unread = try await CorrespondenceService.unreadByApplicant([try dossier.requireID()], on: req.db)
        return try DossierSummaryPage(
            req, dossier: dossier, call: call, organisation: organisation, form: form,
            attachments: attachments, now: Date(), unread: unread.values.reduce(0, +))
    }

    private func policy(_ req: Request) -> AttachmentPolicy {
        AttachmentPolicy(
            maxBytes: req.application.guichetConfiguration.maxUploadBytes, allowed: AttachmentPolicy.defaultAllowed)
    }

    private func store(_ req: Request) -> AttachmentStore {
        AttachmentStore.configured(req.application, on: req.db)
    }

    private func service(_ req: Request) -> ApplicationService {
        ApplicationService(
            database: req.db, store: store(req), policy: policy(req),
            configuration: req.application.guichetConfiguration, now: Date())
    }
}

/// Serves one attachment of a dossier the caller may see: the bytes with the type found in their
/// content, as a download, never cached by shared caches; quarantined files are gone.
enum AttachmentResponse {
    static func make(_ req: Request, dossier: DossierModel) async throws -> Response {
        guard let id = req.parameters.get("attachment").flatMap(UUID.init(uuidString:)),
            let attachment = try await AttachmentModel.query(on: req.db).filter(\.$id == id)
                .filter(\.$dossier.$id == dossier.requireID()).first()
        else {
            throw AppError.notFound("attachment_not_found", "Pièce jointe introuvable.")
        }
        guard attachment.scanStatus != "infected" else {
            throw AppError(
                status: .gone, code: "attachment_quarantined",
                message: "Ce fichier contient un virus : il est en quarantaine.")
        }
        let data = try await AttachmentStore.configured(req.application, on: req.db, scanning: false)
            .read(sha256: attachment.sha256)
        let kind = FileKind(rawValue: attachment.kind) ?? .unknown
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: kind.mimeType)
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: AttachmentPolicy.contentDisposition(fileName: attachment.fileName))
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }
}
