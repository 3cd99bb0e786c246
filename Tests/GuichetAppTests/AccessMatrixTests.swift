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
    static let matrix: [(method: HTTPMethod, route: String, query: String, access: Access)] = [
        // Public pages and the API.
        (.GET, "/", "", .everyone(.ok)),
        (.GET, "/health", "", .everyone(.ok)),
        (.GET, "/appels/:call/resultats", "", .everyone(.ok)),
        (.GET, "/api/v1/calls", "", .everyone(.ok)),
        (.GET, "/api/v1/calls/:call", "", .everyone(.ok)),
        (.GET, "/api/v1/calls/:call/results", "", .everyone(.ok)),
        (.GET, "/appels/:call", "", .everyone(.ok)),
        (.GET, "/api/v1/calls/:call/envelopes", "", .everyone(.ok)),
        // Publications: the practice call has published nothing, so every file answers 404.
        (.GET, "/appels/:call/resultats/versions", "", .everyone(.ok)),
        (.GET, "/appels/:call/resultats/versions/:version", "", .everyone(.notFound)),
        (.GET, "/appels/:call/resultats/versions/:version/:file", "", .everyone(.notFound)),
        (.GET, "/appels/:call/dossier-de-presse", "", .everyone(.notFound)),
        (.GET, "/appels/:call/dossier-de-presse.pdf", "", .everyone(.notFound)),
        (.GET, "/appels/:call/donnees/:file", "", .everyone(.notFound)),
        (.GET, "/admin/publication", "", .administration(.ok)),
        (.GET, "/admin/publication/:call", "", .administration(.ok)),
        (.GET, "/admin/import/:call", "", .administration(.ok)),
        (.GET, "/admin/import/:call/suivi/:job", "", .administration(.notFound)),
        (.GET, "/instruction/exports/:dataset", "", .instructionQueue(.ok)),
        (.GET, "/api/v1/calls/:call/publications", "", .everyone(.ok)),
        (.GET, "/api/v1/openapi.json", "", .everyone(.ok)),
        (.GET, "/api/v1/calls/:call/dossiers", "", .instructionQueue(.ok)),
        (.GET, "/api/v1/calls/:call/decisions", "", .instructionQueue(.ok)),
        (.GET, "/api/v1/dossiers/:dossier", "", .instruction(.ok)),
        (.GET, "/api/v1/dossiers/:dossier/reviews", "", .instruction(.ok)),
        (.GET, "/mon-espace/jetons", "", .instructionQueue(.ok)),
        (.GET, "/admin/webhooks", "", .administration(.ok)),
        // Call authoring: the practice call is the regional administrator's (Hauts-de-France).
        (.GET, "/admin/appels", "", .administration(.ok)),
        (.GET, "/admin/appels/:call", "", .administration(.ok)),
        (.GET, "/admin/appels/:call/apercu", "", .administration(.ok)),
        (.GET, "/admin/appels/:call/apercu/formulaire", "", .administration(.ok)),
        (.GET, "/api/v1/schemas/call.json", "", .everyone(.ok)),
        (.GET, "/api/v1/calls/:call/definition", "", .instructionQueue(.ok)),
        // Accounts.
        (.GET, "/inscription", "", .everyone(.ok)),
        (.GET, "/confirmation", "?jeton=inconnu", .everyone(.gone)),
        (.GET, "/connexion", "", .everyone(.ok)),
        (.GET, "/mot-de-passe-oublie", "", .everyone(.ok)),
        (.GET, "/mot-de-passe/nouveau", "?jeton=inconnu", .everyone(.gone)),
        (.GET, "/mon-espace", "", .signedIn(.ok)),
        (.GET, "/invitations/accepter", "?jeton=inconnu", .signedIn(.gone)),
        // Applicants: organisations and dossiers.
        (.GET, "/organisations", "", .signedIn(.ok)),
        (.GET, "/organisations/nouvelle", "", .signedIn(.ok)),
        (.GET, "/organisations/:id", "", .members(.ok)),
        (.GET, "/appels/:call/deposer", "", .signedIn(.ok)),
        (.GET, "/dossiers/:dossier", "", .members(.ok)),
        (.GET, "/dossiers/:dossier/modifier", "", .members(.seeOther)),
        (.GET, "/dossiers/:dossier/recapitulatif", "", .members(.ok)),
        (.GET, "/dossiers/:dossier/recepisse", "", .members(.ok)),
        (.GET, "/dossiers/:dossier/pieces/:attachment", "", .members(.ok)),
        (.GET, "/dossiers/:dossier/messages", "", .members(.ok)),
        (.GET, "/dossiers/:dossier/messages/pieces/:attachment", "", .members(.ok)),
        (.GET, "/dossiers/:dossier/decision", "", .members(.ok)),
        // Instruction.
        (.GET, "/instruction", "", .instructionQueue(.ok)),
        (.GET, "/instruction/export.csv", "", .instructionQueue(.ok)),
        (.GET, "/instruction/dossiers/:dossier", "", .instruction(.ok)),
        (.GET, "/instruction/dossiers/:dossier/pieces/:attachment", "", .instruction(.ok)),
        (.GET, "/instruction/dossiers/:dossier/messages/pieces/:attachment", "", .instruction(.ok)),
        (.GET, "/liens-d-interet", "", .staff(.ok)),
        // Experts.
        (.GET, "/expertise", "", .expertQueue(.ok)),
        (.GET, "/expertise/:request", "", .experts(.ok)),
        // Committee.
        (.GET, "/comite", "", .committee(.ok)),
        (.GET, "/comite/seances/nouvelle", "", .sessionOpeners(.ok)),
        (.GET, "/comite/seances/:session", "", .sessionMembers(.ok)),
        (.GET, "/comite/seances/:session/proces-verbal", "", .sessionMembers(.ok)),
        (.GET, "/comite/seances/:session/lettres/:dossier", "", .sessionMembers(.ok)),
        (.GET, "/comite/seances/:session/proposition", "", .sessionMembers(.ok)),
        (.GET, "/comite/enveloppes/:call", "", .committee(.ok)),
        // Administration.
        (.GET, "/admin/personnel", "", .administration(.ok)),
        (.GET, "/admin/personnel/nouveau", "", .administration(.ok)),
        (.GET, "/admin/personnel/:person", "", .administrators(.ok)),
        // Posts: an empty form.
        (.POST, "/inscription", "", .everyone(.unprocessableEntity)),
        (.POST, "/connexion", "", .everyone(.unauthorized)),
        (.POST, "/mot-de-passe-oublie", "", .everyone(.unprocessableEntity)),
        (.POST, "/mot-de-passe/nouveau", "", .everyone(.unprocessableEntity)),
        (.POST, "/organisations", "", .signedIn(.unprocessableEntity)),
        (.POST, "/organisations/:id/invitations", "", .members(.unprocessableEntity)),
        (.POST, "/appels/:call/deposer", "", .signedIn(.seeOther)),
        (.POST, "/dossiers/:dossier/modifier", "", .members(.conflict)),
        (.POST, "/dossiers/:dossier/deposer", "", .members(.seeOther)),
        (.POST, "/dossiers/:dossier/messages", "", .members(.unprocessableEntity)),
        (.POST, "/instruction/dossiers/:dossier/prendre", "", .instruction(.seeOther)),
        (.POST, "/instruction/dossiers/:dossier/recevabilite", "", .instruction(.seeOther)),
        (.POST, "/instruction/dossiers/:dossier/complement", "", .instruction(.seeOther)),
        (.POST, "/instruction/dossiers/:dossier/instruction", "", .instruction(.seeOther)),
        (.POST, "/instruction/dossiers/:dossier/avis", "", .instruction(.seeOther)),
        (.POST, "/instruction/dossiers/:dossier/notes", "", .instruction(.seeOther)),
        (.POST, "/instruction/dossiers/:dossier/attribuer", "", .instruction(.seeOther)),
        (.POST, "/instruction/dossiers/:dossier/messages", "", .instruction(.seeOther)),
        (.POST, "/instruction/dossiers/:dossier/etiquettes", "", .instruction(.seeOther)),
        (.POST, "/instruction/dossiers/:dossier/etiquettes/retirer", "", .instruction(.seeOther)),
        (.POST, "/instruction/dossiers/:dossier/annotations", "", .instruction(.seeOther)),
        (.POST, "/instruction/dossiers/:dossier/expertise", "", .instruction(.seeOther)),
        (.POST, "/instruction/lot", "", .instructionQueue(.seeOther)),
        (.POST, "/expertise/:request", "", .experts(.seeOther)),
        (.POST, "/liens-d-interet", "", .staff(.unprocessableEntity)),
        (.POST, "/comite/seances", "", .sessionOpeners(.unprocessableEntity)),
        (.POST, "/comite/seances/:session/presences", "", .sessionMembers(.seeOther)),
        (.POST, "/comite/seances/:session/decisions", "", .sessionMembers(.seeOther)),
        (.POST, "/comite/seances/:session/decisions/retirer", "", .sessionMembers(.seeOther)),
        (.POST, "/comite/seances/:session/proposition", "", .sessionMembers(.seeOther)),
        (.POST, "/comite/seances/:session/appliquer", "", .sessionMembers(.seeOther)),
        (.POST, "/comite/enveloppes/:call/revisions", "", .administration(.seeOther)),
        (.POST, "/comite/enveloppes/:call/vagues", "", .administration(.seeOther)),
        (.POST, "/admin/publication/:call/publier", "", .administration(.seeOther)),
        (.POST, "/admin/import/:call", "", .administration(.unprocessableEntity)),
        (.POST, "/mon-espace/jetons", "", .instructionQueue(.unprocessableEntity)),
        (.POST, "/mon-espace/jetons/:token/revoquer", "", .instructionQueue(.seeOther)),
        (.POST, "/admin/webhooks", "", .administration(.unprocessableEntity)),
        (.POST, "/admin/webhooks/:endpoint/desactiver", "", .administration(.seeOther)),
        (.POST, "/admin/personnel", "", .administration(.unprocessableEntity)),
        (.POST, "/admin/appels", "", .administration(.unprocessableEntity)),
        (.POST, "/invitations/accepter", "", .signedIn(.gone)),
        (.POST, "/admin/appels/:call/:section", "", .administration(.unprocessableEntity)),
        (.POST, "/admin/appels/:call/dupliquer", "", .administration(.unprocessableEntity)),
        (.POST, "/admin/appels/:call/publier", "", .administration(.unprocessableEntity)),
        (.POST, "/admin/appels/:call/archiver", "", .administration(.unprocessableEntity)),
        (.POST, "/admin/personnel/:person", "", .administrators(.unprocessableEntity)),
        (.POST, "/admin/personnel/:person/fermer", "", .administrators(.seeOther)),
        (.POST, "/admin/personnel/:person/rouvrir", "", .administrators(.seeOther)),
        (.POST, "/instruction/dossiers/:dossier/expertise/:request/revoquer", "", .instruction(.seeOther)),
        (.POST, "/dossiers/:dossier/retirer", "", .members(.seeOther)),
        (.POST, "/deconnexion", "", .signedIn(.seeOther)),
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
        let helpers = InstructionActionTests()
        let (applicant, own) = try await helpers.filedDossier(app)
        let (stranger, other) = try await helpers.filedDossier(
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
        let staff = InstructionTests()
        browsers[.instructor] = try await staff.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
        browsers[.regionalInstructor] = try await staff.staff(app, "dreets@exemple.fr", scopes: ["region:32"])
        browsers[.expert] = try await staff.staff(
            app, "draaf@exemple.fr", role: .expert, scopes: ["service:DRAAF:alimentation"])
        browsers[.committeeMember] = try await staff.staff(
            app, "membre@exemple.fr", role: .committeeMember, scopes: ["region:32"])
        browsers[.committeeChair] = try await staff.staff(
            app, "president@exemple.fr", role: .committeeChair, scopes: ["region:32"])
        browsers[.administrator] = try await staff.staff(
            app, "admin32@exemple.fr", role: .administrator, scopes: ["region:32"])
        // The accounts administered: one inside the administrator's region, one outside.
        _ = try await staff.staff(app, "ddets80@exemple.fr", scopes: ["departement:80"])
        _ = try await staff.staff(app, "idf@exemple.fr", scopes: ["region:11"])
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
        _ = try await staff.staff(app, "autre-president@exemple.fr", role: .committeeChair, scopes: ["region:11"])
        _ = try await staff.staff(app, "autre-membre@exemple.fr", role: .committeeMember, scopes: ["region:11"])
        _ = try await staff.staff(app, "admin11@exemple.fr", role: .administrator, scopes: ["region:11"])
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
            let listed = Set(Self.matrix.map { "\($0.method.rawValue) \($0.route)" })
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
                let relative =
                    entry.route.contains(":") && !entry.route.hasSuffix(":call")
                    && entry.route != "/appels/:call/deposer"
                for cell in relative ? Cell.allCases : [.own] {
                    let path = fixture.path(entry.route, cell) + entry.query
                    for persona in Persona.allCases {
                        guard let browser = browsers[persona] else { continue }
                        if entry.route == "/connexion" {
                            // Each cell starts without earlier failures (the throttle counts per address and per IP).
                            try await LoginAttemptModel.query(on: app.db).delete()
                        }
                        let response =
                            entry.method == .GET ? try await browser.get(path) : try await browser.post(path, [:])
                        cells += 1
                        // The API answers an anonymous caller 401 (JSON) where pages send it to the login page.
                        let page = entry.access.expected(persona, cell)
                        let expected =
                            persona == .anonymous && page == .seeOther && entry.route.hasPrefix("/api/")
                            ? .unauthorized : page
                        if response.status != expected {
                            failures.append(
                                "\(entry.method) \(entry.route) [\(cell)] as \(persona): \(response.status.code), expected \(expected.code)"
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
