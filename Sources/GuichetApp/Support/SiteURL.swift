import Foundation
import Vapor

/// Every URL Guichet serves, written once: its segments register the route (``pattern``), build
/// the links the views show (``path``), and feed the route table and the access matrix in tests.
enum SiteURL: Equatable, Sendable {
    case home
    /// Every call, open, to come and closed (the home page's list, at its own address).
    case calls
    case health
    case healthReady
    case metrics
    case stylesheet
    case designSystemStylesheet
    case favicon
    case accessibility
    case legalNotice
    case personalData
    case callResults(String)
    case apiCalls
    case apiCall(String)
    case apiCallResults(String)
    case apiCallEnvelopes(String)
    case apiCallPublications(String)
    case apiCallDossiers(String)
    case apiCallDecisions(String)
    case apiCallDefinition(String)
    case apiDossier(UUID)
    case apiDossierReviews(UUID)
    case apiDossierGrant(UUID)
    case apiOpenAPI
    case apiCallSchema
    case signUp
    case login
    case logout
    case confirmEmail
    case forgotPassword
    case resetPassword
    case account
    case apiTokens
    case apiTokenRevocation(UUID)
    case call(String)
    case apply(String)
    case resultsVersions(String)
    case resultsVersion(String, Int)
    case resultsVersionFile(String, Int, String)
    case pressKit(String)
    case pressKitPDF(String)
    case openData(String, String)
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
    case deleteDraft(UUID)
    case attachment(dossier: UUID, attachment: UUID)
    case dossierMessages(UUID)
    case messageAttachment(dossier: UUID, attachment: UUID)
    case decisionLetter(UUID)
    case grantAct(UUID)
    case grantActPDF(UUID)
    case grantActAcceptance(UUID)
    case grantReport(UUID)
    case instruction
    case instructionCSV
    case instructionExport(String)
    case bulkActions
    case grantFollowUp
    case grantFollowUpCSV
    case staffDossier(UUID)
    case takeDossier(UUID)
    case staffEligibility(UUID)
    case staffCorrection(UUID)
    case staffReview(UUID)
    case staffOpinion(UUID)
    case staffScores(UUID)
    case staffAssignment(UUID)
    case staffAttachment(dossier: UUID, attachment: UUID)
    case staffMessages(UUID)
    case staffMessageAttachment(dossier: UUID, attachment: UUID)
    case staffLabels(UUID)
    case staffLabelRemoval(UUID)
    case staffAnnotations(UUID)
    case staffExpertRequests(UUID)
    case staffExpertRevocation(dossier: UUID, request: UUID)
    case staffGrantAct(UUID)
    case staffGrantActPDF(UUID)
    case staffGrantActGeneration(UUID)
    case staffGrantSignedCopy(UUID)
    case staffGrantPayments(UUID)
    case staffGrantRecoveries(UUID)
    case staffGrantReport(UUID)
    case staffGrantReportValidation(UUID)
    case staffGrantReportCorrection(UUID)
    case staffLinks
    case expertRequests
    case expertRequest(UUID)
    case committee
    case newCommitteeSession
    case committeeSessions
    case committeeSession(UUID)
    case committeeAttendance(UUID)
    case committeeDecisions(UUID)
    case committeeDecisionWithdrawal(UUID)
    case committeeApplication(UUID)
    case committeeProposal(UUID)
    case committeeMinutes(UUID)
    case committeeLetter(session: UUID, dossier: UUID)
    case envelopes(String)
    case envelopeRevisions(String)
    case envelopeWaves(String)
    case adminStaff
    case adminNewStaff
    case adminPerson(UUID)
    case adminPersonClosure(UUID)
    case adminPersonReopening(UUID)
    case adminCalls
    case adminCall(String)
    case adminCallSection(String, String)
    case adminCallDuplicate(String)
    case adminCallPublication(String)
    case adminCallArchiving(String)
    case adminCallPreview(String)
    case adminCallFormPreview(String)
    case publications
    case publicationAdmin(String)
    case publish(String)
    case importDossiers(String)
    case importJob(String, UUID)
    case webhooks
    case webhookDisabling(UUID)

    /// A part of a path: fixed text, or a named route parameter with its value.
    enum Segment: Equatable, Sendable, ExpressibleByStringLiteral {
        case fixed(String)
        case parameter(String, String)

        init(stringLiteral value: String) { self = .fixed(value) }

