import Foundation
import Testing
import Vapor
import VaporTesting

@testable import GuichetApp

/// Every route Guichet registers, and what an anonymous request without a CSRF token gets. Adding a route without adding
/// it here fails ``everyRouteIsListedAndAnswers()``.
@Suite struct RouteTableTests {
    static let expected: [(method: HTTPMethod, url: SiteURL, query: String, status: HTTPStatus)] = [
        (.GET, .home, "", .ok),
        (.GET, .calls, "", .ok),
        (.GET, .health, "", .ok),
        (.GET, .healthReady, "", .ok),
        // In process there is no peer address: neither loopback nor token (MetricsTests reads it).
        (.GET, .metrics, "", .notFound),
        (.GET, .accessibility, "", .ok),
        (.GET, .legalNotice, "", .ok),
        (.GET, .personalData, "", .ok),
        (.GET, .callResults("hdf-2021"), "", .ok),
        (.GET, .apiCalls, "", .ok),
        (.GET, .apiCall("hdf-2021"), "", .ok),
        (.GET, .apiCallResults("hdf-2021"), "", .ok),
        (.GET, .signUp, "", .ok),
        (.POST, .signUp, "", .forbidden),
        (.GET, .confirmEmail, "?jeton=inconnu", .gone),
        (.GET, .login, "", .ok),
        (.POST, .login, "", .forbidden),
        (.POST, .logout, "", .forbidden),
        (.GET, .forgotPassword, "", .ok),
        (.POST, .forgotPassword, "", .forbidden),
        (.GET, .resetPassword, "?jeton=inconnu", .gone),
        (.POST, .resetPassword, "", .forbidden),
        (.GET, .account, "", .seeOther),
        (.GET, .call("essai-hdf"), "", .ok),
        (.GET, .apply("essai-hdf"), "", .seeOther),
        (.POST, .apply("essai-hdf"), "", .forbidden),
        (.GET, .dossier(UUID()), "", .seeOther),
        (.GET, .editDossier(UUID()), "", .seeOther),
        (.POST, .editDossier(UUID()), "", .forbidden),
        (.GET, .dossierSummary(UUID()), "", .seeOther),
        (.POST, .fileDossier(UUID()), "", .forbidden),
        (.GET, .dossierReceipt(UUID()), "", .seeOther),
        (.POST, .withdrawDossier(UUID()), "", .forbidden),
        (.POST, .deleteDraft(UUID()), "", .forbidden),
        (.GET, .grantAct(UUID()), "", .seeOther),
        (.GET, .grantActPDF(UUID()), "", .seeOther),
        (.POST, .grantActAcceptance(UUID()), "", .forbidden),
        (.GET, .staffGrantAct(UUID()), "", .seeOther),
        (.GET, .staffGrantActPDF(UUID()), "", .seeOther),
        (.POST, .staffGrantActGeneration(UUID()), "", .forbidden),
        (.GET, .staffGrantSignedCopy(UUID()), "", .seeOther),
        (.POST, .staffGrantSignedCopy(UUID()), "", .forbidden),
        (.POST, .staffGrantPayments(UUID()), "", .forbidden),
        (.POST, .staffGrantRecoveries(UUID()), "", .forbidden),
        (.GET, .grantReport(UUID()), "", .seeOther),
        (.GET, .grantFollowUp, "", .seeOther),
        (.GET, .grantFollowUpCSV, "", .seeOther),
        (.POST, .grantReport(UUID()), "", .forbidden),
        (.GET, .staffGrantReport(UUID()), "", .seeOther),
        (.POST, .staffGrantReportValidation(UUID()), "", .forbidden),
        (.POST, .staffGrantReportCorrection(UUID()), "", .forbidden),
        (.GET, .instruction, "", .seeOther),
        (.GET, .instructionCSV, "", .seeOther),
        (.GET, .staffLinks, "", .seeOther),
        (.GET, .expertRequests, "", .seeOther),
        (.GET, .expertRequest(UUID()), "", .seeOther),
        (.POST, .expertRequest(UUID()), "", .forbidden),
        (.POST, .staffExpertRequests(UUID()), "", .forbidden),
        (.POST, .staffExpertRevocation(dossier: UUID(), request: UUID()), "", .forbidden),
        (.GET, .staffAttachment(dossier: UUID(), attachment: UUID()), "", .seeOther),
        (.POST, .staffLinks, "", .forbidden),
        (.GET, .staffDossier(UUID()), "", .seeOther),
        (.POST, .takeDossier(UUID()), "", .forbidden),
        (.POST, .staffEligibility(UUID()), "", .forbidden),
        (.POST, .staffCorrection(UUID()), "", .forbidden),
        (.POST, .staffReview(UUID()), "", .forbidden),
        (.POST, .staffOpinion(UUID()), "", .forbidden),
        (.POST, .staffScores(UUID()), "", .forbidden),
        (.POST, .staffAssignment(UUID()), "", .forbidden),
        (.GET, .attachment(dossier: UUID(), attachment: UUID()), "", .seeOther),
        (.GET, .organisations, "", .seeOther),
        (.GET, .newOrganisation, "", .seeOther),
        (.POST, .organisations, "", .forbidden),
        (.GET, .organisation(UUID()), "", .seeOther),
        (.POST, .organisationInvitations(UUID()), "", .forbidden),
        (.GET, .dossierMessages(UUID()), "", .seeOther),
        (.POST, .dossierMessages(UUID()), "", .forbidden),
        (.GET, .messageAttachment(dossier: UUID(), attachment: UUID()), "", .seeOther),
        (.POST, .staffMessages(UUID()), "", .forbidden),
        (.GET, .staffMessageAttachment(dossier: UUID(), attachment: UUID()), "", .seeOther),
        (.POST, .staffLabels(UUID()), "", .forbidden),
        (.POST, .staffLabelRemoval(UUID()), "", .forbidden),
        (.POST, .staffAnnotations(UUID()), "", .forbidden),
        (.POST, .bulkActions, "", .forbidden),
        (.GET, .adminStaff, "", .seeOther),
        (.GET, .resultsVersions("hdf-2021"), "", .ok),
        (.GET, .resultsVersion("hdf-2021", 1), "", .ok),
        (.GET, .resultsVersionFile("hdf-2021", 1, "resultats.json"), "", .ok),
        (.GET, .pressKit("hdf-2021"), "", .ok),
        (
            .GET, .pressKitPDF("hdf-2021"), "",
            PressKitPDF.locate(configured: ProcessInfo.processInfo.environment["GUICHET_CHROMIUM_PATH"]) == nil
                ? .notFound : .ok
        ),
        (.GET, .openData("hdf-2021", "subventions.csv"), "", .ok),
        (.GET, .publications, "", .seeOther),
        (.GET, .publicationAdmin("hdf-2021"), "", .seeOther),
        (.POST, .publish("hdf-2021"), "", .forbidden),
        (.GET, .importDossiers("hdf-2021"), "", .seeOther),
        (.GET, .importJob("hdf-2021", UUID()), "", .seeOther),
        (.GET, .instructionExport("avis.json"), "", .seeOther),
        (.GET, .apiCallPublications("hdf-2021"), "", .ok),
        (.GET, .apiOpenAPI, "", .ok),
        (.GET, .apiCallDossiers("hdf-2021"), "", .unauthorized),
        (.GET, .apiCallDecisions("hdf-2021"), "", .unauthorized),
        (.GET, .apiDossier(UUID()), "", .unauthorized),
        (.GET, .apiDossierReviews(UUID()), "", .unauthorized),
        (.GET, .apiDossierGrant(UUID()), "", .unauthorized),
        (.GET, .apiTokens, "", .seeOther),
        (.POST, .apiTokens, "", .forbidden),
        (.POST, .apiTokenRevocation(UUID()), "", .forbidden),
        (.GET, .webhooks, "", .seeOther),
        (.POST, .webhooks, "", .forbidden),
        (.POST, .webhookDisabling(UUID()), "", .forbidden),
        (.POST, .importDossiers("hdf-2021"), "", .forbidden),
        (.GET, .adminNewStaff, "", .seeOther),
        (.POST, .adminStaff, "", .forbidden),
        (.GET, .adminPerson(UUID()), "", .seeOther),
        (.POST, .adminPerson(UUID()), "", .forbidden),
        (.POST, .adminPersonClosure(UUID()), "", .forbidden),
        (.POST, .adminPersonReopening(UUID()), "", .forbidden),
        (.GET, .committee, "", .seeOther),
        (.GET, .newCommitteeSession, "", .seeOther),
        (.POST, .committeeSessions, "", .forbidden),
        (.GET, .committeeSession(UUID()), "", .seeOther),
        (.POST, .committeeAttendance(UUID()), "", .forbidden),
        (.POST, .committeeDecisions(UUID()), "", .forbidden),
        (.POST, .committeeDecisionWithdrawal(UUID()), "", .forbidden),
        (.GET, .committeeApplication(UUID()), "", .seeOther),
        (.POST, .committeeApplication(UUID()), "", .forbidden),
        (.GET, .committeeMinutes(UUID()), "", .seeOther),
        (.GET, .committeeLetter(session: UUID(), dossier: UUID()), "", .seeOther),
        (.GET, .envelopes("hdf-2021"), "", .seeOther),
        (.POST, .envelopeRevisions("hdf-2021"), "", .forbidden),
        (.POST, .envelopeWaves("hdf-2021"), "", .forbidden),
        (.GET, .committeeProposal(UUID()), "", .seeOther),
        (.POST, .committeeProposal(UUID()), "", .forbidden),
        (.GET, .decisionLetter(UUID()), "", .seeOther),
        (.GET, .apiCallEnvelopes("hdf-2021"), "", .ok),
        (.GET, .acceptInvitation, "?jeton=inconnu", .seeOther),
        (.POST, .acceptInvitation, "", .forbidden),
        (.GET, .adminCalls, "", .seeOther),
        (.POST, .adminCalls, "", .forbidden),
        (.GET, .adminCall("hdf-2021"), "", .seeOther),
        (.POST, .adminCallSection("hdf-2021", "general"), "", .forbidden),
        (.POST, .adminCallDuplicate("hdf-2021"), "", .forbidden),
        (.POST, .adminCallPublication("hdf-2021"), "", .forbidden),
        (.POST, .adminCallArchiving("hdf-2021"), "", .forbidden),
        (.GET, .adminCallPreview("hdf-2021"), "", .seeOther),
        (.GET, .adminCallFormPreview("hdf-2021"), "", .seeOther),
        (.GET, .apiCallSchema, "", .ok),
        (.GET, .apiCallDefinition("hdf-2021"), "", .unauthorized),
    ]

