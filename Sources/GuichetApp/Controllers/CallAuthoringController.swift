import Fluent
import Foundation
import GuichetDomain
import Vapor

/// The administrators' call authoring (`/admin/appels`): the calls of their territory, a new call
/// from scratch or by duplicating one, the editor section by section, previews of the public page
/// and of the form as applicants will see them, publishing and archiving. Anyone but an
/// administrator gets 404; what an administrator may author is decided by
/// ``CallAuthoringService``.
struct CallAuthoringController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped(LoginRequired(), StaffRequired(roles: [.administrator]))
        admin.get(.adminCalls, use: list)
        admin.post(.adminCalls, use: create)
        admin.get(.adminCall(.pattern), use: edit)
        admin.post(.adminCallSection(.pattern, .pattern), use: save)
        admin.post(.adminCallDuplicate(.pattern), use: duplicate)
        admin.post(.adminCallPublication(.pattern), use: publish)
        admin.post(.adminCallArchiving(.pattern), use: archive)
        admin.get(.adminCallPreview(.pattern), use: preview)
        admin.get(.adminCallFormPreview(.pattern), use: formPreview)
    }

    private func service(_ req: Request) -> CallAuthoringService { CallAuthoringService(database: req.db, now: Date()) }

    @Sendable
    func list(req: Request) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        return try await listPage(req, user: user, input: [:], issues: [], duplicating: nil)
    }

    private func listPage(
        _ req: Request, user: UserModel, input: [String: String], issues: [CallDefinitionIssue],
        duplicating: String?
    ) async throws -> View {
        let calls = try await service(req).authorable(by: user)
        let others = try await CallRepository(database: req.db).all().filter { call in
            !calls.contains { $0.id == call.id }
        }
        let scopes = try await StaffDirectory(req).scopes(of: user.requireID())
        return try await req.view.render(
            "admin/calls",
            CallListPage(
                req, calls: calls, others: others, scopes: scopes, input: input,
                issues: issues, duplicating: duplicating, now: Date()))
    }

    /// A new call from the creation form: reference, title, scope, dates, envelope and its granting body.
    @Sendable
    func create(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let form = CallEditorForm(try PostedForm.read(req))
        var problems = CallEditorForm.Problems()
        let amount = form.money(form.text("amount"), path: "amount", &problems)
        do {
            let definition = CallDefinition.starter(
                reference: form.text("reference"), title: form.text("title"), scope: try Self.scope(form),
                opensOn: form.text("opens_on"), deadline: form.text("deadline"), amountCents: amount,
                ownerName: form.text("owner_name"), ownerSiret: form.text("owner_siret"))
            guard problems.issues.isEmpty else { throw DomainError.invalidCallDefinition(issues: problems.issues) }
            try await service(req).create(definition, by: user)
            Flash.set(
                "Appel « \(definition.reference) » créé en brouillon : complétez-le, prévisualisez-le, puis publiez-le.",
                on: req)
            return req.redirect(to: SiteURL.adminCall(definition.reference).path)
        } catch DomainError.invalidCallDefinition(let issues) {
            return try await listPage(
                req, user: user, input: form.values, issues: issues.map(Self.creationPath), duplicating: nil
            )
            .encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    /// The creation form's names for the starter's paths (`envelopes[0].owner.siret` → `owner_siret`).
    static func creationPath(_ issue: CallDefinitionIssue) -> CallDefinitionIssue {
        let names = [
            "envelopes[0].owner.siret": "owner_siret", "envelopes[0].owner.name": "owner_name",
            "scope.code": "scope_code",
            "envelopes[0].revisions[0].amount_cents": "amount", "envelopes[0].revisions[0].effective_on": "opens_on",
        ]
        return CallDefinitionIssue(names[issue.path] ?? issue.path, issue.message)
    }

    /// The scope chosen in a creation or duplication form.
    /// - Throws: ``DomainError/invalidCallDefinition(issues:)`` when none is chosen.
    static func scope(_ form: CallEditorForm) throws -> CallScope {
        switch form.text("scope_level") {
        case "national": return .national
        case "region": return .region(form.text("scope_code"))
        case "departement": return .departement(form.text("scope_code"))
        default:
            throw DomainError.invalidCallDefinition(issues: [
                CallDefinitionIssue("scope", "choisissez le périmètre de l'appel.")
            ])
        }
    }

    @Sendable
    func duplicate(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let source = req.parameters.get("call") ?? ""
        let form = CallEditorForm(try PostedForm.read(req))
        do {
            let copy = try await service(req).duplicate(
                source, reference: form.text("reference"), title: form.text("title"),
                scope: try Self.scope(form), by: user)
            Flash.set("Appel « \(copy.reference) » créé en brouillon à partir de « \(source) ».", on: req)
            return req.redirect(to: SiteURL.adminCall(copy.reference).path)
        } catch DomainError.invalidCallDefinition(let issues) {
            return try await listPage(
                req, user: user, input: form.values,
                issues: issues.map {
                    CallDefinitionIssue($0.path == "scope.code" ? "scope_code" : $0.path, $0.message)
                }, duplicating: source
            ).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    @Sendable
    func edit(req: Request) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        let model = try await service(req).authorableCall(req.parameters.get("call") ?? "", by: user)
        let definition = try await CallDefinitionStore(database: req.db).definition(of: model)
        return try await editor(req, model: model, definition: definition, typed: [:], issues: [], failed: nil)
    }

    private func editor(
        _ req: Request, model: CallModel, definition: CallDefinition, typed: [String: String],
        issues: [CallDefinitionIssue], failed: CallEditorSection?
    ) async throws -> View {
        let history = try await AuditEntryModel.query(on: req.db).filter(\.$entityType == "call").filter(
            \.$entityID == model.requireID()
        )
        .sort(\.$at, .descending).limit(30).all()
        return try await req.view.render(
            "admin/call",
            CallEditorPage(
                req, model: model, definition: definition, typed: typed, issues: issues,
                failed: failed, history: history, now: Date()))
    }

    /// Saves one section: what was posted replaces that part of the stored definition.
    @Sendable
    func save(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        guard let section = req.parameters.get("section").flatMap(CallEditorSection.init(rawValue:)) else {
            throw AppError.notFound()
        }
        let model = try await service(req).authorableCall(req.parameters.get("call") ?? "", by: user)
        let current = try await CallDefinitionStore(database: req.db).definition(of: model)
        let form = CallEditorForm(try PostedForm.read(req))
        var candidate = current
        let problems = form.apply(section, to: &candidate)
        do {
            guard problems.issues.isEmpty else { throw DomainError.invalidCallDefinition(issues: problems.issues) }
            let changes = try await service(req).amend(model, to: candidate, by: user)
            Flash.set(
                changes.isEmpty
                    ? "Aucune modification." : "\(section.title) : \(changes.count) modification(s) enregistrée(s).",
                on: req)
            return req.redirect(to: SiteURL.adminCall(model.reference).path + "#" + section.rawValue)
        } catch DomainError.invalidCallDefinition(let issues) {
            // The JSON section shows what was typed; the others show the refused definition.
            let shown = section == .json ? current : candidate
            return try await editor(
                req, model: model, definition: shown, typed: problems.typed, issues: issues, failed: section
            )
            .encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    @Sendable
    func publish(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let model = try await service(req).publish(req.parameters.get("call") ?? "", by: user)
        Flash.set(
            "Appel « \(model.reference) » publié : sa page est publique, le dépôt ouvre le \(ParisTime.longDate(model.opensAt)).",
            on: req)
        return req.redirect(to: SiteURL.adminCall(model.reference).path)
    }

    @Sendable
    func archive(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let model = try await service(req).archive(req.parameters.get("call") ?? "", by: user)
        Flash.set("Appel « \(model.reference) » archivé ; ses résultats restent publiés.", on: req)
        return req.redirect(to: SiteURL.adminCall(model.reference).path)
    }

    /// The public page exactly as applicants will see it, for a draft too.
    @Sendable
    func preview(req: Request) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        let model = try await service(req).authorableCall(req.parameters.get("call") ?? "", by: user)
        let call = try await CallRepository(database: req.db).load(model)
        let ledger = try await ResultsService(database: req.db).ledger(call)
        var page = CallPage(req, call: call, ledger: ledger, now: Date())
        page.previewOf = SiteURL.adminCall(model.reference).path
        return try await req.view.render("calls/show", page)
    }

    /// The dossier form exactly as applicants will see it, without a button to send it.
    @Sendable
    func formPreview(req: Request) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        let model = try await service(req).authorableCall(req.parameters.get("call") ?? "", by: user)
        guard let form = try await CallRepository(database: req.db).currentForm(model.requireID())?.definition else {
            throw AppError.notFound()
        }
        let dossier = DossierModel()
        dossier.id = UUID()
        dossier.title = ""
        var page = try DossierFormPage(
            req, dossier: dossier, call: model, form: form, answers: [:], raw: [:], errors: [:], attachments: [],
            policy: AttachmentPolicy(
                maxBytes: req.application.guichetConfiguration.maxUploadBytes,
                allowed: AttachmentPolicy.defaultAllowed))
        page.previewOf = SiteURL.adminCall(model.reference).path
        page.action = ""
        return try await req.view.render("dossiers/edit", page)
    }
}
