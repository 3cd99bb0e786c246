import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// Organisations on the applicant side: registering one, inviting someone to represent it, and
/// accepting an invitation.
///
/// Everything an organisation page shows goes through ``Membership``: a person who does not
/// represent the organisation is answered 404, as if it did not exist.
struct OrganisationService {
    let database: any Database
    let configuration: AppConfiguration
    let now: Date

    static let invitationLifetime: TimeInterval = 7 * 24 * 3600

    /// What the registration form sends, as typed.
    struct Registration: Sendable {
        var name = ""
        var legalForm = ""
        var siret = ""
        var rna = ""
        var address = ""
        var postcode = ""
        var city = ""
        var departement = ""
    }

    // MARK: - Registration

    /// Registers an organisation and makes its creator a member, in one transaction.
    ///
    /// - Throws: ``DomainError/invalidForm(errors:)`` with every field error at once, keyed by the
    ///   form's field names; an identifier already registered is one of them (nothing is added:
    ///   the person is told to ask for an invitation instead).
    func register(_ input: Registration, by userID: UUID) async throws -> OrganisationModel {
        var errors: [String: String] = [:]
        let name = Self.clean(input.name)
        if name.isEmpty { errors["name"] = "Indiquez le nom de l'organisation." }
        if name.count > 200 { errors["name"] = "200 caractères au plus (vous en avez saisi \(name.count))." }

        let legalForm = LegalForm(rawValue: input.legalForm)
        if legalForm == nil { errors["legal_form"] = "Choisissez la forme juridique dans la liste." }

        // Each identifier is checked by its domain type; an empty one is simply absent.
        let siretText = Self.clean(input.siret), rnaText = Self.clean(input.rna)
        let siret = Self.parse(siretText, field: "siret", into: &errors) { text throws(DomainError) in try Siret(text) }
        let rna = Self.parse(rnaText, field: "rna", into: &errors) { text throws(DomainError) in try RNA(text) }
        if siretText.isEmpty && rnaText.isEmpty { errors["siret"] = DomainError.missingIdentifier.message }

        let address = Self.clean(input.address)
        if address.isEmpty { errors["address"] = "Indiquez l'adresse du siège (numéro et voie)." }
        if address.count > 300 { errors["address"] = "300 caractères au plus (vous en avez saisi \(address.count))." }
        let postcode = input.postcode.filter { !$0.isWhitespace }
        if postcode.count != 5 || !postcode.allSatisfy({ $0.isASCII && $0.isNumber }) {
            errors["postcode"] = "Le code postal s'écrit avec 5 chiffres (exemple : 02000)."
        }
        let city = Self.clean(input.city)
        if city.isEmpty { errors["city"] = "Indiquez la commune." }
        if city.count > 100 { errors["city"] = "100 caractères au plus (vous en avez saisi \(city.count))." }
        let departement = Self.clean(input.departement)
        if departement.isEmpty {
            errors["departement"] = "Choisissez le département du siège."
        } else {
            do { _ = try TerritoryCatalog.france.departement(departement) } catch {
                errors["departement"] = error.message
            }
        }

        let shapeErrors = errors
        return try await database.transaction { db in
            var errors = shapeErrors
            // Checked inside the transaction that adds the row, so that the answer and the insert agree.
            if let siret, try await OrganisationModel.query(on: db).filter(\.$siret == siret.value).first() != nil {
                errors["siret"] = Self.alreadyRegistered("ce SIRET")
            }
            if let rna, try await OrganisationModel.query(on: db).filter(\.$rna == rna.value).first() != nil {
                errors["rna"] = Self.alreadyRegistered("ce numéro RNA")
            }
            guard errors.isEmpty, let legalForm else { throw DomainError.invalidForm(errors: errors) }

            let id = UUID()
            // The domain has the last word on what registering requires.
            let organisation = Organisation(
                id: id, name: name, legalForm: legalForm.rawValue, siret: siret, rna: rna,
                departementCode: departement, simulated: false)
            do throws(DomainError) {
                try organisation.checkRegistrable()
            } catch {
                throw DomainError.invalidForm(errors: [Self.field(of: error): error.message])
            }

            let model = OrganisationModel(
                id: id, name: name, legalForm: legalForm.rawValue, siret: siret?.value, rna: rna?.value,
                departementCode: departement, simulated: false)
            model.address = address
            model.postcode = postcode
            model.city = city
            do {
                try await model.create(on: db)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // Registered by someone else between the check above and this insert.
                throw DomainError.invalidForm(errors: [
                    siret != nil ? "siret" : "rna": Self.alreadyRegistered(siret != nil ? "ce SIRET" : "ce numéro RNA")
                ])
            }
            try await OrganisationMemberModel(organisationID: id, userID: userID).create(on: db)
            return model
        }
    }

    // MARK: - Members and invitations

    /// The people who represent the organisation, in the order they joined.
    func members(of organisationID: UUID) async throws -> [UserModel] {
        try await OrganisationMemberModel.query(on: database).filter(\.$organisation.$id == organisationID)
            .with(\.$user).sort(\.$createdAt).all().map(\.user)
    }

    /// Invitations sent and neither accepted nor expired, newest first.
    func pendingInvitations(of organisationID: UUID) async throws -> [OrganisationInvitationModel] {
        try await OrganisationInvitationModel.query(on: database).filter(\.$organisation.$id == organisationID)
            .filter(\.$acceptedAt == nil).filter(\.$expiresAt > now).sort(\.$createdAt, .descending).all()
    }