    @Test func everyRouteIsListedAndAnswers() async throws {
        try await withGuichet { app in
            let registered = Set(
                app.routes.all.map { "\($0.method.rawValue) /\($0.path.map(\.description).joined(separator: "/"))" })
            let listed = Set(Self.expected.map { "\($0.method.rawValue) \($0.url.patternText)" })
            #expect(registered == listed, "routes and this table differ: \(registered.symmetricDifference(listed))")
            for entry in Self.expected {
                let sample = entry.url.path + entry.query
                try await app.testing().test(entry.method, sample) { res in
                    #expect(res.status == entry.status, "\(entry.method) \(sample)")
                }
            }
        }
    }
}

/// An address that exists for other methods answers 405 with `Allow`, not 404.
@Suite struct MethodNotAllowedTests {
    @Test func anUndeclaredMethodOnAKnownAddressIs405WithAllow() async throws {
        try await withGuichet { app in
            try await app.testing().test(.DELETE, SiteURL.apiCalls.path) { res in
                #expect(res.status == .methodNotAllowed)
                #expect(res.headers.first(name: .allow) == "GET, HEAD")
                #expect(res.body.string.contains("\"method_not_allowed\""))
            }
            try await app.testing().test(.PUT, SiteURL.apiCallResults(DemoCall.reference).path) { res in
                #expect(res.status == .methodNotAllowed)
            }
            // Unknown addresses and unknown objects stay 404.
            try await app.testing().test(.DELETE, "/api/v1/nulle-part") { res in #expect(res.status == .notFound) }
            try await app.testing().test(.GET, SiteURL.apiCall("inconnu").path) { res in
                #expect(res.status == .notFound)
            }
        }
    }
}
