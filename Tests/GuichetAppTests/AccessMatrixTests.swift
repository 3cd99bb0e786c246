import Fluent
import Foundation
import GuichetDomain
import Testing
import Vapor
import VaporTesting

@testable import GuichetApp

/// Who may reach what, route by route: every registered route × every role × own / other
/// territory or organisation, with the status each cell must answer.
///
/// The fixture has two filed dossiers: **A** (the applicant's organisation, in the Aisne, food,
/// with a DRAAF request) and **B** (another organisation, in the Nord, with an ARS request).
/// "Own" cells use A (and the applicant's organisation, the administrator's colleague); "other"
/// cells use B (another organisation, a person outside the administrator's region). Each persona
/// holds a session with a CSRF token, so that a refusal comes from access control, not from the
/// token. Posts carry an empty form: an entitled person gets the form's refusal (nothing
/// changes), anyone else 404 (the page does not exist for them) or the login page (anonymous).
///
/// A route registered without a line here fails ``everyRouteHasItsExpectations()``.
@Suite struct AccessMatrixTests {
    enum Persona: String, CaseIterable {
        case anonymous, applicant, instructor, regionalInstructor, expert, committeeMember, committeeChair,
            administrator
    }

    enum Cell: String, CaseIterable { case own, other }

    /// Who is entitled to a route, and what an entitled request answers.
    enum Access {
        /// Everyone, signed in or not, gets the same answer.
        case everyone(HTTPStatus)
        /// Anyone signed in; anonymous visitors are sent to the login page.
        case signedIn(HTTPStatus)
        /// The representatives of the dossier's (or organisation's) organisation.
        case members(HTTPStatus)
        /// Instructors and administrators whose scopes cover the dossier.
        case instruction(HTTPStatus)
        /// Instructors and administrators (a queue: no particular dossier).
        case instructionQueue(HTTPStatus)
        /// The experts of the service a request is addressed to.
        case experts(HTTPStatus)
        /// Experts (their list of requests).
        case expertQueue(HTTPStatus)
        /// Every staff member (instructors, experts, committee, administrators).
        case staff(HTTPStatus)
        /// Committee members, chairs and administrators (the committee's area).
        case committee(HTTPStatus)
        /// Those who open sessions: chairs and administrators.
        case sessionOpeners(HTTPStatus)
        /// The members of a session (chair included) and the administrators of its territory.
        case sessionMembers(HTTPStatus)
        /// Administrators (the list of accounts, opening one).
        case administration(HTTPStatus)
        /// Administrators, for the people inside their scopes.
        case administrators(HTTPStatus)

        func expected(_ persona: Persona, _ cell: Cell) -> HTTPStatus {
            let staff: Set<Persona> = [
                .instructor, .regionalInstructor, .expert, .committeeMember, .committeeChair, .administrator,
            ]
            switch self {
            case .everyone(let status): return status
            default: break
            }
            if persona == .anonymous { return .seeOther }
            switch self {
            case .everyone(let status), .signedIn(let status): return status
            case .members(let status): return persona == .applicant && cell == .own ? status : .notFound
            case .instruction(let status):
                switch persona {
                case .instructor: return cell == .own ? status : .notFound
                case .regionalInstructor, .administrator: return status
                default: return .notFound
                }
            case .instructionQueue(let status):
                return [.instructor, .regionalInstructor, .administrator].contains(persona) ? status : .notFound
            case .experts(let status): return persona == .expert && cell == .own ? status : .notFound
            case .expertQueue(let status): return persona == .expert ? status : .notFound
            case .staff(let status): return staff.contains(persona) ? status : .notFound
            case .committee(let status):
                return [.committeeMember, .committeeChair, .administrator].contains(persona) ? status : .notFound
            case .sessionOpeners(let status):
                return [.committeeChair, .administrator].contains(persona) ? status : .notFound
            case .sessionMembers(let status):
                return [.committeeMember, .committeeChair, .administrator].contains(persona) && cell == .own
                    ? status : .notFound
            case .administration(let status): return persona == .administrator ? status : .notFound
            case .administrators(let status): return persona == .administrator && cell == .own ? status : .notFound
            }
        }
    }

