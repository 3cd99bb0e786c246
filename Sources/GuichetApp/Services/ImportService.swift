import Fluent
import Foundation
import GuichetDomain
import NIOPosix
import SQLKit

/// Loads dossiers (and, for calls whose committee sat elsewhere, their decisions) from a CSV file.
///
/// The file is read and checked whole by the domain (``ImportReader``) before anything is
/// written: a faulty file is refused with every faulty row, and a dry run stops there. A real run
/// then checks what only the database knows (numbers taken since, each retained amount against
/// the envelopes, counting the file's earlier rows) and writes everything in one serialized
/// transaction, or nothing.
struct ImportService {
    let database: any Database
    let now: Date

    /// What an import did, or would do.
    struct Summary: Sendable {
        let rows: Int
        let decisions: Int
        let newOrganisations: Int
        let dryRun: Bool

        /// "3 dossiers, 2 décisions, 2 nouvelles organisations", as the pages say it.
        var text: String {
            "\(French.count(rows, "dossier", "dossiers")), \(French.count(decisions, "décision", "décisions")), "
                + French.count(newOrganisations, "nouvelle organisation", "nouvelles organisations")
        }
    }

    /// Decisions come from the committee when it sits in Guichet: a call with committee sessions
    /// takes none from a file, so that nothing bypasses attendance, recusals and the wave's
    /// all-or-nothing check.
    static func acceptsDecisions(_ call: LoadedCall, on db: any Database) async throws -> Bool {
        try await CommitteeSessionModel.query(on: db).filter(\.$call.$id == call.id).count() == 0
    }

    /// The thread files are read and checked on: one, started at the first import and kept for
    /// the process's life, as NIO's own shared pools are.
    static let checking: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()