    /// Invites an address to represent the organisation: stores the invitation (only the token's
    /// hash) and emails its link, in one transaction.
    ///
    /// - Throws: a 404 ``AppError`` unless `inviter` represents the organisation (checked before
    ///   the address, so that outsiders learn nothing); ``DomainError/invalidForm(errors:)`` on
    ///   `email` for an invalid address or one that already represents it.
    /// - Returns: the normalised address.
    @discardableResult
    func invite(email rawEmail: String, to organisationID: UUID, by inviter: UserModel) async throws -> EmailAddress {
        let inviterID = try inviter.requireID()
        return try await database.transaction { db in
            let organisation = try await Membership(database: db).requireOrganisation(organisationID, for: inviterID)
            let email = try EmailAddress(rawEmail)
            if let invitee = try await UserModel.query(on: db).filter(\.$email == email.value).first(),
                try await Membership(database: db).isMember(invitee.requireID(), of: organisationID)
            {
                throw DomainError.invalidForm(errors: ["email": "Cette personne représente déjà l'organisation."])
            }
            // Whoever holds an account could otherwise make the server mail any address.
            try await RequestCounter(database: db, now: now).check("invite:\(inviterID.uuidString)", .invitations)
            let token = SecretToken.make()
            let invitation = OrganisationInvitationModel()
            invitation.$organisation.id = organisationID
            invitation.email = email.value
            invitation.tokenHash = SecretToken.hash(token)
            invitation.$invitedBy.id = inviterID
            invitation.expiresAt = now.addingTimeInterval(Self.invitationLifetime)
            try await invitation.create(on: db)
            try await Mailer(database: db).enqueue(
                to: email.value, subject: "Invitation à représenter « \(organisation.name) » sur Guichet",
                body: """
                    Bonjour,

                    \(inviter.displayName) vous invite à représenter « \(organisation.name) » sur Guichet, pour déposer et suivre ses dossiers.

                    Pour accepter, connectez-vous à Guichet (ou créez un compte, avec l'adresse de votre choix), puis ouvrez ce lien dans les 7 jours :
                    \(configuration.publicURL)\(SiteURL.acceptInvitation.path)?jeton=\(token)

                    Le lien ne sert qu'une fois. Si vous ne connaissez pas cette organisation, ignorez ce message.
                    """, kind: "organisation_invitation", now: now)
            return email
        }
    }

    /// Accepts an invitation from its emailed link: the user becomes a member (nothing changes if
    /// they already were) and the invitation is spent.
    ///
    /// Whoever holds the link may accept, whatever their account's address: the link is the proof.
    /// - Throws: a 410 ``AppError`` for an unknown, used or expired link.
    /// - Returns: the organisation now represented.
    /// The organisation a still valid invitation leads to, without accepting it: what the page
    /// asking to confirm shows.
    /// - Throws: a 410 ``AppError`` for an unknown, used or expired link.
    func invitation(token: String) async throws -> OrganisationModel {
        try await validInvitation(token: token, on: database).organisation
    }

    /// Accepts an invitation (a POST from the confirmation page, with its CSRF token): the person
    /// joins the organisation, once, whatever the concurrent clicks.
    /// - Throws: a 410 ``AppError`` for an unknown, used or expired link.
    func accept(token: String, by userID: UUID) async throws -> OrganisationModel {
        try await database.transaction { db in
            let (invitation, organisation) = try await validInvitation(token: token, on: db)
            // Single use even under concurrent clicks: only the request that moves `accepted_at`
            // from NULL wins.
            guard
                try await db.sql().update(OrganisationInvitationModel.schema).set("accepted_at", to: SQLBind(now))
                    .where("id", .equal, SQLBind(try invitation.requireID())).where("accepted_at", .is, SQLLiteral.null)
                    .returning("id").all().count == 1
            else { throw Self.expired }
            let organisationID = try organisation.requireID()
            let alreadyMember = try await Membership(database: db).isMember(userID, of: organisationID)
            if !alreadyMember {
                try await OrganisationMemberModel(organisationID: organisationID, userID: userID).create(on: db)
            }
            return organisation
        }
    }

    static let expired = AppError(
        status: .gone, code: "token_invalid",
        message:
            "Ce lien n'est plus valable (déjà utilisé ou expiré) : demandez une nouvelle invitation à une personne qui représente l'organisation."
    )

    private func validInvitation(
        token: String, on db: any Database
    ) async throws -> (invitation: OrganisationInvitationModel, organisation: OrganisationModel) {
        guard token.count == 43, token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }),
            let invitation = try await OrganisationInvitationModel.query(on: db)
                .filter(\.$tokenHash == SecretToken.hash(token)).first(),
            invitation.acceptedAt == nil, invitation.expiresAt > now,
            let organisation = try await OrganisationModel.find(invitation.$organisation.id, on: db)
        else { throw Self.expired }
        return (invitation, organisation)
    }

    // MARK: - Helpers

    private static func clean(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Parses an optional identifier: `nil` when left empty or invalid (the error is recorded).
    private static func parse<T>(
        _ text: String, field: String, into errors: inout [String: String],
        _ make: (String) throws(DomainError) -> T
    ) -> T? {
        guard !text.isEmpty else { return nil }
        do { return try make(text) } catch {
            errors[field] = error.message
            return nil
        }
    }

    /// The form field a registration refusal concerns.
    private static func field(of error: DomainError) -> String {
        switch error {
        case .missingIdentifier, .invalidSiret: "siret"
        case .invalidRNA: "rna"
        case .unknownTerritory: "departement"
        default: "name"
        }
    }

    private static func alreadyRegistered(_ identifier: String) -> String {
        "Une organisation portant \(identifier) est déjà inscrite sur Guichet : demandez à l'une des personnes qui la représentent de vous inviter."
    }
}