    /// Every route, with its access. Posts run after the pages, in this order (logging out last).
    static let matrix: [(method: HTTPMethod, url: SiteURL, query: String, access: Access)] = [
        // Public pages and the API.
        (.GET, .home, "", .everyone(.ok)),
        (.GET, .calls, "", .everyone(.ok)),
        (.GET, .health, "", .everyone(.ok)),
        (.GET, .healthReady, "", .everyone(.ok)),
        (.GET, .metrics, "", .everyone(.notFound)),
        (.GET, .accessibility, "", .everyone(.ok)),
        (.GET, .legalNotice, "", .everyone(.ok)),
        (.GET, .personalData, "", .everyone(.ok)),
        (.GET, .callResults(.pattern), "", .everyone(.ok)),
        (.GET, .apiCalls, "", .everyone(.ok)),
        (.GET, .apiCall(.pattern), "", .everyone(.ok)),
        (.GET, .apiCallResults(.pattern), "", .everyone(.ok)),
        (.GET, .call(.pattern), "", .everyone(.ok)),
        (.GET, .apiCallEnvelopes(.pattern), "", .everyone(.ok)),
        // Publications: the practice call has published nothing, so every file answers 404.
        (.GET, .resultsVersions(.pattern), "", .everyone(.ok)),
        (.GET, .resultsVersion(.pattern, .pattern), "", .everyone(.notFound)),
        (.GET, .resultsVersionFile(.pattern, .pattern, .pattern), "", .everyone(.notFound)),
        (.GET, .pressKit(.pattern), "", .everyone(.notFound)),
        (.GET, .pressKitPDF(.pattern), "", .everyone(.notFound)),
        (.GET, .openData(.pattern, .pattern), "", .everyone(.notFound)),
        (.GET, .publications, "", .administration(.ok)),
        (.GET, .publicationAdmin(.pattern), "", .administration(.ok)),
        (.GET, .importDossiers(.pattern), "", .administration(.ok)),
        (.GET, .importJob(.pattern, .pattern), "", .administration(.notFound)),
        (.GET, .instructionExport(.pattern), "", .instructionQueue(.ok)),
        (.GET, .apiCallPublications(.pattern), "", .everyone(.ok)),
        (.GET, .apiOpenAPI, "", .everyone(.ok)),
        (.GET, .apiCallDossiers(.pattern), "", .instructionQueue(.ok)),
        (.GET, .apiCallDecisions(.pattern), "", .instructionQueue(.ok)),
        (.GET, .apiDossier(.pattern), "", .instruction(.ok)),
        (.GET, .apiDossierReviews(.pattern), "", .instruction(.ok)),
        (.GET, .apiDossierGrant(.pattern), "", .instruction(.notFound)),
        (.GET, .apiTokens, "", .instructionQueue(.ok)),
        (.GET, .webhooks, "", .administration(.ok)),
        // Call authoring: the practice call is the regional administrator's (Hauts-de-France).
        (.GET, .adminCalls, "", .administration(.ok)),
        (.GET, .adminCall(.pattern), "", .administration(.ok)),
        (.GET, .adminCallPreview(.pattern), "", .administration(.ok)),
        (.GET, .adminCallFormPreview(.pattern), "", .administration(.ok)),
        (.GET, .apiCallSchema, "", .everyone(.ok)),
        (.GET, .apiCallDefinition(.pattern), "", .instructionQueue(.ok)),
        // Accounts.
        (.GET, .signUp, "", .everyone(.ok)),
        (.GET, .confirmEmail, "?jeton=inconnu", .everyone(.gone)),
        (.GET, .login, "", .everyone(.ok)),
        (.GET, .forgotPassword, "", .everyone(.ok)),
        (.GET, .resetPassword, "?jeton=inconnu", .everyone(.gone)),
        (.GET, .account, "", .signedIn(.ok)),
        (.GET, .acceptInvitation, "?jeton=inconnu", .signedIn(.gone)),
        // Applicants: organisations and dossiers.
        (.GET, .organisations, "", .signedIn(.ok)),
        (.GET, .newOrganisation, "", .signedIn(.ok)),
        (.GET, .organisation(.pattern), "", .members(.ok)),
        (.GET, .apply(.pattern), "", .signedIn(.ok)),
        (.GET, .dossier(.pattern), "", .members(.ok)),
        (.GET, .editDossier(.pattern), "", .members(.seeOther)),
        (.GET, .dossierSummary(.pattern), "", .members(.ok)),
        (.GET, .dossierReceipt(.pattern), "", .members(.ok)),
        (.GET, .attachment(dossier: .pattern, attachment: .pattern), "", .members(.ok)),
        (.GET, .dossierMessages(.pattern), "", .members(.ok)),
        (.GET, .messageAttachment(dossier: .pattern, attachment: .pattern), "", .members(.ok)),
        (.GET, .decisionLetter(.pattern), "", .members(.ok)),
        // After the decision: the fixture's dossiers are not laureates, so an entitled reader
        // finds no act either (GrantTests reaches an act from the right and the wrong places).
        (.GET, .grantAct(.pattern), "", .members(.notFound)),
        (.GET, .grantActPDF(.pattern), "", .members(.notFound)),
        (.GET, .staffGrantAct(.pattern), "", .instruction(.notFound)),
        (.GET, .staffGrantActPDF(.pattern), "", .instruction(.notFound)),
        (.GET, .staffGrantSignedCopy(.pattern), "", .instruction(.notFound)),
        (.GET, .grantReport(.pattern), "", .members(.notFound)),
        (.GET, .grantFollowUp, "", .instructionQueue(.ok)),
        (.GET, .grantFollowUpCSV, "", .instructionQueue(.ok)),
        (.GET, .staffGrantReport(.pattern), "", .instruction(.notFound)),
        // Instruction.
        (.GET, .instruction, "", .instructionQueue(.ok)),
        (.GET, .instructionCSV, "", .instructionQueue(.ok)),
        (.GET, .staffDossier(.pattern), "", .instruction(.ok)),
        (.GET, .staffAttachment(dossier: .pattern, attachment: .pattern), "", .instruction(.ok)),
        (.GET, .staffMessageAttachment(dossier: .pattern, attachment: .pattern), "", .instruction(.ok)),
        (.GET, .staffLinks, "", .staff(.ok)),
        // Experts.
        (.GET, .expertRequests, "", .expertQueue(.ok)),
        (.GET, .expertRequest(.pattern), "", .experts(.ok)),
        // Committee.
        (.GET, .committee, "", .committee(.ok)),
        (.GET, .newCommitteeSession, "", .sessionOpeners(.ok)),
        (.GET, .committeeSession(.pattern), "", .sessionMembers(.ok)),
        (.GET, .committeeMinutes(.pattern), "", .sessionMembers(.ok)),
        (.GET, .committeeLetter(session: .pattern, dossier: .pattern), "", .sessionMembers(.ok)),
        (.GET, .committeeProposal(.pattern), "", .sessionMembers(.ok)),
        (.GET, .committeeApplication(.pattern), "", .sessionMembers(.ok)),
        (.GET, .envelopes(.pattern), "", .committee(.ok)),
        // Administration.
        (.GET, .adminStaff, "", .administration(.ok)),
        (.GET, .adminNewStaff, "", .administration(.ok)),
        (.GET, .adminPerson(.pattern), "", .administrators(.ok)),
        // Posts: an empty form.
        (.POST, .signUp, "", .everyone(.unprocessableEntity)),
        (.POST, .login, "", .everyone(.unauthorized)),
        (.POST, .forgotPassword, "", .everyone(.unprocessableEntity)),
        (.POST, .resetPassword, "", .everyone(.unprocessableEntity)),
        (.POST, .organisations, "", .signedIn(.unprocessableEntity)),
        (.POST, .organisationInvitations(.pattern), "", .members(.unprocessableEntity)),
        (.POST, .apply(.pattern), "", .signedIn(.seeOther)),
        (.POST, .editDossier(.pattern), "", .members(.conflict)),
        (.POST, .fileDossier(.pattern), "", .members(.seeOther)),
        (.POST, .dossierMessages(.pattern), "", .members(.unprocessableEntity)),
        (.POST, .takeDossier(.pattern), "", .instruction(.seeOther)),
        (.POST, .staffEligibility(.pattern), "", .instruction(.seeOther)),
        (.POST, .staffCorrection(.pattern), "", .instruction(.seeOther)),
        (.POST, .staffReview(.pattern), "", .instruction(.seeOther)),
        (.POST, .staffOpinion(.pattern), "", .instruction(.seeOther)),
        (.POST, .staffScores(.pattern), "", .instruction(.seeOther)),
        (.POST, .staffAssignment(.pattern), "", .instruction(.seeOther)),
        (.POST, .staffMessages(.pattern), "", .instruction(.seeOther)),
        (.POST, .staffLabels(.pattern), "", .instruction(.seeOther)),
        (.POST, .staffLabelRemoval(.pattern), "", .instruction(.seeOther)),
        (.POST, .staffAnnotations(.pattern), "", .instruction(.seeOther)),
        (.POST, .staffExpertRequests(.pattern), "", .instruction(.seeOther)),
        (.POST, .bulkActions, "", .instructionQueue(.seeOther)),
        (.POST, .expertRequest(.pattern), "", .experts(.seeOther)),
        (.POST, .staffLinks, "", .staff(.unprocessableEntity)),
        (.POST, .committeeSessions, "", .sessionOpeners(.unprocessableEntity)),
        (.POST, .committeeAttendance(.pattern), "", .sessionMembers(.seeOther)),
        (.POST, .committeeDecisions(.pattern), "", .sessionMembers(.seeOther)),
        (.POST, .committeeDecisionWithdrawal(.pattern), "", .sessionMembers(.seeOther)),
        (.POST, .committeeProposal(.pattern), "", .sessionMembers(.seeOther)),
        (.POST, .committeeApplication(.pattern), "", .sessionMembers(.seeOther)),
        (.POST, .envelopeRevisions(.pattern), "", .administration(.seeOther)),
        (.POST, .envelopeWaves(.pattern), "", .administration(.seeOther)),
        (.POST, .publish(.pattern), "", .administration(.seeOther)),
        (.POST, .importDossiers(.pattern), "", .administration(.unprocessableEntity)),
        (.POST, .apiTokens, "", .instructionQueue(.unprocessableEntity)),
        (.POST, .apiTokenRevocation(.pattern), "", .instructionQueue(.seeOther)),
        (.POST, .webhooks, "", .administration(.unprocessableEntity)),
        (.POST, .webhookDisabling(.pattern), "", .administration(.seeOther)),
        (.POST, .adminStaff, "", .administration(.unprocessableEntity)),
        (.POST, .adminCalls, "", .administration(.unprocessableEntity)),
        (.POST, .acceptInvitation, "", .signedIn(.gone)),
        (.POST, .adminCallSection(.pattern, .pattern), "", .administration(.unprocessableEntity)),
        (.POST, .adminCallDuplicate(.pattern), "", .administration(.unprocessableEntity)),
        (.POST, .adminCallPublication(.pattern), "", .administration(.unprocessableEntity)),
        (.POST, .adminCallArchiving(.pattern), "", .administration(.unprocessableEntity)),
        (.POST, .adminPerson(.pattern), "", .administrators(.unprocessableEntity)),
        (.POST, .adminPersonClosure(.pattern), "", .administrators(.seeOther)),
        (.POST, .adminPersonReopening(.pattern), "", .administrators(.seeOther)),
        (.POST, .staffExpertRevocation(dossier: .pattern, request: .pattern), "", .instruction(.seeOther)),
        (.POST, .withdrawDossier(.pattern), "", .members(.seeOther)),
        (.POST, .deleteDraft(.pattern), "", .members(.seeOther)),
        (.POST, .grantActAcceptance(.pattern), "", .members(.seeOther)),
        (.POST, .staffGrantActGeneration(.pattern), "", .instruction(.seeOther)),
        (.POST, .staffGrantSignedCopy(.pattern), "", .instruction(.seeOther)),
        (.POST, .staffGrantPayments(.pattern), "", .instruction(.seeOther)),
        (.POST, .staffGrantRecoveries(.pattern), "", .instruction(.seeOther)),
        (.POST, .grantReport(.pattern), "", .members(.seeOther)),
        (.POST, .staffGrantReportValidation(.pattern), "", .instruction(.seeOther)),
        (.POST, .staffGrantReportCorrection(.pattern), "", .instruction(.seeOther)),
        (.POST, .logout, "", .signedIn(.seeOther)),
    ]

