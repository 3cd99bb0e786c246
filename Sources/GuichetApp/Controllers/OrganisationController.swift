import Fluent
import GuichetDomain
import Vapor

/// The organisations a person represents: list, registration, details with members, invitations.
/// Every page needs a login; an organisation's pages answer 404 to anyone who does not represent it.
struct OrganisationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let member = routes.grouped(LoginRequired())
        member.get(.organisations, use: index)
        member.get(.newOrganisation, use: newForm)
        member.post(.organisations, use: create)
        member.get(.organisation(.pattern), use: show)
        member.post(.organisationInvitations(.pattern), use: invite)
        member.get(.acceptInvitation, use: confirmInvitation)
        member.post(.acceptInvitation, use: accept)
    }

    struct RegistrationInput: Content {
        var name: String?
        var legal_form: String?
        var siret: String?
        var rna: String?
        var address: String?
        var postcode: String?
        var city: String?
        var departement: String?
        /// The page to go back to once registered (the filing of a dossier).
        var retour: String?

        var registration: OrganisationService.Registration {
            .init(
                name: name ?? "", legalForm: legal_form ?? "", siret: siret ?? "", rna: rna ?? "",
                address: address ?? "",
                postcode: postcode ?? "", city: city ?? "", departement: departement ?? "")
        }
    }

    // MARK: - List and registration

    @Sendable
    func index(req: Request) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        let organisations = try await Membership(database: req.db).organisations(of: user.requireID())
        return try await req.view.render("organisations/index", OrganisationListPage(req, organisations: organisations))
    }

    @Sendable
    func newForm(req: Request) async throws -> Response {
        try await newPage(
            req, input: .init(), errors: [:], returnTo: LoginRequired.safeReturn(try? req.query.get(at: "retour")),
            status: .ok)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let posted = try req.content.decode(RegistrationInput.self)
        let input = posted.registration
        let returnTo = LoginRequired.safeReturn(posted.retour)
        let organisation: OrganisationModel
        do {
            organisation = try await service(req).register(input, by: user.requireID())
        } catch DomainError.invalidForm(let errors) {
            return try await newPage(
                req, input: input, errors: errors, returnTo: returnTo, status: .unprocessableEntity)
        }
        if let returnTo {
            Flash.set(
                "L'organisation « \(organisation.name) » est inscrite : vous la représentez. Vous pouvez maintenant commencer le dossier.",
                on: req)
            return req.redirect(to: returnTo)
        }
        Flash.set(
            "L'organisation « \(organisation.name) » est inscrite : vous la représentez. Invitez d'autres personnes ci-dessous si besoin.",
            on: req)
        return req.redirect(to: SiteURL.organisation(try organisation.requireID()).path)
    }

    private func newPage(
        _ req: Request, input: OrganisationService.Registration, errors: [String: String], returnTo: String?,
        status: HTTPStatus
    ) async throws -> Response {
        try await req.view.render(
            "organisations/new", NewOrganisationPage(req, input: input, errors: errors, returnTo: returnTo)
        )
        .encodeResponse(status: status, for: req)
    }

    // MARK: - One organisation

    @Sendable
    func show(req: Request) async throws -> Response {
        try await showPage(req, organisationID: organisationID(req), email: "", error: nil, status: .ok)
    }

    @Sendable
    func invite(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let id = try organisationID(req)
        let email = (try? req.content.get(String.self, at: "email")) ?? ""
        let invited: EmailAddress
        do {
            invited = try await service(req).invite(email: email, to: id, by: user)
        } catch DomainError.invalidForm(let errors) {
            return try await showPage(
                req, organisationID: id, email: email, error: errors["email"], status: .unprocessableEntity)
        }
        Flash.set("Invitation envoyée à \(invited.value) : le lien qu'elle contient est valable 7 jours.", on: req)
        return req.redirect(to: SiteURL.organisation(id).path)
    }

    private func showPage(
        _ req: Request, organisationID: UUID, email: String, error: String?, status: HTTPStatus
    ) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let organisation = try await Membership(database: req.db).requireOrganisation(
            organisationID, for: user.requireID())
        let service = service(req)
        let page = try OrganisationPage(
            req, organisation: organisation, members: await service.members(of: organisationID),
            invitations: await service.pendingInvitations(of: organisationID),
            email: email, emailError: error)
        return try await req.view.render("organisations/show", page).encodeResponse(status: status, for: req)
    }

    // MARK: - Invitations

    /// The emailed link leads here: a GET changes nothing (mail scanners and prefetchers follow
    /// links), it asks the person to confirm with a form.
    @Sendable
    func confirmInvitation(req: Request) async throws -> View {
        let token = (try? req.query.get(String.self, at: "jeton")) ?? ""
        let organisation = try await service(req).invitation(token: token)
        return try await req.view.render(
            "organisations/accept",
            InvitationPage(
                chrome: .make(req), csrf: CSRFMiddleware.token(for: req), action: SiteURL.acceptInvitation.path,
                token: token, organisation: organisation.name))
    }

    @Sendable
    func accept(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let token = (try? PostedForm.read(req).fields["jeton"]?.first) ?? ""
        let organisation = try await service(req).accept(token: token, by: user.requireID())
        Flash.set("Vous représentez désormais « \(organisation.name) ».", on: req)
        return req.redirect(to: SiteURL.organisation(try organisation.requireID()).path)
    }

    // MARK: - Helpers

    /// The `:id` of the path; a malformed one is answered like an unknown organisation.
    private func organisationID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else {
            throw AppError.notFound("organisation_not_found", "Organisation introuvable.")
        }
        return id
    }

    private func service(_ req: Request) -> OrganisationService {
        OrganisationService(database: req.db, configuration: req.application.guichetConfiguration, now: Date())
    }
}
