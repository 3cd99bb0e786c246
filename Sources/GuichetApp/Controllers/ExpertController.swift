import Fluent
import Foundation
import GuichetDomain
import Vapor

/// Experts' pages: the requests sent to their service, and the answer form. Instructors ask and
/// revoke from the dossier's page (``InstructionController``).
struct ExpertController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let experts = routes.grouped(LoginRequired(), StaffRequired(roles: [.expert]))
        experts.get(.expertRequests, use: list)
        experts.get(.expertRequest(.pattern), use: show)
        experts.post(.expertRequest(.pattern), use: answer)
        let instructors = routes.grouped(LoginRequired(), StaffRequired(roles: StaffDirectory.instructingRoles))
        instructors.post(.staffExpertRequests(.pattern), use: ask)
        instructors.post(.staffExpertRevocation(dossier: .pattern, request: .pattern), use: revoke)
    }

    @Sendable
    func list(req: Request) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        let scopes = try await StaffDirectory(req).scopes(of: user.requireID())
        let services = scopes.compactMap { scope -> String? in
            if case .service(let name, _) = scope { return name }
            return nil
        }
        let requests =
            services.isEmpty
            ? []
            : try await ExpertRequestModel.query(on: req.db).filter(\.$service ~~ services)
                .with(\.$dossier).sort(\.$status, .descending).sort(\.$dueOn).all()
        let visible = requests.filter { request in
            scopes.contains { InstructionRules.expert($0, covers: request.service, theme: request.dossier.themeCode) }
        }
        return try await req.view.render(
            "expertise/list",
            ExpertRequestListPage(
                chrome: .make(req), requests: visible.map { ExpertRequestView($0, dossier: $0.dossier) }))
    }

    @Sendable
    func show(req: Request) async throws -> View {
        try await req.view.render("expertise/show", detail(req))
    }

    @Sendable
    func answer(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let (request, _) = try await load(req, user)
        let kind = (try? req.content.get(String.self, at: "kind")).flatMap(OpinionKind.init(rawValue:))
        let text = (try? req.content.get(String.self, at: "answer_text")) ?? ""
        return try await Refusal.redirecting(
            req, success: SiteURL.expertRequests.path,
            refused: SiteURL.expertRequest(try request.requireID()).path
        ) {
            guard let kind else { throw DomainError.invalidForm(errors: ["kind": "Choisissez un avis."]) }
            try await service(req).answer(request, kind: kind, text: text, by: user)
            return "Avis transmis à l'instruction."
        }
    }

    @Sendable
    func ask(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let dossier = try await StaffDirectory(req).filedDossier(req.parameters.get("dossier"), for: user)
        let service = (try? req.content.get(String.self, at: "service")) ?? ""
        let question = (try? req.content.get(String.self, at: "question")) ?? ""
        let due = (try? req.content.get(String.self, at: "due_on")).flatMap(ParisTime.day) ?? .distantPast
        return try await Refusal.onStaffDossier(req, dossier) {
            try await self.service(req).request(dossier, service: service, question: question, dueOn: due, by: user)
            return "Avis demandé au service \(service)."
        }
    }

    @Sendable
    func revoke(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let dossier = try await StaffDirectory(req).filedDossier(req.parameters.get("dossier"), for: user)
        guard let id = req.parameters.get("request").flatMap(UUID.init(uuidString:)),
            let request = try await ExpertRequestModel.query(on: req.db).filter(\.$id == id)
                .filter(\.$dossier.$id == dossier.requireID()).first()
        else {
            throw AppError.notFound("expert_request_not_found", "Demande d'avis introuvable.")
        }
        return try await Refusal.onStaffDossier(req, dossier) {
            try await service(req).revoke(request, by: user)
            return "Demande d'avis révoquée."
        }
    }

    private func load(_ req: Request, _ user: UserModel) async throws -> (ExpertRequestModel, DossierModel) {
        guard let id = req.parameters.get("request").flatMap(UUID.init(uuidString:)) else {
            throw AppError.notFound("expert_request_not_found", "Demande d'avis introuvable.")
        }
        return try await service(req).requireRequest(id, for: user)
    }

    private func detail(_ req: Request) async throws -> ExpertRequestPage {
        let user = try req.auth.require(UserModel.self)
        let (request, dossier) = try await load(req, user)
        let call = try await CallRepository(database: req.db).load(dossier.$call.get(on: req.db))
        let form = try await CallRepository(database: req.db).form(call.id, version: dossier.formVersion ?? 1)
        let values = try ApplicationService.answers(dossier)
        let answers =
            values.isEmpty
            ? [DossierSummaryPage.Answer(label: "Résumé", value: dossier.summary, section: nil)]
            : form.fields.compactMap { field in
                guard let value = values[field.key], !value.isEmpty, field.type.kind != "file" else { return nil }
                return DossierSummaryPage.Answer(
                    label: field.label, value: field.displayText(value), section: field.section)
            }
        let conflicted = try await StaffDirectory(req).isConflicted(user.requireID(), on: dossier)
        return ExpertRequestPage(
            chrome: .make(req), request: ExpertRequestView(request, dossier: dossier), answers: answers,
            csrf: CSRFMiddleware.token(for: req), open: request.status == "pending" && !conflicted,
            conflicted: conflicted)
    }

    private func service(_ req: Request) -> ExpertService {
        ExpertService(database: req.db, configuration: req.application.guichetConfiguration, now: Date())
    }
}
