import Fluent
import Foundation
import GuichetDomain

/// Loads the seed's call into the database, or resets it.
///
/// Every dossier's history is replayed through the domain (filing before the deadline, the
/// lifecycle's transitions, the committee's envelope check) exactly as live actions would be, and
/// written with its audit entries in one transaction: the demo cannot hold a state the rules forbid.
struct DemoLoader {
    let database: any Database
    let laureatesCSV: String
    /// Generated dossiers besides the 37 laureates (250 for the seed's 287).
    var generated: Int = DemoCall.filedInRegion - 37

    /// The loader actor recorded in the audit log.
    static let agent = Agent.system("Chargement de la démonstration")

    /// Whether the demo call is in the database.
    func isLoaded() async throws -> Bool {
        try await CallModel.query(on: database).filter(\.$reference == DemoCall.reference).count() > 0
    }

    /// Removes the demo call and everything attached to it (but its history), then loads it again.
    func reset() async throws {
        try await database.transaction { db in
            try await Self.delete(on: db)
            try await WebhookFanOut.$replaying.withValue(true) {
                try await DemoLoader(database: db, laureatesCSV: laureatesCSV, generated: generated).insert()
            }
        }
    }

    /// Loads the demo call unless it is already there.
    /// - Returns: whether it was loaded.
    @discardableResult
    func loadIfAbsent() async throws -> Bool {
        guard try await !isLoaded() else { return false }
        try await database.transaction { db in
            try await WebhookFanOut.$replaying.withValue(true) {
                try await DemoLoader(database: db, laureatesCSV: laureatesCSV, generated: generated).insert()
            }
        }
        return true
    }

    static func delete(on db: any Database, by agent: Agent = DemoLoader.agent) async throws {
        for reference in [DemoCall.reference, PracticeCall.reference, NationalDemo.reference] {
            try await delete(reference, on: db, by: agent)
        }
    }

    static func delete(_ reference: String, on db: any Database, by agent: Agent) async throws {
        guard let call = try await CallModel.query(on: db).filter(\.$reference == reference).first(),
            let callID = call.id
        else { return }
        let dossiers = try await DossierModel.query(on: db).filter(\.$call.$id == callID).all()
        let dossierIDs = dossiers.compactMap(\.id)
        let organisationIDs = Set(dossiers.map(\.$organisation.id))
        // The audit log is append-only for Guichet's users; a demo reset replaces the whole demo,
        // its history included, and is an administrator's command-line act.
        let envelopes = try await EnvelopeModel.query(on: db).filter(\.$call.$id == callID).all()
        let envelopeIDs = envelopes.compactMap(\.id)
        // The audit log is append-only, in the database itself: the old demo's history stays, and
        // the reset is recorded in it.
        try await AuditEntryModel(
            AuditEntry(
                at: Date(), actor: agent, action: "reset_demo", entityType: "call",
                entityID: callID, from: nil, to: nil,
                reason: "Réinitialisation de l'appel de démonstration")
        ).create(on: db)
        try await DemoCommittee.delete(callID: callID, on: db)
        let publications = try await PublicationModel.query(on: db).filter(\.$call.$id == callID).all(\.$id)
        try await PublicationFileModel.query(on: db).filter(\.$publication.$id ~~ publications).delete()
        try await PublicationModel.query(on: db).filter(\.$call.$id == callID).delete()
        // After the decision: movements, reports and schedules before their acts.
        try await GrantMovementModel.query(on: db).filter(\.$callID == callID).delete()
        try await GrantReportModel.query(on: db).filter(\.$callID == callID).delete()
        let acts = try await GrantActModel.query(on: db).filter(\.$callID == callID).all(\.$id)
        try await GrantInstalmentModel.query(on: db).filter(\.$actID ~~ acts).delete()
        try await GrantActModel.query(on: db).filter(\.$callID == callID).delete()
        try await OrganisationMemberModel.query(on: db).filter(\.$organisation.$id ~~ Array(organisationIDs)).delete()
        try await DecisionModel.query(on: db).filter(\.$dossier.$id ~~ dossierIDs).delete()
        try await DossierModel.query(on: db).filter(\.$call.$id == callID).delete()
        try await OrganisationModel.query(on: db).filter(\.$id ~~ Array(organisationIDs)).delete()
        try await EnvelopeRevisionModel.query(on: db).filter(\.$envelope.$id ~~ envelopeIDs).delete()
        // Children before parents, for databases that check foreign keys row by row.
        for envelope in envelopes.sorted(by: { $0.position > $1.position }) { try await envelope.delete(on: db) }
        try await WaveModel.query(on: db).filter(\.$call.$id == callID).delete()
        try await CallFormModel.query(on: db).filter(\.$call.$id == callID).delete()
        try await ThemeModel.query(on: db).filter(\.$call.$id == callID).delete()
        try await ObjectiveModel.query(on: db).filter(\.$call.$id == callID).delete()
        try await call.delete(on: db)
    }

    private func insert() async throws {
        let (region, national) = NationalDemo.split(generated)
        try await insertSeed(generated: region)
        try await PracticeCall.insert(on: database, now: Date(), by: Self.agent)
        try await NationalDemo.insert(generated: national, on: database)
    }

