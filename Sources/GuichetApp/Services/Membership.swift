import Fluent
import Foundation

/// Who represents which organisation. Every applicant page that touches an organisation or its
/// dossiers goes through here; someone who is not a member gets a 404, as if it did not exist.
struct Membership {
    let database: any Database

    /// The organisations a user represents, by name.
    func organisations(of userID: UUID) async throws -> [OrganisationModel] {
        let ids = try await OrganisationMemberModel.query(on: database).filter(\.$user.$id == userID).all(
            \.$organisation.$id)
        guard !ids.isEmpty else { return [] }
        return try await OrganisationModel.query(on: database).filter(\.$id ~~ ids).sort(\.$name).all()
    }

    /// Whether the user represents the organisation.
    func isMember(_ userID: UUID, of organisationID: UUID) async throws -> Bool {
        try await OrganisationMemberModel.query(on: database)
            .filter(\.$user.$id == userID).filter(\.$organisation.$id == organisationID).count() > 0
    }

    /// The organisation, if the user represents it.
    /// - Throws: a 404 ``AppError`` otherwise (never a 403: existence is not revealed).
    func requireOrganisation(_ organisationID: UUID, for userID: UUID) async throws -> OrganisationModel {
        guard try await isMember(userID, of: organisationID),
            let organisation = try await OrganisationModel.find(organisationID, on: database)
        else {
            throw AppError.notFound("organisation_not_found", "Organisation introuvable.")
        }
        return organisation
    }

    /// The dossier, if the user represents its organisation.
    /// - Throws: a 404 ``AppError`` otherwise.
    func requireDossier(_ dossierID: UUID, for userID: UUID) async throws -> DossierModel {
        guard let dossier = try await DossierModel.find(dossierID, on: database),
            try await isMember(userID, of: dossier.$organisation.id)
        else {
            throw AppError.notFound("dossier_not_found", "Dossier introuvable.")
        }
        return dossier
    }
}