        static func parameter(_ name: String, _ id: UUID) -> Segment { .parameter(name, UUIDText.lowercased(id)) }
        static func call(_ reference: String) -> Segment { .parameter("call", reference) }
        static func dossier(_ id: UUID) -> Segment { .parameter("dossier", id) }
        static func session(_ id: UUID) -> Segment { .parameter("session", id) }
    }

    /// The path's segments, in order.
    var segments: [Segment] {
        switch self {
        case .home: []
        case .calls: ["appels"]
        case .health: ["health"]
        case .healthReady: ["health", "ready"]
        case .metrics: ["metrics"]
        case .stylesheet: ["static", "guichet.css"]
        case .designSystemStylesheet: ["static", "dsfr", "dsfr.min.css"]
        case .favicon: ["static", "dsfr", "favicon", "favicon.svg"]
        case .accessibility: ["accessibilite"]
        case .legalNotice: ["mentions-legales"]
        case .personalData: ["donnees-personnelles"]
        case .callResults(let a): ["appels", .call(a), "resultats"]
        case .apiCalls: ["api", "v1", "calls"]
        case .apiCall(let a): ["api", "v1", "calls", .call(a)]
        case .apiCallResults(let a): ["api", "v1", "calls", .call(a), "results"]
        case .apiCallEnvelopes(let a): ["api", "v1", "calls", .call(a), "envelopes"]
        case .apiCallPublications(let a): ["api", "v1", "calls", .call(a), "publications"]
        case .apiCallDossiers(let a): ["api", "v1", "calls", .call(a), "dossiers"]
        case .apiCallDecisions(let a): ["api", "v1", "calls", .call(a), "decisions"]
        case .apiCallDefinition(let a): ["api", "v1", "calls", .call(a), "definition"]
        case .apiDossier(let a): ["api", "v1", "dossiers", .dossier(a)]
        case .apiDossierReviews(let a): ["api", "v1", "dossiers", .dossier(a), "reviews"]
        case .apiDossierGrant(let a): ["api", "v1", "dossiers", .dossier(a), "grant"]
        case .apiOpenAPI: ["api", "v1", "openapi.json"]
        case .apiCallSchema: ["api", "v1", "schemas", "call.json"]
        case .signUp: ["inscription"]
        case .login: ["connexion"]
        case .logout: ["deconnexion"]
        case .confirmEmail: ["confirmation"]
        case .forgotPassword: ["mot-de-passe-oublie"]
        case .resetPassword: ["mot-de-passe", "nouveau"]
        case .account: ["mon-espace"]
        case .apiTokens: ["mon-espace", "jetons"]
        case .apiTokenRevocation(let a): ["mon-espace", "jetons", .parameter("token", a), "revoquer"]
        case .call(let a): ["appels", .call(a)]
        case .apply(let a): ["appels", .call(a), "deposer"]
        case .resultsVersions(let a): ["appels", .call(a), "resultats", "versions"]
        case .resultsVersion(let a, let b):
            ["appels", .call(a), "resultats", "versions", .parameter("version", String(b))]
        case .resultsVersionFile(let a, let b, let c):
            ["appels", .call(a), "resultats", "versions", .parameter("version", String(b)), .parameter("file", c)]
        case .pressKit(let a): ["appels", .call(a), "dossier-de-presse"]
        case .pressKitPDF(let a): ["appels", .call(a), "dossier-de-presse.pdf"]
        case .openData(let a, let b): ["appels", .call(a), "donnees", .parameter("file", b)]
        case .newOrganisation: ["organisations", "nouvelle"]
        case .organisations: ["organisations"]
        case .organisation(let a): ["organisations", .parameter("id", a)]
        case .organisationInvitations(let a): ["organisations", .parameter("id", a), "invitations"]
        case .acceptInvitation: ["invitations", "accepter"]
        case .dossier(let a): ["dossiers", .dossier(a)]
        case .editDossier(let a): ["dossiers", .dossier(a), "modifier"]
        case .dossierSummary(let a): ["dossiers", .dossier(a), "recapitulatif"]
        case .fileDossier(let a): ["dossiers", .dossier(a), "deposer"]
        case .dossierReceipt(let a): ["dossiers", .dossier(a), "recepisse"]
        case .withdrawDossier(let a): ["dossiers", .dossier(a), "retirer"]
        case .deleteDraft(let a): ["dossiers", .dossier(a), "supprimer"]
        case .attachment(let a, let b): ["dossiers", .dossier(a), "pieces", .parameter("attachment", b)]
        case .dossierMessages(let a): ["dossiers", .dossier(a), "messages"]
        case .messageAttachment(let a, let b):
            ["dossiers", .dossier(a), "messages", "pieces", .parameter("attachment", b)]
        case .decisionLetter(let a): ["dossiers", .dossier(a), "decision"]
        case .grantAct(let a): ["dossiers", .dossier(a), "acte"]
        case .grantActPDF(let a): ["dossiers", .dossier(a), "acte.pdf"]
        case .grantActAcceptance(let a): ["dossiers", .dossier(a), "acte", "accepter"]
        case .grantReport(let a): ["dossiers", .dossier(a), "compte-rendu"]
        case .instruction: ["instruction"]
        case .instructionCSV: ["instruction", "export.csv"]
        case .instructionExport(let a): ["instruction", "exports", .parameter("dataset", a)]
        case .bulkActions: ["instruction", "lot"]
        case .grantFollowUp: ["instruction", "suivi"]
        case .grantFollowUpCSV: ["instruction", "suivi.csv"]
        case .staffDossier(let a): ["instruction", "dossiers", .dossier(a)]
        case .takeDossier(let a): ["instruction", "dossiers", .dossier(a), "prendre"]
        case .staffEligibility(let a): ["instruction", "dossiers", .dossier(a), "recevabilite"]
        case .staffCorrection(let a): ["instruction", "dossiers", .dossier(a), "complement"]
        case .staffReview(let a): ["instruction", "dossiers", .dossier(a), "instruction"]
        case .staffOpinion(let a): ["instruction", "dossiers", .dossier(a), "avis"]
        case .staffScores(let a): ["instruction", "dossiers", .dossier(a), "notes"]
        case .staffAssignment(let a): ["instruction", "dossiers", .dossier(a), "attribuer"]
        case .staffAttachment(let a, let b):
            ["instruction", "dossiers", .dossier(a), "pieces", .parameter("attachment", b)]
        case .staffMessages(let a): ["instruction", "dossiers", .dossier(a), "messages"]
        case .staffMessageAttachment(let a, let b):
            ["instruction", "dossiers", .dossier(a), "messages", "pieces", .parameter("attachment", b)]
        case .staffLabels(let a): ["instruction", "dossiers", .dossier(a), "etiquettes"]
        case .staffLabelRemoval(let a): ["instruction", "dossiers", .dossier(a), "etiquettes", "retirer"]
        case .staffAnnotations(let a): ["instruction", "dossiers", .dossier(a), "annotations"]
        case .staffExpertRequests(let a): ["instruction", "dossiers", .dossier(a), "expertise"]
        case .staffExpertRevocation(let a, let b):
            ["instruction", "dossiers", .dossier(a), "expertise", .parameter("request", b), "revoquer"]
        case .staffGrantAct(let a): ["instruction", "dossiers", .dossier(a), "acte"]
        case .staffGrantActPDF(let a): ["instruction", "dossiers", .dossier(a), "acte.pdf"]
        case .staffGrantActGeneration(let a): ["instruction", "dossiers", .dossier(a), "acte", "etablir"]
        case .staffGrantSignedCopy(let a): ["instruction", "dossiers", .dossier(a), "acte", "exemplaire-signe"]
        case .staffGrantPayments(let a): ["instruction", "dossiers", .dossier(a), "versements"]
        case .staffGrantRecoveries(let a): ["instruction", "dossiers", .dossier(a), "reversements"]
        case .staffGrantReport(let a): ["instruction", "dossiers", .dossier(a), "compte-rendu"]
        case .staffGrantReportValidation(let a): ["instruction", "dossiers", .dossier(a), "compte-rendu", "valider"]
        case .staffGrantReportCorrection(let a): ["instruction", "dossiers", .dossier(a), "compte-rendu", "correction"]
        case .staffLinks: ["liens-d-interet"]
        case .expertRequests: ["expertise"]
        case .expertRequest(let a): ["expertise", .parameter("request", a)]
        case .committee: ["comite"]
        case .newCommitteeSession: ["comite", "seances", "nouvelle"]
        case .committeeSessions: ["comite", "seances"]
        case .committeeSession(let a): ["comite", "seances", .session(a)]
        case .committeeAttendance(let a): ["comite", "seances", .session(a), "presences"]
        case .committeeDecisions(let a): ["comite", "seances", .session(a), "decisions"]
        case .committeeDecisionWithdrawal(let a): ["comite", "seances", .session(a), "decisions", "retirer"]
        case .committeeApplication(let a): ["comite", "seances", .session(a), "appliquer"]
        case .committeeProposal(let a): ["comite", "seances", .session(a), "proposition"]
        case .committeeMinutes(let a): ["comite", "seances", .session(a), "proces-verbal"]
        case .committeeLetter(let a, let b): ["comite", "seances", .session(a), "lettres", .dossier(b)]
        case .envelopes(let a): ["comite", "enveloppes", .call(a)]
        case .envelopeRevisions(let a): ["comite", "enveloppes", .call(a), "revisions"]
        case .envelopeWaves(let a): ["comite", "enveloppes", .call(a), "vagues"]
        case .adminStaff: ["admin", "personnel"]
        case .adminNewStaff: ["admin", "personnel", "nouveau"]
        case .adminPerson(let a): ["admin", "personnel", .parameter("person", a)]
        case .adminPersonClosure(let a): ["admin", "personnel", .parameter("person", a), "fermer"]
        case .adminPersonReopening(let a): ["admin", "personnel", .parameter("person", a), "rouvrir"]
        case .adminCalls: ["admin", "appels"]
        case .adminCall(let a): ["admin", "appels", .call(a)]
        case .adminCallSection(let a, let b): ["admin", "appels", .call(a), .parameter("section", b)]
        case .adminCallDuplicate(let a): ["admin", "appels", .call(a), "dupliquer"]
        case .adminCallPublication(let a): ["admin", "appels", .call(a), "publier"]
        case .adminCallArchiving(let a): ["admin", "appels", .call(a), "archiver"]
        case .adminCallPreview(let a): ["admin", "appels", .call(a), "apercu"]
        case .adminCallFormPreview(let a): ["admin", "appels", .call(a), "apercu", "formulaire"]
        case .publications: ["admin", "publication"]
        case .publicationAdmin(let a): ["admin", "publication", .call(a)]
        case .publish(let a): ["admin", "publication", .call(a), "publier"]
        case .importDossiers(let a): ["admin", "import", .call(a)]
        case .importJob(let a, let b): ["admin", "import", .call(a), "suivi", .parameter("job", b)]
        case .webhooks: ["admin", "webhooks"]
        case .webhookDisabling(let a): ["admin", "webhooks", .parameter("endpoint", a), "desactiver"]
        }
    }