    /// The ids a cell's paths are made of.
    struct Fixture {
        var dossier: [Cell: UUID] = [:]
        var attachment: [Cell: UUID] = [:]
        var messageAttachment: [Cell: UUID] = [:]
        var request: [Cell: UUID] = [:]
        var organisation: [Cell: UUID] = [:]
        var person: [Cell: UUID] = [:]
        var session: [Cell: UUID] = [:]

        func path(_ route: String, _ cell: Cell) -> String {
            var parts: [String] = []
            let messages = route.contains("/messages/pieces/")
            for part in route.split(separator: "/", omittingEmptySubsequences: false).map(String.init) {
                let id: UUID?
                switch part {
                case ":dossier": id = dossier[cell]
                case ":attachment": id = messages ? messageAttachment[cell] : attachment[cell]
                case ":request": id = request[cell]
                case ":id": id = organisation[cell]
                case ":person": id = person[cell]
                case ":session": id = session[cell]
                case ":call":
                    parts.append(PracticeCall.reference)
                    continue
                case ":section":
                    parts.append(CallEditorSection.general.rawValue)
                    continue
                case ":version":
                    parts.append("1")
                    continue
                case ":file":
                    parts.append("subventions.csv")
                    continue
                case ":dataset":
                    parts.append("avis.json")
                    continue
                case ":job":
                    parts.append(UUID().uuidString.lowercased())
                    continue
                default:
                    parts.append(part)
                    continue
                }
                parts.append(id?.uuidString.lowercased() ?? "manquant")
            }
            return parts.joined(separator: "/")
        }
    }

