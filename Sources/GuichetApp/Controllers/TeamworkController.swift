import Fluent
import Foundation
import GuichetDomain
import Vapor

/// Labels, internal notes and actions on a selection of the queue.
struct TeamworkController: RouteCollection {
    /// The most dossiers one bulk action takes (two pages of the queue).
    static let maxSelection = 100

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(LoginRequired(), StaffRequired(roles: StaffDirectory.instructingRoles))
        staff.post(.staffLabels(.pattern), use: addLabel)
        staff.post(.staffLabelRemoval(.pattern), use: removeLabel)
        staff.post(.staffAnnotations(.pattern), use: annotate)
        staff.post(.bulkActions, use: bulk)
    }

    @Sendable
    func addLabel(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        let label = (try? req.content.get(String.self, at: "label")) ?? ""
        return try await Refusal.onStaffDossier(req, dossier) {
            try await Teamwork(database: req.db, now: Date()).addLabel(label, to: [dossier], by: user)
            return "Étiquette ajoutée."
        }
    }

    @Sendable
    func removeLabel(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        let label = (try? req.content.get(String.self, at: "label")) ?? ""
        return try await Refusal.onStaffDossier(req, dossier) {
            try await Teamwork(database: req.db, now: Date()).removeLabel(label, from: [dossier], by: user)
            return "Étiquette retirée."
        }
    }

    @Sendable
    func annotate(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        let note = (try? req.content.get(String.self, at: "note")) ?? ""
        return try await Refusal.onStaffDossier(req, dossier) {
            try await Teamwork(database: req.db, now: Date()).annotate(dossier, text: note, by: user)
            return "Note interne ajoutée."
        }
    }

    /// One action on the dossiers ticked in the queue (`dossiers`, repeated): take them, give them
    /// to a colleague, put or take off a label. All or nothing; back to the same queue page.
    @Sendable
    func bulk(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let posted = try PostedForm.read(req)
        let field = { (name: String) in posted.fields[name]?.first ?? "" }
        let back = SiteURL.instruction.returning(field("retour"))
        return try await Refusal.redirecting(req, success: back, refused: back) {
            let dossiers = try await selection(req, user, ids: posted.fields["dossiers"] ?? [])
            let teamwork = Teamwork(database: req.db, now: Date())
            switch field("action") {
            case "prendre":
                try await teamwork.assign(dossiers, to: user, by: user)
                return "\(dossiers.count) dossier(s) pris en charge."
            case "attribuer":
                guard let id = UUID(uuidString: field("assignee")),
                    let colleague = try await UserModel.find(id, on: req.db)
                else {
                    throw DomainError.invalidForm(errors: [
                        "assignee": "Choisissez la personne à qui attribuer les dossiers."
                    ])
                }
                try await teamwork.assign(dossiers, to: colleague, by: user)
                return "\(dossiers.count) dossier(s) attribué(s) à \(colleague.displayName)."
            case "etiqueter":
                try await teamwork.addLabel(field("label"), to: dossiers, by: user)
                return "Étiquette ajoutée à \(dossiers.count) dossier(s)."
            case "desetiqueter":
                try await teamwork.removeLabel(field("label"), from: dossiers, by: user)
                return "Étiquette retirée de \(dossiers.count) dossier(s)."
            default:
                throw DomainError.invalidForm(errors: ["action": "Choisissez une action."])
            }
        }
    }

    /// The ticked dossiers, each in the person's scopes; an unknown or foreign one refuses the lot.
    private func selection(_ req: Request, _ user: UserModel, ids raw: [String]) async throws -> [DossierModel] {
        let ids = Array(Set(raw.compactMap { UUID(uuidString: $0) }))
        guard !ids.isEmpty, ids.count == Set(raw).count else {
            throw DomainError.invalidForm(errors: ["dossiers": "Cochez au moins un dossier de la liste."])
        }
        guard ids.count <= Self.maxSelection else {
            throw DomainError.invalidForm(errors: ["dossiers": "Au plus \(Self.maxSelection) dossiers à la fois."])
        }
        let scopes = try await StaffDirectory(req).scopes(of: user.requireID())
        let dossiers = try await DossierModel.query(on: req.db).filter(\.$id ~~ ids).filter(\.$filedAt != nil).all()
        let visible = dossiers.filter { dossier in
            guard let scope = try? dossier.domain().scope else { return false }
            return scopes.contains { $0.covers(scope) }
        }
        guard visible.count == ids.count else {
            throw DomainError.invalidForm(errors: [
                "dossiers": "Un des dossiers cochés n'est pas dans votre périmètre : rien n'a été fait."
            ])
        }
        return visible.sorted { ($0.number ?? "") < ($1.number ?? "") }
    }

    private func load(_ req: Request) async throws -> (UserModel, DossierModel) {
        let user = try req.auth.require(UserModel.self)
        return (user, try await StaffDirectory(req).filedDossier(req.parameters.get("dossier"), for: user))
    }
}
