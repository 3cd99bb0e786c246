import Foundation

/// Every URL Guichet serves, shared by routes, views and tests.
enum SiteURL: Equatable {
    case home
    case health
    case stylesheet
    case callResults(String)
    case apiCalls
    case apiCall(String)
    case apiCallResults(String)
    case signUp
    case login
    case logout
    case confirmEmail
    case forgotPassword
    case resetPassword
    case account
    case call(String)
    case apply(String)
    case newOrganisation
    case organisations
    case organisation(UUID)
    case organisationInvitations(UUID)
    case acceptInvitation
    case dossier(UUID)
    case editDossier(UUID)
    case dossierSummary(UUID)
    case fileDossier(UUID)
    case dossierReceipt(UUID)
    case withdrawDossier(UUID)
    case attachment(dossier: UUID, attachment: UUID)
    case instruction
    case staffDossier(UUID)
    case takeDossier(UUID)
    case staffLinks
    case expertRequests
    case expertRequest(UUID)
    case staffAttachment(dossier: UUID, attachment: UUID)
    case dossierMessages(UUID)
    case messageAttachment(dossier: UUID, attachment: UUID)
    case staffMessages(UUID)
    case staffMessageAttachment(dossier: UUID, attachment: UUID)
    case staffLabels(UUID)
    case staffLabelRemoval(UUID)
    case staffAnnotations(UUID)
    case bulkActions
    case adminStaff
    case publications
    case apiTokens
    case webhooks
    case importDossiers(String)
    case publicationAdmin(String)
    case publish(String)
    case resultsVersions(String)
    case resultsVersion(String, Int)
    case resultsVersionFile(String, Int, String)
    case pressKit(String)
    case pressKitPDF(String)
    case openData(String, String)
    case adminNewStaff
    case adminPerson(UUID)
    case committee
    case newCommitteeSession
    case committeeSessions
    case committeeSession(UUID)
    case committeeMinutes(UUID)
    case committeeLetter(session: UUID, dossier: UUID)
    case decisionLetter(UUID)
    case envelopes(String)
    case apiCallEnvelopes(String)
    case adminCalls
    case adminCall(String)

