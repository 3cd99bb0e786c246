import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// A staff member's declared links of interest (`/liens-d-interet`): each one recuses them from
/// the organisation's dossiers.
struct ConflictOfInterestController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let anyStaff = routes.grouped(
            LoginRequired(), StaffRequired(roles: Set(Role.allCases).subtracting([.applicant, .system])))
        anyStaff.get(.staffLinks, use: links)
        anyStaff.post(.staffLinks, use: declareLink)
    }

    struct LinkInput: Content {
        var siret: String?
        var rna: String?
        var description: String?
    }

    @Sendable
    func links(req: Request) async throws -> Response {
        try await linksPage(req, input: LinkInput(), errors: [:], status: .ok)
    }

    @Sendable
    func declareLink(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let input = try req.content.decode(LinkInput.self)
        do {
            try await StaffDirectory(database: req.db).declareLink(
                user, siret: input.siret ?? "", rna: input.rna ?? "",
                description: input.description ?? "")
        } catch DomainError.invalidForm(let errors) {
            return try await linksPage(req, input: input, errors: errors, status: .unprocessableEntity)
        }
        Flash.set("Lien déclaré : vous serez déporté des dossiers de cette organisation.", on: req)
        return req.redirect(to: SiteURL.staffLinks.path)
    }

    private func linksPage(
        _ req: Request, input: LinkInput, errors: [String: String], status: HTTPStatus
    ) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let declared = try await StaffLinkModel.query(on: req.db).filter(\.$user.$id == user.requireID()).sort(
            \.$createdAt
        ).all()
        let intro =
            declared.isEmpty
            ? "Aucun lien déclaré."
            : "Liens déclarés : "
                + declared.map { link in
                    "\(link.description) (\([link.siret.map { "SIRET \($0)" }, link.rna.map { "RNA \($0)" }].compactMap { $0 }.joined(separator: ", ")))"
                }.joined(separator: " ; ") + "."
        let fields = [
            FieldView(
                name: "siret", label: "SIRET de l'organisation", value: input.siret ?? "", error: errors["siret"],
                required: false),
            FieldView(
                name: "rna", label: "Numéro RNA de l'organisation", value: input.rna ?? "", error: errors["rna"],
                required: false),
            FieldView(
                name: "description", label: "Nature du lien", value: input.description ?? "",
                error: errors["description"],
                help: "Par exemple : membre du conseil d'administration, salarié, bénévole, parent d'un dirigeant."),
        ]
        return try await req.view.render(
            "form",
            FormPage(
                req, title: "Mes liens d'intérêt", intro: intro, action: SiteURL.staffLinks.path,
                submitLabel: "Déclarer ce lien", fields: fields)
        )
        .encodeResponse(status: status, for: req)
    }
}
