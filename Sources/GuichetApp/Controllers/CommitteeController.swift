import Fluent
import Foundation
import GuichetDomain
import Vapor

/// The committee's pages: sessions, the board, attendance, staged decisions, applying the wave.
/// Committee members, chairs and administrators reach them; a session answers only to its
/// members and to the administrators of its territory (404 for anyone else).
struct CommitteeController: RouteCollection {

    func boot(routes: any RoutesBuilder) throws {
        let committee = routes.grouped(LoginRequired(), StaffRequired(roles: StaffDirectory.committeeRoles))
        committee.get(.committee, use: list)
        committee.get(.newCommitteeSession, use: newForm)
        committee.post(.committeeSessions, use: create)
        committee.get(.committeeSession(.pattern), use: board)
        committee.post(.committeeAttendance(.pattern), use: attendance)
        committee.post(.committeeDecisions(.pattern), use: stage)
        committee.post(.committeeDecisionWithdrawal(.pattern), use: unstage)
        committee.get(.committeeApplication(.pattern), use: confirmApply)
        committee.post(.committeeApplication(.pattern), use: apply)
    }

    @Sendable
    func list(req: Request) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        let sessions = try await service(req).sessions(for: user)
        return try await req.view.render("committee/list", SessionListPage(req, sessions: sessions, user: user))
    }

    @Sendable
    func newForm(req: Request) async throws -> Response {
        var input = SessionInput()
        input.call = (try? req.query.get(String.self, at: "appel")) ?? ""
        return try await sessionForm(req, input: input, errors: [:], status: .ok)
    }

    @Sendable
    func create(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        try Self.checkCanOpen(user)
        let input = SessionInput(try PostedForm.read(req))
        do {
            let call = try await CallRepository(database: req.db).load(input.call)
            let session = try await service(req).create(input.parsed, call: call, by: user)
            Flash.set("Séance ouverte. Cochez les présents avant de délibérer.", on: req)
            return req.redirect(to: SiteURL.committeeSession(try session.requireID()).path)
        } catch DomainError.invalidForm(let errors) {
            return try await sessionForm(req, input: input, errors: errors, status: .unprocessableEntity)
        } catch let error as AppError where error.status == .notFound {
            return try await sessionForm(
                req, input: input, errors: ["call": "Choisissez un appel à projets."], status: .unprocessableEntity)
        }
    }

    /// The board's filters and page, as the address carries them.
    struct BoardQuery: Decodable {
        var theme: String?
        var territoire: String?
        var page: Int?
    }

    @Sendable
    func board(req: Request) async throws -> View {
        let (user, session) = try await load(req)
        let query = try req.queryParameters(BoardQuery.self)
        let (theme, territory, page) = (query.theme, query.territoire, query.page ?? 1)
        let board = try await CommitteeBoard.page(
            session, theme: theme, territory: territory, page: page, perPage: BoardPage.perPage,
            keeping: req.keeping, on: req.db)
        return try await req.view.render(
            "committee/board",
            BoardPage(req, board: board, user: user, names: board.names, theme: theme, territory: territory))
    }

    @Sendable
    func attendance(req: Request) async throws -> Response {
        let (user, session) = try await load(req)
        let posted = try PostedForm.read(req)
        let present = Set((posted.fields["present"] ?? []).compactMap(UUID.init(uuidString:)))
        return try await act(req, session) {
            try await service(req).setAttendance(session, present: present, by: user)
            return "Feuille de présence enregistrée."
        }
    }

    @Sendable
    func stage(req: Request) async throws -> Response {
        let (user, session) = try await load(req)
        let posted = try PostedForm.read(req)
        let field = { (name: String) in posted.fields[name]?.first ?? "" }
        return try await act(req, session, returnTo: field("retour")) {
            let dossier = try await dossierInSession(req, session, field("dossier"))
            let outcome: DecisionOutcome
            switch field("outcome") {
            case "retained":
                let amount = try Money.parse(field("amount"))
                outcome = .retained(amount: amount)
            case "waiting_list": outcome = .waitingList
            case "rejected": outcome = .rejected(motive: field("motive"))
            default: throw DomainError.invalidForm(errors: ["outcome": "Choisissez une décision."])
            }
            try await service(req).stage(session, dossier: dossier, outcome: outcome, by: user)
            return "Décision préparée pour le dossier \(dossier.number ?? "") : \(CommitteeService.describe(outcome))."
        }
    }

    @Sendable
    func unstage(req: Request) async throws -> Response {
        let (user, session) = try await load(req)
        let posted = try PostedForm.read(req)
        return try await act(req, session, returnTo: posted.fields["retour"]?.first ?? "") {
            let dossier = try await dossierInSession(req, session, posted.fields["dossier"]?.first ?? "")
            try await service(req).unstage(session, dossierID: dossier.requireID(), by: user)
            return "Décision préparée retirée."
        }
    }

    /// What applying will decide and who will be mailed, with the confirmation to tick.
    @Sendable
    func confirmApply(req: Request) async throws -> View {
        let (user, session) = try await load(req)
        let board = try await CommitteeBoard.load(session, theme: nil, territory: nil, on: req.db)
        let members = try await CommitteeService.organisationsWithAccounts(board, on: req.db)
        return try await req.view.render(
            "committee/apply", ApplyWavePage(req, board: board, user: user, membersOf: members))
    }

    /// Applies the wave once confirmed; a refusal comes back to the confirmation page.
    @Sendable
    func apply(req: Request) async throws -> Response {
        let (user, session) = try await load(req)
        let confirmed = try PostedForm.read(req).fields["confirmer"]?.first == "oui"
        let id = try session.requireID()
        return try await Refusal.redirecting(
            req, success: SiteURL.committeeSession(id).path, refused: SiteURL.committeeApplication(id).path
        ) {
            try await service(req).apply(session, by: user, confirmed: confirmed).notice
        }
    }

    // MARK: - Helpers

    /// Opening a session is the chairs' and administrators' business.
    static func checkCanOpen(_ user: UserModel) throws {
        guard [Role.committeeChair.rawValue, Role.administrator.rawValue].contains(user.role) else {
            throw AppError.notFound()
        }
    }

    private func sessionForm(
        _ req: Request, input: SessionInput, errors: [String: String], status: HTTPStatus
    ) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        try Self.checkCanOpen(user)
        let calls = try await CallModel.query(on: req.db).filter(\.$status != CallStatus.draft.rawValue).with(\.$waves)
            .sort(\.$opensAt, .descending).all()
        let people = try await UserModel.query(on: req.db).filter(
            \.$role ~~ CommitteeService.committeeRoles.map(\.rawValue)
        )
        .filter(\.$disabledAt == nil).sort(\.$displayName).all()
        return try await req.view.render(
            "committee/new", NewSessionPage(req, input: input, errors: errors, calls: calls, people: people)
        )
        .encodeResponse(status: status, for: req)
    }

    /// Runs an action and returns to the board, at the page and filters it was sent from.
    private func act(
        _ req: Request, _ session: CommitteeSessionModel, returnTo: String = "",
        _ work: () async throws -> String
    ) async throws -> Response {
        let page = SiteURL.committeeSession(try session.requireID()).returning(returnTo)
        return try await Refusal.redirecting(req, success: page, refused: page, work)
    }

    /// A dossier of the session's call and scope; a refusal otherwise.
    private func dossierInSession(
        _ req: Request, _ session: CommitteeSessionModel, _ raw: String
    ) async throws -> DossierModel {
        let missing = DomainError.invalidForm(errors: ["dossier": "Ce dossier n'est pas examiné par cette séance."])
        guard let id = UUID(uuidString: raw), let dossier = try await DossierModel.find(id, on: req.db),
            dossier.$call.id == session.$call.id, let scope = try? StaffScope(stored: session.scope),
            let domain = try? dossier.domain(), scope.covers(domain.scope)
        else { throw missing }
        return dossier
    }

    private func load(_ req: Request) async throws -> (UserModel, CommitteeSessionModel) {
        let user = try req.auth.require(UserModel.self)
        guard let id = req.parameters.get("session").flatMap(UUID.init(uuidString:)) else {
            throw AppError.notFound("session_not_found", "Séance introuvable.")
        }
        return (user, try await service(req).session(id, for: user))
    }

    private func service(_ req: Request) -> CommitteeService {
        CommitteeService(
            database: req.db, configuration: req.application.guichetConfiguration, now: Date(), keeping: req.keeping)
    }
}

/// The "new session" form as posted.
struct SessionInput {
    var call = ""
    var title = ""
    var heldOn = ""
    var wave = ""
    var scope = ""
    var quorum = ""
    var chair = ""
    var members: [String] = []

    init() {}

    init(_ posted: PostedForm) {
        let field = { (name: String) in (posted.fields[name]?.first ?? "").trimmingCharacters(in: .whitespaces) }
        call = field("call")
        title = field("title")
        heldOn = field("held_on")
        wave = field("wave")
        scope = field("scope")
        quorum = field("quorum")
        chair = field("chair")
        members = posted.fields["members"] ?? []
    }

    var parsed: CommitteeService.NewSession {
        CommitteeService.NewSession(
            title: title, heldOn: ParisTime.day(heldOn), waveNumber: Int(wave), scope: scope, quorum: Int(quorum),
            chairID: UUID(uuidString: chair), memberIDs: members.compactMap(UUID.init(uuidString:)))
    }
}
