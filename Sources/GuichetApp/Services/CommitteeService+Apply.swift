import Fluent
import Foundation
import GuichetDomain
import Vapor

/// What applying a session did: its decisions, and who was told by mail.
struct AppliedWave: Equatable {
    /// The decisions applied.
    var decisions = 0
    /// The dossiers whose organisation's members were mailed their decision.
    var mailedDossiers = 0
    /// The addresses mailed.
    var mailedAddresses = 0
    /// The dossiers (numbers) whose organisation has no account here: nobody was mailed.
    var unreachable: [String] = []

    /// The chair's notice, saying exactly who was mailed.
    var notice: String {
        var text = "\(decisions) décision(s) appliquée(s). "
        text +=
            mailedDossiers == 0
            ? "Aucun courriel n'a été envoyé."
            : "Courriel de décision envoyé pour \(mailedDossiers) dossier(s), à \(mailedAddresses) adresse(s)."
        if !unreachable.isEmpty {
            let shown = unreachable.prefix(10).joined(separator: ", ") + (unreachable.count > 10 ? "…" : "")
            text +=
                " Pas de courriel pour \(unreachable.count) dossier(s) dont l'organisation n'a pas de compte sur ce guichet (\(shown)) : prévenez-les par un autre moyen ; la lettre de décision est sur la page de chaque dossier."
        }
        return text
    }
}

extension CommitteeService {
    /// The refusal when the chair did not tick the confirmation.
    static let unconfirmed = DomainError.invalidForm(errors: [
        "confirmer":
            "Cochez « Je confirme l'application des décisions » : l'application est définitive et prévient les porteurs."
    ])