    /// Builds the two dossiers and signs every persona in.
    static func prepare(_ app: Application) async throws -> (Fixture, [Persona: Browser]) {
        var fixture = Fixture()
        let (applicant, own) = try await Factory.filedDossier(app)
        let (stranger, other) = try await Factory.filedDossier(
            app, email: "autre@exemple.fr", territory: "departement:59")
        fixture.dossier = [.own: own, .other: other]
        fixture.organisation = [.own: applicant.organisationID, .other: stranger.organisationID]
        for (cell, id) in [(Cell.own, own), (.other, other)] {
            fixture.attachment[cell] = try #require(
                try await AttachmentModel.query(on: app.db).filter(\.$dossier.$id == id).first()
            ).requireID()
        }
        for (browser, id, cell) in [(applicant.browser, own, Cell.own), (stranger.browser, other, .other)] {
            try await browser.get(SiteURL.dossierMessages(id).path)
            try await browser.postMultipart(
                SiteURL.dossierMessages(id).path, [("body", "Voici le budget.")],
                files: [("file", "budget.pdf", SampleFiles.pdf)])
            fixture.messageAttachment[cell] = try #require(
                try await MessageAttachmentModel.query(on: app.db)
                    .join(parent: \.$message).filter(DossierMessageModel.self, \.$dossier.$id == id).first()
            ).requireID()
        }
        var browsers: [Persona: Browser] = [.applicant: applicant.browser]
        browsers[.instructor] = try await Factory.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
        browsers[.regionalInstructor] = try await Factory.staff(app, "dreets@exemple.fr", scopes: ["region:32"])
        browsers[.expert] = try await Factory.staff(
            app, "draaf@exemple.fr", role: .expert, scopes: ["service:DRAAF:alimentation"])
        browsers[.committeeMember] = try await Factory.staff(
            app, "membre@exemple.fr", role: .committeeMember, scopes: ["region:32"])
        browsers[.committeeChair] = try await Factory.staff(
            app, "president@exemple.fr", role: .committeeChair, scopes: ["region:32"])
        browsers[.administrator] = try await Factory.staff(
            app, "admin32@exemple.fr", role: .administrator, scopes: ["region:32"])
        // The accounts administered: one inside the administrator's region, one outside.
        _ = try await Factory.staff(app, "ddets80@exemple.fr", scopes: ["departement:80"])
        _ = try await Factory.staff(app, "idf@exemple.fr", scopes: ["region:11"])
        func user(_ email: String) async throws -> UserModel {
            try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
        }
        fixture.person = [
            .own: try await user("ddets80@exemple.fr").requireID(),
            .other: try await user("idf@exemple.fr").requireID(),
        ]
        let expertService = ExpertService(database: app.db, configuration: app.guichetConfiguration, now: Date())
        let asker = try await user("dreets@exemple.fr")
        for (cell, id, service) in [(Cell.own, own, "DRAAF"), (.other, other, "ARS")] {
            let dossier = try #require(try await DossierModel.find(id, on: app.db))
            try await expertService.request(
                dossier, service: service, question: "Votre avis ?", dueOn: Date().addingTimeInterval(10 * 86_400),
                by: asker)
            fixture.request[cell] = try #require(
                try await ExpertRequestModel.query(on: app.db).filter(\.$dossier.$id == id).first()
            ).requireID()
        }
        // Two committee sessions: the committee personas sit in the first (the practice call's, in
        // the region); the second is another region's, on a call of Île-de-France, with its own
        // chair and member, opened by its own administrator. Each has a decision staged for a
        // letter, and each dossier a decision for the applicant's letter.
        _ = try await Factory.staff(app, "autre-president@exemple.fr", role: .committeeChair, scopes: ["region:11"])
        _ = try await Factory.staff(app, "autre-membre@exemple.fr", role: .committeeMember, scopes: ["region:11"])
        _ = try await Factory.staff(app, "admin11@exemple.fr", role: .administrator, scopes: ["region:11"])
        let practice = try await CallRepository(database: app.db).load(PracticeCall.reference)
        let elsewhere = try await CallDefinitionStore(database: app.db).definition(of: practice.model)
            .duplicated(reference: "essai-idf", title: "Appel d'essai — Île-de-France", scope: .region("11"))
        let idf = try await CallRepository(database: app.db).load(
            CallDefinitionStore(database: app.db).save(elsewhere, status: .published, by: .system("Essai")).call)
        let committee = CommitteeService(database: app.db, configuration: app.guichetConfiguration, now: Date())
        for (cell, call, creator, chair, members, scope, dossierID) in [
            (Cell.own, practice, "admin32@exemple.fr", "president@exemple.fr", ["membre@exemple.fr"], "region:32", own),
            (
                .other, idf, "admin11@exemple.fr", "autre-president@exemple.fr", ["autre-membre@exemple.fr"],
                "region:11", other
            ),
        ] {
            var input = CommitteeService.NewSession()
            input.title = "Séance \(cell)"
            input.heldOn = Date()
            input.waveNumber = call.waves.first?.number
            input.scope = scope
            input.quorum = 2
            input.chairID = try await user(chair).requireID()
            for email in members { input.memberIDs.append(try await user(email).requireID()) }
            let session = try await committee.create(input, call: call, by: try await user(creator))
            fixture.session[cell] = try session.requireID()
            let staged = StagedDecisionModel()
            staged.$session.id = try session.requireID()
            staged.$dossier.id = dossierID
            staged.outcome = "waiting_list"
            staged.grantedCents = 0
            staged.stagedBy = try await user(creator).requireID()
            staged.stagedAt = Date()
            try await staged.create(on: app.db)
            let decision = DecisionModel()
            decision.$dossier.id = dossierID
            decision.$wave.id = try #require(try practice.waves.first?.requireID())
            decision.outcome = "waiting_list"
            decision.grantedCents = 0
            decision.decidedAt = Date()
            decision.decidedBy = "Commissaire"
            decision.simulated = false
            try await decision.create(on: app.db)
        }
        // Anonymous visitors hold a session with a token too (the login page gives one).
        let anonymous = Browser(app)
        try await anonymous.get(SiteURL.login.path)
        browsers[.anonymous] = anonymous
        return (fixture, browsers)
    }

    @Test func everyRouteHasItsExpectations() async throws {
        try await withGuichet { app in
            let registered = Set(
                app.routes.all.map { "\($0.method.rawValue) /\($0.path.map(\.description).joined(separator: "/"))" })
            let listed = Set(Self.matrix.map { "\($0.method.rawValue) \($0.url.patternText)" })
            #expect(
                registered == listed,
                "routes without expectations, or expectations without a route: \(registered.symmetricDifference(listed).sorted())"
            )
            #expect(Self.matrix.count == listed.count, "a route is listed twice")
        }
    }

    @Test func everyCellAnswersItsExpectedStatus() async throws {
        try await withGuichet { app in
            let (fixture, browsers) = try await Self.prepare(app)
            var failures: [String] = []
            var cells = 0
            for entry in Self.matrix {
                let route = entry.url.patternText
                let relative =
                    route.contains(":") && !route.hasSuffix(":call")
                    && entry.url != .apply(.pattern)
                for cell in relative ? Cell.allCases : [.own] {
                    let path = fixture.path(route, cell) + entry.query
                    for persona in Persona.allCases {
                        guard let browser = browsers[persona] else { continue }
                        if entry.url == .login {
                            // Each cell starts without earlier failures (the throttle counts per address and per IP).
                            try await LoginAttemptModel.query(on: app.db).delete()
                        }
                        let response =
                            entry.method == .GET ? try await browser.get(path) : try await browser.post(path, [:])
                        cells += 1
                        // The API answers an anonymous caller 401 (JSON) where pages send it to the login page.
                        let page = entry.access.expected(persona, cell)
                        let expected =
                            persona == .anonymous && page == .seeOther && route.hasPrefix("/api/")
                            ? .unauthorized : page
                        if response.status != expected {
                            failures.append(
                                "\(entry.method) \(route) [\(cell)] as \(persona): \(response.status.code), expected \(expected.code)"
                            )
                        }
                    }
                }
            }
            #expect(
                failures.isEmpty, "\(failures.count) of \(cells) cells differ:\n\(failures.joined(separator: "\n"))")
            #expect(cells > 800)
        }
    }
}