    /// The address, with the parameters' values.
    var path: String {
        guard !segments.isEmpty else { return "/" }
        var path = ""
        path.reserveCapacity(72)
        for segment in segments {
            path += "/"
            switch segment {
            case .fixed(let text): path += text
            case .parameter(_, let value): path += value
            }
        }
        return path
    }

    /// The route's pattern, parameters named (`:dossier`): what the controllers register.
    var pattern: [PathComponent] {
        segments.map { segment in
            switch segment {
            case .fixed(let text): .constant(text)
            case .parameter(let name, _): .parameter(name)
            }
        }
    }

    /// The pattern as OpenAPI writes it (`/api/v1/dossiers/{dossier}`).
    var openAPIPath: String {
        "/"
            + segments.map { segment in
                switch segment {
                case .fixed(let text): text
                case .parameter(let name, _): "{\(name)}"
                }
            }.joined(separator: "/")
    }

    /// Where the JSON API lives: its answers are JSON, its callers hold tokens, not sessions.
    static let apiPrefix = "/api/"

    /// The pattern as text (`/instruction/dossiers/:dossier`), as the route table lists it.
    var patternText: String { "/" + pattern.map(\.description).joined(separator: "/") }

    /// A return address after a form: this page as the person left it (its query kept), never
    /// another page or another site.
    func returning(_ raw: String) -> String {
        let page = path
        guard raw == page || raw.hasPrefix(page + "?"), !raw.contains("//"), !raw.contains("\\") else { return page }
        return raw
    }
}

/// Placeholders for the parameters of a route's pattern: a pattern ignores the values.
extension UUID {
    static let pattern = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
}

extension String {
    static let pattern = ""
}

extension Int {
    static let pattern = 0
}

extension RoutesBuilder {
    /// Registers a GET route from its ``SiteURL``.
    @discardableResult
    func get<Response: AsyncResponseEncodable>(
        _ url: SiteURL, use closure: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        on(.GET, url.pattern, use: closure)
    }

    /// Registers a POST route from its ``SiteURL``, its body collected up to `body` when given.
    @discardableResult
    func post<Response: AsyncResponseEncodable>(
        _ url: SiteURL, body: HTTPBodyStreamStrategy = .collect,
        use closure: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        on(.POST, url.pattern, body: body, use: closure)
    }
}