    private func insertSeed(generated: Int) async throws {
        let dataset = try DemoDataset.make(laureatesCSV: laureatesCSV, generated: generated)

        // The call, from its file, through the same door as an administrator's import.
        let definition = try CallDefinition.load(json: AppResources.callFile(DemoCall.reference))
        let (callModel, _) = try await CallDefinitionStore(database: database, now: DemoCall.opensAt)
            .save(definition, status: .published, by: Self.agent)
        callModel.receiptCounter = dataset.dossiers.count
        try await callModel.save(on: database)
        let callID = try callModel.requireID()
        let loaded = try await CallRepository(database: database).load(callModel)
        let call = loaded.call
        let waveModels = loaded.waves
        let grid = definition.scoringGrid
        let envelopes = try await EnvelopeModel.query(on: database).filter(\.$call.$id == callID).with(\.$revisions)
            .sort(\.$position).all()
            .map { try $0.domain() }
        var audit: [AuditEntryModel] = []

        // Written through the import's batched rows: the demo at 100× scale loads like an import.
        try await BulkRows.insert(
            dataset.organisations.map {
                OrganisationModel(
                    id: $0.id, name: $0.name, legalForm: $0.legalForm,
                    siret: DemoIdentifiers.siret(for: "\($0.name)|\($0.id)"), rna: nil,
                    departementCode: $0.departementCode, simulated: $0.simulated)
            }, on: database)

        // Replay every dossier's history through the domain.
        var dossiers: [DossierModel] = []
        var decisions: [DecisionModel] = []
        var committed: [UUID: Money] = [:]
        for (index, plan) in dataset.dossiers.enumerated() {
            var dossier = plan.dossier
            try DemoReplay.instruct(&dossier, fate: plan.fate, filedAt: plan.filedAt, call: call, audit: &audit)
            dossier.number = ReceiptNumber.make(prefix: definition.receiptPrefix, sequence: index + 1)
            let outcome: DecisionOutcome?
            switch plan.fate {
            case .laureate(let cents): outcome = .retained(amount: try Money(cents: cents))
            case .waitingList: outcome = .waitingList
            default: outcome = nil
            }
            if let outcome {
                let ledger = try EnvelopeLedger(envelopes: envelopes, committedByEnvelope: committed)
                let envelope = try ledger.envelope(for: dossier.scope)
                let (transition, decision) = try Committee.decide(
                    dossier, outcome: outcome, wave: call.waves[0],
                    envelope: ledger.position(of: envelope.id),
                    by: Self.agent, call: call, now: DemoCall.committeeDay)
                dossier.status = transition.to
                committed[envelope.id] = try (committed[envelope.id] ?? .zero).adding(outcome.grantedAmount)
                audit.append(
                    AuditEntryModel(
                        AuditEntry.dossier(dossier.id, transition, by: Self.agent, at: DemoCall.committeeDay)))
                decisions.append(
                    DecisionModel(
                        decision, waveID: try waveModels[0].requireID(), decidedBy: "Comité de sélection régional",
                        simulated: true))
            }
            let model = DossierModel(dossier, callID: callID, organisationID: plan.organisationID)
            model.instructorGroup = Routing.group(for: dossier.scope).stored
            dossiers.append(model)
        }
        try await BulkRows.insert(dossiers, on: database)
        try await BulkRows.insert(decisions, on: database)

        // The services that instructed them, and their (simulated) opinions, given by each
        // dossier's own instructor group on the day reviews closed.
        let staff = try await DemoStaff.ensureAccounts(on: database)
        var random = SplitMix64(seed: 2021_03_19)
        var opinions: [OpinionModel] = []
        var reviews: [ReviewModel] = []
        let granted = Dictionary(decisions.map { ($0.$dossier.id, $0.grantedCents) }, uniquingKeysWith: { a, _ in a })
        for model in dossiers {
            guard let status = DossierStatus(rawValue: model.status), let id = model.id,
                let author = model.instructorGroup.flatMap({ staff[$0] }), let authorID = author.id,
                let opinion = try DemoStaff.opinion(
                    for: status, requested: Money(cents: model.requestedCents),
                    granted: granted[id].flatMap { $0 > 0 ? try? Money(cents: $0) : nil },
                    random: &random)
            else { continue }
            let row = OpinionModel(opinion, dossier: id, author: authorID, simulated: true)
            row.createdAt = DemoCall.reviewDone
            opinions.append(row)
            // And the instructor's marks on the grid: high for laureates, a spread for the others.
            let range: ClosedRange<Int> = status.isLaureate ? 3...4 : (status == .waitingList ? 2...3 : 0...4)
            reviews.append(try DemoReplay.review(id, by: authorID, grid: grid, marks: range, random: &random))
            audit.append(
                AuditEntryModel(
                    AuditEntry(
                        at: DemoCall.reviewDone,
                        actor: Agent(id: authorID, name: author.displayName, role: .instructor),
                        action: "give_opinion", entityType: "dossier", entityID: id, from: nil,
                        to: opinion.kind.rawValue, reason: "\(opinion.proposedAmount.formatted()) — \(opinion.motive)"))
            )
        }
        try await BulkRows.insert(opinions, on: database)
        try await BulkRows.insert(reviews, on: database)
        try await DossierScores.refresh(reviews.map { $0.$dossier.id }, on: database)

        try await AuditChainStore.seal(audit, on: database)
        try await BulkRows.insert(audit, on: database)
        try await DemoCommittee.insert(callID: callID, waves: waveModels, decisions: decisions, on: database)
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements, for bulk inserts within bind limits.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