    /// Applies the session's staged decisions as decisions of its wave, all or nothing, and mails
    /// each organisation its decision.
    ///
    /// The envelopes are read and the decisions written in one ``SerializedWrite``: however many
    /// sessions apply at once, on however many instances, no envelope is ever overspent.
    /// - Parameter confirmed: whether the chair confirmed, having seen the totals (checked after
    ///   who may apply, so that a refusal never tells a stranger more than "not found").
    /// - Returns: the decisions applied and who was mailed.
    @discardableResult
    func apply(_ session: CommitteeSessionModel, by user: UserModel, confirmed: Bool) async throws -> AppliedWave {
        try checkOpen(session)
        let userID = try user.requireID()
        guard session.members.contains(where: { $0.$user.id == userID && $0.isChair }) else {
            throw DomainError.actorNotAllowed(
                action: "appliquer les décisions de la séance", role: Role(rawValue: user.role) ?? .committeeMember)
        }
        try await checkCoversSession(session, user, action: "appliquer les décisions de la séance")
        try await deliberation(session).checkCanDeliberate()
        guard confirmed else { throw Self.unconfirmed }
        let sessionID = try session.requireID()
        let agent = Agent(id: userID, name: user.displayName, role: .committeeChair)
        let configuration = self.configuration, now = self.now
        return try await SerializedWrite.run(on: database, call: session.$call.id) { db in
            // Read again under the lock: another instance may have applied this session meanwhile.
            guard let fresh = try await CommitteeSessionModel.find(sessionID, on: db), fresh.isOpen else {
                throw DomainError.invalidForm(errors: ["session": "Les décisions de cette séance sont déjà appliquées."]
                )
            }
            let staged = try await StagedDecisionModel.query(on: db).filter(\.$session.$id == sessionID).sort(
                \.$stagedAt
            ).all()
            guard !staged.isEmpty else {
                throw DomainError.invalidForm(errors: ["session": "Aucune décision n'est préparée dans cette séance."])
            }
            let call = try await CallRepository(database: db).load(fresh.$call.get(on: db))
            guard let waveModel = call.waves.first(where: { $0.id == fresh.$wave.id }) else {
                throw DomainError.unknownWave(0)
            }
            let wave = try call.call.wave(waveModel.number)
            let models = try await DossierModel.query(on: db).filter(\.$id ~~ staged.map { $0.$dossier.id }).all()
            var byID: [UUID: DossierModel] = [:]
            for model in models { byID[try model.requireID()] = model }
            let dossiers = try byID.mapValues { try $0.domain() }
            let ledger = try await ResultsService(database: db).ledger(call)
            let applied = try Committee.applyWave(
                try staged.map { StagedDecision(dossierID: $0.$dossier.id, outcome: try $0.domainOutcome()) },
                dossiers: dossiers, ledger: ledger, wave: wave, by: agent, call: call.call, now: now)
            var outcome = AppliedWave(decisions: applied.count)
            for (transition, decision) in applied {
                guard let model = byID[decision.dossierID], var dossier = dossiers[decision.dossierID] else { continue }
                dossier.status = transition.to
                model.apply(dossier)
                try await model.save(on: db)
                try await DecisionModel(
                    decision, waveID: try waveModel.requireID(), decidedBy: agent.name, simulated: false
                ).create(on: db)
                try await AuditEntryModel(AuditEntry.dossier(decision.dossierID, transition, by: agent, at: now))
                    .create(on: db)
                let mailed = try await InstructionService(database: db, configuration: configuration, now: now)
                    .notifyMembers(
                        of: model, subject: "Décision sur votre dossier \(model.number ?? "")",
                        body: Self.decisionMail(model, decision.outcome, wave: wave, configuration: configuration),
                        kind: "decision")
                if mailed > 0 {
                    outcome.mailedDossiers += 1
                    outcome.mailedAddresses += mailed
                } else {
                    outcome.unreachable.append(model.number ?? model.title)
                }
            }
            outcome.unreachable.sort()
            fresh.status = CommitteeSessionModel.Status.applied.rawValue
            fresh.appliedAt = now
            fresh.appliedBy = userID
            try await fresh.save(on: db)
            try await FreezeAppliedBoards.freeze(session: sessionID, on: db)
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: agent, action: "apply_wave", entityType: "committee_session", entityID: sessionID,
                    from: nil, to: String(wave.number),
                    reason: "\(applied.count) décision(s) appliquée(s)")
            ).create(on: db)
            return outcome
        }
    }

    /// The session as the domain checks it (chair, members present, quorum).
    func deliberation(_ session: CommitteeSessionModel) async throws -> CommitteeSession {
        session.domain(names: try await StaffDirectory.names(Set(session.members.map { $0.$user.id }), on: database))
    }

    static func decisionMail(
        _ dossier: DossierModel, _ outcome: DecisionOutcome, wave: Wave, configuration: AppConfiguration
    ) -> String {
        let what: String
        switch outcome {
        case .retained(let amount):
            what =
                "Le comité de sélection a retenu votre projet et lui accorde \(amount.formatted()). Une convention vous sera proposée."
        case .waitingList:
            what =
                "Le comité de sélection a placé votre projet sur liste d'attente : il pourra être retenu dans une vague suivante."
        case .rejected(let motive):
            what = "Le comité de sélection n'a pas retenu votre projet, pour le motif suivant :\n\n\(motive)"
        }
        let id = dossier.id?.uuidString.lowercased() ?? ""
        return """
            Bonjour,

            Votre dossier « \(dossier.title) » (\(dossier.number ?? "")), \(wave.label.lowercased()) :

            \(what)

            La lettre de décision, à imprimer ou à enregistrer : \(configuration.publicURL)/dossiers/\(id)/decision
            """
    }

    /// The organisations, among the staged dossiers', that have at least one account here: those
    /// the decision mail reaches (what the confirmation page announces before applying).
    static func organisationsWithAccounts(_ board: CommitteeBoard, on db: any Database) async throws -> Set<UUID> {
        let organisations = Set(board.rows.filter { $0.staged != nil }.map { $0.dossier.$organisation.id })
        guard !organisations.isEmpty else { return [] }
        return Set(
            try await OrganisationMemberModel.query(on: db).filter(\.$organisation.$id ~~ organisations)
                .all(\.$organisation.$id))
    }
}
