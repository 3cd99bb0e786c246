import Fluent
import Foundation
import GuichetDomain

/// The one door through which a call definition enters or leaves the database: the command line
/// (`guichet call import|export`), the web editor, the API and the demo all go through it.
///
/// Saving checks the whole definition with the domain, then — for a call that already exists —
/// what its dossiers, decisions and published waves forbid changing, and writes everything in one
/// ``SerializedWrite`` (the same lock as committee decisions, so an envelope cut and a wave being
/// applied cannot cross), with an audit entry that lists the changes.
struct CallDefinitionStore {
    let database: any Database
    let now: Date

    init(database: any Database, now: Date = Date()) {
        self.database = database
        self.now = now
    }

    /// What saving a definition would do.
    enum Plan: Sendable {
        /// A new call.
        case create
        /// An existing call, with what changes (empty: nothing to do).
        case amend(CallModel, changes: [CallChange])
    }

    /// Checks a definition against the rules and, for an existing reference, against what the
    /// call's data forbids changing, without writing anything.
    /// - Throws: ``DomainError/invalidCallDefinition(issues:)``.
    func plan(_ definition: CallDefinition) async throws -> Plan {
        guard let model = try await CallModel.query(on: database).filter(\.$reference == definition.reference).first()
        else {
            try definition.check()
            return .create
        }
        let current = try await self.definition(of: model)
        try Self.check(definition, amending: current, usage: try await usage(of: model))
        return .amend(model, changes: definition.changes(from: current))
    }

    /// The rules and the amendment's limits at once, so that an author sees every refusal together.
    static func check(_ definition: CallDefinition, amending current: CallDefinition, usage: CallUsage) throws {
        let issues = definition.issues() + definition.amendmentIssues(from: current, usage: usage)
        guard issues.isEmpty else { throw DomainError.invalidCallDefinition(issues: issues) }
    }

    /// Saves a definition: creates the call (as `status`, a draft by default) or amends it.
    /// - Returns: the call and what changed (empty for a creation).
    /// - Throws: ``DomainError/invalidCallDefinition(issues:)`` when anything is refused; then
    ///   nothing is written.
    @discardableResult
    func save(
        _ definition: CallDefinition, status: CallStatus = .draft, by agent: Agent
    ) async throws -> (call: CallModel, changes: [CallChange]) {
        let now = self.now
        if let existing = try await CallModel.query(on: database).filter(\.$reference == definition.reference).first() {
            let id = try existing.requireID()
            return try await SerializedWrite.run(on: database, call: id) { db in
                let store = CallDefinitionStore(database: db, now: now)
                guard let model = try await CallModel.find(id, on: db) else {
                    throw AppError.notFound("call_not_found", "Appel à projets introuvable.")
                }
                let current = try await store.definition(of: model)
                let usage = try await store.usage(of: model)
                try Self.check(definition, amending: current, usage: usage)
                let changes = definition.changes(from: current)
                guard !changes.isEmpty else { return (model, []) }
                try await store.write(definition, into: model, replacing: current, usage: usage)
                // A grid that aggregates differently ranks every scored dossier again.
                if definition.scoringGrid != current.scoringGrid {
                    try await DossierScores.refreshAll(call: id, on: db)
                }
                try await AuditEntryModel(
                    AuditEntry(
                        at: now, actor: agent, action: "amend_call", entityType: "call", entityID: id,
                        from: nil, to: nil, reason: Self.summary(changes))
                ).create(on: db)
                return (model, changes)
            }
        }
        try definition.check()
        return try await database.transaction { db in
            let model = CallModel(
                reference: definition.reference, title: definition.title, programme: definition.programme,
                description: definition.context, opensAt: now, closesAt: now, receiptPrefix: definition.receiptPrefix,
                territoryOrder: [], simulated: definition.simulated)
            model.status = status.rawValue
            let store = CallDefinitionStore(database: db, now: now)
            try await store.write(definition, into: model, replacing: nil, usage: .unused)
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: agent, action: "create_call", entityType: "call", entityID: try model.requireID(),
                    from: nil, to: status.rawValue, reason: "Appel « \(definition.reference) » créé")
            ).create(on: db)
            return (model, [])
        }
    }

    /// Changes a call's status (publish, archive), audited.
    func setStatus(_ model: CallModel, to status: CallStatus, by agent: Agent) async throws {
        let before = model.callStatus
        model.status = status.rawValue
        try await database.transaction { db in
            try await model.save(on: db)
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: agent, action: status == .published ? "publish_call" : "archive_call",
                    entityType: "call", entityID: try model.requireID(), from: before.rawValue,
                    to: status.rawValue, reason: nil)
            ).create(on: db)
        }
    }

    /// What the call's dossiers, decisions and waves forbid changing.
    func usage(of model: CallModel) async throws -> CallUsage {
        let id = try model.requireID()
        let dossiers = try await DossierModel.query(on: database).filter(\.$call.$id == id).all(\.$themeCode)
        let filed = try await DossierModel.query(on: database).filter(\.$call.$id == id)
            .filter(\.$status != DossierStatus.draft.rawValue).count()
        let waves = try await WaveModel.query(on: database).filter(\.$call.$id == id).all()
        let waveIDs = waves.compactMap(\.id)
        let decided = Set(try await DecisionModel.query(on: database).filter(\.$wave.$id ~~ waveIDs).all(\.$wave.$id))
        let sessions = Set(
            try await CommitteeSessionModel.query(on: database).filter(\.$call.$id == id).all(\.$wave.$id))
        var committed: [String: Int64] = [:]
        if !decided.isEmpty {
            let loaded = try await CallRepository(database: database).load(model)
            let ledger = try await ResultsService(database: database).ledger(loaded)
            let keys = try await EnvelopeModel.query(on: database).filter(\.$call.$id == id).all()
            for envelope in keys {
                guard let envelopeID = envelope.id, let line = ledger.line(envelopeID) else { continue }
                committed[envelope.key] = line.committed.cents
            }
        }
        return CallUsage(
            hasFiledDossiers: filed > 0, themesInUse: Set(dossiers),
            publishedWaves: Set(waves.filter { $0.publishedAt != nil }.map(\.number)),
            wavesInUse: Set(
                waves.filter { wave in wave.id.map { decided.contains($0) || sessions.contains($0) } ?? false }.map(
                    \.number)),
            committedByEnvelope: committed)
    }

    /// The changes as the audit log records them (the first fifty, then how many more).
    static func summary(_ changes: [CallChange]) -> String {
        let shown = changes.prefix(50).map(\.description)
        let more = changes.count > 50 ? ["… et \(changes.count - 50) autre(s) modification(s)"] : []
        return (shown + more).joined(separator: "\n")
    }
}
