import Fluent
import Foundation
import GuichetDomain
import Vapor

/// What the committee prints and the applicant receives: minutes, decision letters, and the
/// envelope statement with its revisions.
struct CommitteeDocumentsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let committee = routes.grouped(LoginRequired(), StaffRequired(roles: StaffDirectory.committeeRoles))
        committee.get(.committeeMinutes(.pattern), use: minutes)
        committee.get(.committeeLetter(session: .pattern, dossier: .pattern), use: committeeLetter)
        committee.get(.envelopes(.pattern), use: envelopes)
        let administrators = routes.grouped(LoginRequired(), StaffRequired(roles: [.administrator]))
        administrators.post(.envelopeRevisions(.pattern), use: revise)
        administrators.post(.envelopeWaves(.pattern), use: addWave)
        routes.grouped(LoginRequired()).get(.decisionLetter(.pattern), use: applicantLetter)
    }

    @Sendable
    func minutes(req: Request) async throws -> View {
        let (_, session) = try await loadSession(req)
        let board = try await CommitteeBoard.load(session, theme: nil, territory: nil, on: req.db)
        let names = try await StaffDirectory.names(Set(session.members.map { $0.$user.id }), on: req.db)
        let staged = try await StagedDecisionModel.query(on: req.db).filter(\.$session.$id == session.requireID())
            .with(\.$dossier) { $0.with(\.$organisation) }.all()
        let decisions = try staged.map { ($0.dossier, try $0.domainOutcome()) }.sorted {
            ($0.0.number ?? "") < ($1.0.number ?? "")
        }
        return try await req.view.render(
            "committee/minutes", MinutesPage(req, board: board, names: names, decisions: decisions))
    }

    /// The letter of a dossier decided (or to be decided) in the session.
    @Sendable
    func committeeLetter(req: Request) async throws -> View {
        let (_, session) = try await loadSession(req)
        let notFound = AppError.notFound("letter_not_found", "Aucune décision de cette séance pour ce dossier.")
        guard let dossierID = req.parameters.get("dossier").flatMap(UUID.init(uuidString:)),
            let staged = try await StagedDecisionModel.query(on: req.db).filter(\.$session.$id == session.requireID())
                .filter(\.$dossier.$id == dossierID).first(),
            let dossier = try await DossierModel.find(dossierID, on: req.db)
        else { throw notFound }
        let call = try await CallRepository(database: req.db).load(session.$call.get(on: req.db))
        let names = try await StaffDirectory.names(
            Set(session.members.filter(\.isChair).map { $0.$user.id }), on: req.db)
        let wave = call.waves.first { $0.id == session.$wave.id }?.label ?? ""
        return try await req.view.render(
            "committee/letter",
            LetterPage(
                req, call: call, dossier: dossier, organisation: try await dossier.$organisation.get(on: req.db),
                outcome: try staged.domainOutcome(),
                wave: wave, decidedAt: session.appliedAt ?? session.heldOn,
                signedBy: names.values.first ?? "La présidence du comité",
                simulated: dossier.simulated, draft: session.isOpen,
                backURL: SiteURL.committeeSession(try session.requireID()).path))
    }

    /// The applicant's letter: the latest decision on their dossier.
    @Sendable
    func applicantLetter(req: Request) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        guard let id = req.parameters.get("dossier").flatMap(UUID.init(uuidString:)) else { throw AppError.notFound() }
        let dossier = try await Membership(database: req.db).requireDossier(id, for: user.requireID())
        guard
            let decision = try await DecisionModel.query(on: req.db).filter(\.$dossier.$id == id).with(\.$wave)
                .sort(\.$decidedAt, .descending).first()
        else {
            throw AppError.notFound("decision_not_found", "Le comité ne s'est pas encore prononcé sur ce dossier.")
        }
        let call = try await CallRepository(database: req.db).load(dossier.$call.get(on: req.db))
        return try await req.view.render(
            "committee/letter",
            LetterPage(
                req, call: call, dossier: dossier, organisation: try await dossier.$organisation.get(on: req.db),
                outcome: try decision.domain(waveNumber: decision.wave.number).outcome, wave: decision.wave.label,
                decidedAt: decision.decidedAt,
                signedBy: decision.decidedBy, simulated: decision.simulated, draft: false,
                backURL: SiteURL.dossier(id).path))
    }

    @Sendable
    func envelopes(req: Request) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        let statement = try await ResultsService(database: req.db).statement(call, publishedOnly: false)
        return try await req.view.render(
            "committee/envelopes",
            EnvelopesPage(
                req, call: call, statement: statement,
                canRevise: user.role == Role.administrator.rawValue))
    }

    @Sendable
    func revise(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        let posted = try PostedForm.read(req)
        let field = { (name: String) in posted.fields[name]?.first ?? "" }
        let page = SiteURL.envelopes(call.model.reference).path
        return try await Refusal.redirecting(req, success: page, refused: page) {
            guard let envelopeID = UUID(uuidString: field("envelope")) else {
                throw DomainError.invalidForm(errors: ["envelope": "Choisissez une enveloppe."])
            }
            guard let effectiveOn = ParisTime.day(field("effective_on")) else {
                throw DomainError.invalidForm(errors: ["effective_on": "Indiquez la date d'effet (jour existant)."])
            }
            let amount = try Money.parse(field("amount"))
            try await EnvelopeService(database: req.db, now: Date()).revise(
                call, envelopeID: envelopeID, amount: amount,
                effectiveOn: effectiveOn, reason: field("reason"), by: user)
            return "Enveloppe révisée à \(amount.formatted())."
        }
    }

    /// Opens the next wave of a call: after a wave is published, its decisions are frozen and
    /// any change (the seed's June completion) goes into a new one.
    @Sendable
    func addWave(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        let posted = try PostedForm.read(req)
        let field = { (name: String) in (posted.fields[name]?.first ?? "").trimmingCharacters(in: .whitespaces) }
        let page = SiteURL.envelopes(call.model.reference).path
        return try await Refusal.redirecting(req, success: page, refused: page) {
            let number = try await CommitteeService(
                database: req.db, configuration: req.application.guichetConfiguration, now: Date()
            )
            .openNextWave(call, label: field("label"), announcedOn: ParisTime.day(field("announced_on")), by: user)
            return "Vague \(number) ouverte."
        }
    }

    private func loadSession(_ req: Request) async throws -> (UserModel, CommitteeSessionModel) {
        let user = try req.auth.require(UserModel.self)
        guard let id = req.parameters.get("session").flatMap(UUID.init(uuidString:)) else {
            throw AppError.notFound("session_not_found", "Séance introuvable.")
        }
        return (
            user,
            try await CommitteeService(
                database: req.db, configuration: req.application.guichetConfiguration, now: Date()
            )
            .session(id, for: user)
        )
    }
}