    var path: String {
        switch self {
        case .home: "/"
        case .health: "/health"
        case .stylesheet: "/static/guichet.css"
        case .callResults(let reference): "/appels/\(reference)/resultats"
        case .apiCalls: "/api/v1/calls"
        case .apiCall(let id): "/api/v1/calls/\(id)"
        case .apiCallResults(let id): "/api/v1/calls/\(id)/results"
        case .signUp: "/inscription"
        case .login: "/connexion"
        case .logout: "/deconnexion"
        case .confirmEmail: "/confirmation"
        case .forgotPassword: "/mot-de-passe-oublie"
        case .resetPassword: "/mot-de-passe/nouveau"
        case .account: "/mon-espace"
        case .call(let reference): "/appels/\(reference)"
        case .apply(let reference): "/appels/\(reference)/deposer"
        case .newOrganisation: "/organisations/nouvelle"
        case .organisations: "/organisations"
        case .organisation(let id): "/organisations/\(id.uuidString.lowercased())"
        case .organisationInvitations(let id): "/organisations/\(id.uuidString.lowercased())/invitations"
        case .acceptInvitation: "/invitations/accepter"
        case .dossier(let id): "/dossiers/\(id.uuidString.lowercased())"
        case .editDossier(let id): "/dossiers/\(id.uuidString.lowercased())/modifier"
        case .dossierSummary(let id): "/dossiers/\(id.uuidString.lowercased())/recapitulatif"
        case .fileDossier(let id): "/dossiers/\(id.uuidString.lowercased())/deposer"
        case .dossierReceipt(let id): "/dossiers/\(id.uuidString.lowercased())/recepisse"
        case .withdrawDossier(let id): "/dossiers/\(id.uuidString.lowercased())/retirer"
        case .staffLinks: "/liens-d-interet"
        case .expertRequests: "/expertise"
        case .expertRequest(let id): "/expertise/\(id.uuidString.lowercased())"
        case .staffAttachment(let dossier, let attachment):
            "/instruction/dossiers/\(dossier.uuidString.lowercased())/pieces/\(attachment.uuidString.lowercased())"
        case .dossierMessages(let id): "/dossiers/\(id.uuidString.lowercased())/messages"
        case .messageAttachment(let dossier, let attachment):
            "/dossiers/\(dossier.uuidString.lowercased())/messages/pieces/\(attachment.uuidString.lowercased())"
        case .staffMessages(let id): "/instruction/dossiers/\(id.uuidString.lowercased())/messages"
        case .staffMessageAttachment(let dossier, let attachment):
            "/instruction/dossiers/\(dossier.uuidString.lowercased())/messages/pieces/\(attachment.uuidString.lowercased())"
        case .staffLabels(let id): "/instruction/dossiers/\(id.uuidString.lowercased())/etiquettes"
        case .staffLabelRemoval(let id): "/instruction/dossiers/\(id.uuidString.lowercased())/etiquettes/retirer"
        case .staffAnnotations(let id): "/instruction/dossiers/\(id.uuidString.lowercased())/annotations"
        case .bulkActions: "/instruction/lot"
        case .committee: "/comite"
        case .newCommitteeSession: "/comite/seances/nouvelle"
        case .committeeSessions: "/comite/seances"
        case .committeeSession(let id): "/comite/seances/\(id.uuidString.lowercased())"
        case .committeeMinutes(let id): "/comite/seances/\(id.uuidString.lowercased())/proces-verbal"
        case .committeeLetter(let session, let dossier):
            "/comite/seances/\(session.uuidString.lowercased())/lettres/\(dossier.uuidString.lowercased())"
        case .decisionLetter(let id): "/dossiers/\(id.uuidString.lowercased())/decision"
        case .envelopes(let reference): "/comite/enveloppes/\(reference)"
        case .apiCallEnvelopes(let reference): "/api/v1/calls/\(reference)/envelopes"
        case .adminCalls: "/admin/appels"
        case .adminCall(let reference): "/admin/appels/\(reference)"
        case .adminStaff: "/admin/personnel"
        case .publications: "/admin/publication"
        case .apiTokens: "/mon-espace/jetons"
        case .webhooks: "/admin/webhooks"
        case .importDossiers(let reference): "/admin/import/\(reference)"
        case .publicationAdmin(let reference): "/admin/publication/\(reference)"
        case .publish(let reference): "/admin/publication/\(reference)/publier"
        case .resultsVersions(let reference): "/appels/\(reference)/resultats/versions"
        case .resultsVersion(let reference, let version): "/appels/\(reference)/resultats/versions/\(version)"
        case .resultsVersionFile(let reference, let version, let file):
            "/appels/\(reference)/resultats/versions/\(version)/\(file)"
        case .pressKit(let reference): "/appels/\(reference)/dossier-de-presse"
        case .pressKitPDF(let reference): "/appels/\(reference)/dossier-de-presse.pdf"
        case .openData(let reference, let file): "/appels/\(reference)/donnees/\(file)"
        case .adminNewStaff: "/admin/personnel/nouveau"
        case .adminPerson(let id): "/admin/personnel/\(id.uuidString.lowercased())"
        case .instruction: "/instruction"
        case .staffDossier(let id): "/instruction/dossiers/\(id.uuidString.lowercased())"
        case .takeDossier(let id): "/instruction/dossiers/\(id.uuidString.lowercased())/prendre"
        case .attachment(let dossier, let attachment):
            "/dossiers/\(dossier.uuidString.lowercased())/pieces/\(attachment.uuidString.lowercased())"
        }
    }

    /// Back to the instruction queue the person came from (its filters kept), never elsewhere.
    static func queueReturn(_ raw: String) -> String {
        let queue = SiteURL.instruction.path
        guard raw == queue || raw.hasPrefix(queue + "?"), !raw.contains("//"), !raw.contains("\\") else { return queue }
        return raw
    }
}
