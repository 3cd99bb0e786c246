import Fluent
import Foundation
import GuichetDomain
import Vapor

extension CommitteeService {
    /// Applies the session's staged decisions as decisions of its wave, all or nothing, and mails
    /// each organisation its decision.
    ///
    /// The envelopes are read and the decisions written in one ``SerializedWrite``: however many
    /// sessions apply at once, on however many instances, no envelope is ever overspent.
    /// - Returns: the number of decisions applied.
    @discardableResult
    func apply(_ session: CommitteeSessionModel, by user: UserModel) async throws -> Int {
        try checkOpen(session)
        let userID = try user.requireID()
        guard session.members.contains(where: { $0.$user.id == userID && $0.isChair }) else {
            throw DomainError.actorNotAllowed(
                action: "appliquer les décisions de la séance", role: Role(rawValue: user.role) ?? .committeeMember)
        }
        try await checkCoversSession(session, user, action: "appliquer les décisions de la séance")
        try await deliberation(session).checkCanDeliberate()
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
                try await InstructionService(database: db, configuration: configuration, now: now).notifyMembers(
                    of: model, subject: "Décision sur votre dossier \(model.number ?? "")",
                    body: Self.decisionMail(model, decision.outcome, wave: wave, configuration: configuration),
                    kind: "decision")
            }
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
            return applied.count
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
}