    /// Checks `text`, then imports it unless `dryRun`.
    /// - Throws: ``ImportReport`` listing every faulty row; nothing is written then.
    func run(
        _ call: LoadedCall, text: String, dryRun: Bool, by agent: Agent,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> Summary {
        let numbers = try await Self.numbers(call.id, on: database)
        let allowDecisions = try await Self.acceptsDecisions(call, on: database)
        // Reading and checking a whole file is seconds of CPU at national scale: it runs on a
        // thread of its own, never on an event loop, which also runs Swift's tasks (see
        // entrypoint.swift), nor on NIO's shared pool, whose threads run SQLite's statements.
        let domainCall = call.call
        let plan = try await Self.checking.runIfActive {
            try ImportReader.read(
                text: text, call: domainCall, existingNumbers: numbers, allowDecisions: allowDecisions,
                progress: progress)
        }
        let known = try await existingOrganisations(plan)
        if dryRun {
            try await checkEnvelopes(plan, call, on: database)
            return Summary(
                rows: plan.rows.count, decisions: plan.decisionCount,
                newOrganisations: Self.newOrganisations(plan, known), dryRun: true)
        }
        let now = self.now
        return try await SerializedWrite.run(on: database, call: call.id) { db in
            // Numbers may have been taken since the check: read them again inside the lock.
            let taken = try await Self.numbers(call.id, on: db)
            let clashes = plan.rows.filter { $0.number.map(taken.contains) ?? false }
            guard clashes.isEmpty else {
                throw ImportReport(
                    rowsRead: plan.rows.count, validRows: plan.rows.count - clashes.count,
                    issues: clashes.map {
                        ImportIssue(
                            line: $0.line, column: ImportField.number.rawValue, code: .duplicateNumber,
                            detail: "le numéro « \($0.number ?? "") » vient d'être attribué dans l'appel.")
                    })
            }
            try await checkEnvelopes(plan, call, on: db)
            let known = try await existingOrganisations(plan, on: db)
            let organisations = try await Self.withPageCache(of: plan.rows.count, on: db) {
                try await write(plan, call, known: known, agent: agent, now: now, on: db)
            }
            return Summary(
                rows: plan.rows.count, decisions: plan.decisionCount, newOrganisations: organisations, dryRun: false)
        }
    }

    /// The dossier numbers already given in a call, read as one column.
    static func numbers(_ callID: UUID, on db: any Database) async throws -> Set<String> {
        let rows = try await db.sql().select().column("number").from(DossierModel.schema)
            .where("call_id", .equal, SQLBind(callID)).where("number", .isNot, SQLLiteral.null).all()
        return Set(try rows.map { try $0.decode(column: "number", as: String.self) })
    }

    /// Organisations already known by SIRET or RNA, so that an import never duplicates one.
    private func existingOrganisations(_ plan: ImportPlan, on db: (any Database)? = nil) async throws -> [String: UUID]
    {
        let sirets = Set(plan.rows.compactMap { $0.carrier.siret?.value })
        let rnas = Set(plan.rows.compactMap { $0.carrier.rna?.value })
        var known: [String: UUID] = [:]
        if !sirets.isEmpty {
            // Bound lists stay well under both databases' limits on bound values.
            for chunk in Array(sirets).chunked(5_000) {
                for organisation in try await OrganisationModel.query(on: db ?? database).filter(\.$siret ~~ chunk)
                    .all()
                {
                    if let siret = organisation.siret, let id = organisation.id { known["siret:" + siret] = id }
                }
            }
        }
        if !rnas.isEmpty {
            for chunk in Array(rnas).chunked(5_000) {
                for organisation in try await OrganisationModel.query(on: db ?? database).filter(\.$rna ~~ chunk).all()
                {
                    if let rna = organisation.rna, let id = organisation.id { known["rna:" + rna] = id }
                }
            }
        }
        return known
    }

    private static func key(_ carrier: ImportedCarrier) -> String {
        carrier.siret.map { "siret:" + $0.value } ?? carrier.rna.map { "rna:" + $0.value } ?? "nom:" + carrier.name
    }

    private static func newOrganisations(_ plan: ImportPlan, _ known: [String: UUID]) -> Int {
        Set(plan.rows.map { key($0.carrier) }).filter { known[$0] == nil }.count
    }

    /// Every retained amount against the envelopes, in file order: the first row that would
    /// overspend is reported, with the ones after it that still would.
    private func checkEnvelopes(_ plan: ImportPlan, _ call: LoadedCall, on db: any Database) async throws {
        guard plan.decisionCount > 0 else { return }
        var ledger = try await ResultsService(database: db).ledger(call)
        var issues: [ImportIssue] = []
        for row in plan.rows {
            guard let decision = row.decision, case .retained(let amount) = decision.outcome else { continue }
            do {
                let envelope = try ledger.envelope(for: row.scope)
                try ledger.position(of: envelope.id).checkCanCommit(amount)
                ledger = try ledger.committing(amount, on: envelope.id)
            } catch {
                issues.append(
                    ImportIssue(
                        line: row.line, column: ImportField.granted.rawValue, code: ImportIssue.Code(error),
                        detail: error.message))
            }
        }
        guard issues.isEmpty else {
            throw ImportReport(rowsRead: plan.rows.count, validRows: plan.rows.count - issues.count, issues: issues)
        }
    }

    /// SQLite keeps 2 MB of pages per connection; a national file inserts into tables and indexes
    /// of hundreds of megabytes at random places (identifiers are random), and with so small a
    /// cache most inserts read their pages back from the system. For a large import the
    /// connection keeps up to 64 MB while it writes, then goes back to the default: the memory is
    /// bounded whatever the file's size (261 000 rows: 39 → 35 s, with the next batch built while
    /// one is written and two redundant indexes dropped).
    private static func withPageCache<T>(
        of rows: Int, on db: any Database, _ work: () async throws -> T
    ) async throws -> T {
        guard rows >= writeBatch, let sql = db as? any SQLDatabase, sql.dialect.name == "sqlite" else {
            return try await work()
        }
        try await sql.raw("PRAGMA cache_size = -65536").run()
        do {
            let result = try await work()
            try await sql.raw("PRAGMA cache_size = -2000").run()
            return result
        } catch {
            try? await sql.raw("PRAGMA cache_size = -2000").run()
            throw error
        }
    }

    /// Rows written per batch: each batch's models are built, written and released before the
    /// next, so that the write's memory is a batch's whatever the file's size.
    static let writeBatch = 5_000

    /// One batch's rows as they are inserted.
    private struct PreparedBatch: @unchecked Sendable {
        // The models are built by one task and handed whole to the one that writes them; neither
        // touches them afterwards.
        let organisations: [OrganisationModel]
        let dossiers: [DossierModel]
        let decisions: [DecisionModel]
        let audit: [AuditEntryModel]
    }

    /// Writes organisations, dossiers, decisions and their audit entries, a batch of rows at a
    /// time in the caller's transaction. Returns how many organisations were created.
    ///
    /// Building a batch's models is Swift's work, inserting them SQLite's (on its thread pool) or
    /// PostgreSQL's: the next batch is built while the previous one is written, one write at a
    /// time and in order (the audit chain continues from the batch before).
    private func write(
        _ plan: ImportPlan, _ call: LoadedCall, known: [String: UUID], agent: Agent, now: Date,
        on db: any Database
    ) async throws -> Int {
        var organisations = known
        var createdCount = 0
        let waveIDs = Dictionary(
            call.waves.compactMap { wave in wave.id.map { (wave.number, $0) } }, uniquingKeysWith: { a, _ in a })
        var sequence = call.model.receiptCounter
        var writing: Task<Void, any Error>? = nil
        do {
            for batch in plan.rows.chunked(Self.writeBatch) {
                let prepared = await Self.prepare(
                    batch, call, organisations: &organisations, sequence: &sequence, waveIDs: waveIDs, agent: agent,
                    now: now)
                createdCount += prepared.organisations.count
                try await writing?.value
                writing = Task { try await Self.store(prepared, now: now, on: db) }
            }
            try await writing?.value
        } catch {
            // The transaction ends with the error: no write may still be using its connection.
            _ = try? await writing?.value
            throw error
        }
        if sequence != call.model.receiptCounter {
            try await CallModel.query(on: db).filter(\.$id == call.id).set(\.$receiptCounter, to: sequence).update()
        }
        return createdCount
    }

    /// Builds a batch's models: new organisations, dossiers with their numbers, decisions and the
    /// audit entries.
    private static func prepare(
        _ batch: [ImportedDossier], _ call: LoadedCall, organisations: inout [String: UUID],
        sequence: inout Int, waveIDs: [Int: UUID], agent: Agent, now: Date
    ) async -> PreparedBatch {
        var created: [OrganisationModel] = []
        for row in batch where organisations[key(row.carrier)] == nil {
            let id = UUID()
            organisations[key(row.carrier)] = id
            let organisation = row.organisation(id: id)
            created.append(
                OrganisationModel(
                    id: id, name: organisation.name, legalForm: organisation.legalForm,
                    siret: organisation.siret?.value, rna: organisation.rna?.value,
                    departementCode: organisation.departementCode, simulated: false))
        }
        var dossiers: [DossierModel] = []
        var decisions: [DecisionModel] = []
        var audit: [AuditEntryModel] = []
        dossiers.reserveCapacity(batch.count)
        audit.reserveCapacity(batch.count)
        for (index, row) in batch.enumerated() {
            // Building a batch's models is CPU work on an event loop: let the loop's other
            // requests through every few hundred rows.
            if index % 500 == 499 { await Task.yield() }
            let id = UUID()
            var number = row.number
            if number == nil {
                sequence += 1
                number = ReceiptNumber.make(prefix: call.model.receiptPrefix, sequence: sequence)
            }
            let dossier = row.dossier(id: id, number: number)
            let model = DossierModel(
                dossier, callID: call.id, organisationID: organisations[key(row.carrier)] ?? UUID())
            model.instructorGroup = Routing.group(for: dossier.scope).stored
            dossiers.append(model)
            audit.append(
                AuditEntryModel(
                    AuditEntry(
                        at: now, actor: agent, action: "import", entityType: "dossier", entityID: id,
                        from: nil, to: dossier.status.rawValue, reason: "Import, ligne \(row.line)")))
            if let imported = row.decision, let waveID = waveIDs[imported.waveNumber] {
                decisions.append(
                    DecisionModel(
                        imported.decision(dossierID: id), waveID: waveID, decidedBy: agent.name, simulated: false))
            }
        }
        return PreparedBatch(organisations: created, dossiers: dossiers, decisions: decisions, audit: audit)
    }

    /// Inserts a prepared batch, seals its audit entries after the previous batch's, and queues
    /// the webhooks they call for.
    private static func store(_ batch: PreparedBatch, now: Date, on db: any Database) async throws {
        try await BulkRows.insert(batch.organisations, now: now, on: db)
        try await BulkRows.insert(batch.dossiers, now: now, on: db)
        try await BulkRows.insert(batch.decisions, now: now, on: db)
        try await AuditChainStore.seal(batch.audit, on: db)
        try await BulkRows.insert(batch.audit, now: now, on: db)
        try await WebhookFanOut.fanOut(batch.audit, on: db)
    }
}
