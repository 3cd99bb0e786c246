import Fluent
import Foundation
import GuichetDomain
import SQLKit

extension ImportService {
    /// The file's organisations: each carrier's key (SIRET, else RNA, else name) to its id, one
    /// already in the database or one the import creates. An import never duplicates an
    /// organisation known by its SIRET or RNA; carriers with neither are one organisation per
    /// name within the file.
    struct Organisations {
        private var ids: [String: UUID] = [:]
        private var uuids = RandomUUIDs()
        /// The keys whose organisation this import creates and has not written yet.
        private(set) var fresh: Set<String> = []
        /// Organisations created so far.
        private(set) var created = 0

        static func key(_ carrier: ImportedCarrier) -> String {
            carrier.siret.map { "siret:" + $0.value } ?? carrier.rna.map { "rna:" + $0.value } ?? "nom:" + carrier.name
        }

        func id(_ carrier: ImportedCarrier) -> UUID? { ids[Self.key(carrier)] }

        /// Finds the organisations of `rows` not met before: in the database by SIRET or RNA,
        /// or new ones.
        mutating func resolve(_ rows: [ImportedDossier], on db: any Database) async throws {
            var sirets = Set<String>()
            var rnas = Set<String>()
            for row in rows where ids[Self.key(row.carrier)] == nil {
                if let siret = row.carrier.siret?.value {
                    sirets.insert(siret)
                } else if let rna = row.carrier.rna?.value {
                    rnas.insert(rna)
                }
            }
            try await find("siret", sirets, on: db)
            try await find("rna", rnas, on: db)
            fresh.removeAll(keepingCapacity: true)
            for row in rows {
                let key = Self.key(row.carrier)
                guard ids[key] == nil else { continue }
                ids[key] = uuids.next()
                fresh.insert(key)
                created += 1
            }
        }

        /// Reads the ids of the organisations whose `column` is one of `values`.
        private mutating func find(_ column: String, _ values: Set<String>, on db: any Database) async throws {
            guard !values.isEmpty else { return }
            let sql = try db.sql()
            // Bound lists stay well under both databases' limits on bound values.
            for chunk in Array(values).chunked(5_000) {
                let rows = try await sql.select().column("id").column(column).from(OrganisationModel.schema)
                    .where(SQLIdentifier(column), .in, SQLBind.group(chunk)).all()
                for row in rows {
                    ids[column + ":" + (try row.decode(column: column, as: String.self))] = try row.decodeUUID(
                        column: "id")
                }
            }
        }
    }

    /// Every retained amount against the envelopes, in file order, counting the file's earlier
    /// rows: a row that would overspend is refused, and so is each one after it that still would.
    struct EnvelopeCheck {
        private var ledger: EnvelopeLedger?
        /// The rows refused, as issues of the file's report.
        private(set) var refusals: [ImportIssue] = []

        mutating func check(_ rows: [ImportedDossier], _ call: LoadedCall, on db: any Database) async throws {
            for row in rows {
                guard let decision = row.decision, case .retained(let amount) = decision.outcome else { continue }
                // Read when the file's first retained amount comes, inside the import's transaction.
                var current: EnvelopeLedger
                if let ledger {
                    current = ledger
                } else {
                    current = try await ResultsService(database: db).ledger(call)
                }
                do throws(DomainError) {
                    let envelope = try current.envelope(for: row.scope)
                    try current.position(of: envelope.id).checkCanCommit(amount)
                    current = try current.committing(amount, on: envelope.id)
                } catch {
                    refusals.append(
                        ImportIssue(
                            line: row.line, column: ImportField.granted.rawValue, code: ImportIssue.Code(error),
                            detail: error.message))
                }
                ledger = current
            }
        }
    }

    /// Writes batches of valid rows: organisations, dossiers with their numbers, decisions and
    /// their audit entries, in the caller's transaction.
    ///
    /// Building a batch's models is Swift's work, inserting them SQLite's (on its thread pool) or
    /// PostgreSQL's: a batch's models are built while the previous batch is written, one write at
    /// a time and in order (the audit chain continues from the batch before).
    struct BatchWriter {
        let call: LoadedCall
        let agent: Agent
        let now: Date
        private let waveIDs: [Int: UUID]
        private var sequence: Int
        private var uuids = RandomUUIDs()
        private var writing: Task<Void, any Error>? = nil

        init(call: LoadedCall, agent: Agent, now: Date) {
            self.call = call
            self.agent = agent
            self.now = now
            waveIDs = Dictionary(
                call.waves.compactMap { wave in wave.id.map { (wave.number, $0) } }, uniquingKeysWith: { a, _ in a })
            sequence = call.model.receiptCounter
        }

        /// Builds the batch's models, then writes them once the previous batch is written.
        mutating func write(_ rows: [ImportedDossier], organisations: Organisations, on db: any Database) async throws {
            // Building the models is a batch's Swift work: on the import's thread, beside the
            // reading, so that the event loop only binds and writes.
            let (call, agent, now, waveIDs) = (self.call, self.agent, self.now, self.waveIDs)
            let (sequence, uuids) = (self.sequence, self.uuids)
            let built = try await ImportService.checking.runIfActive {
                var state = (sequence: sequence, uuids: uuids)
                let prepared = Self.prepare(
                    rows, organisations: organisations, call: call, agent: agent, now: now, waveIDs: waveIDs,
                    state: &state)
                return (prepared, state.sequence, state.uuids)
            }
            let prepared = built.0
            (self.sequence, self.uuids) = (built.1, built.2)
            try await writing?.value
            writing = Task { try await Self.store(prepared, now: now, on: db) }
        }

        /// Waits for the last write and records the receipt numbers given.
        mutating func finish(on db: any Database) async throws {
            try await writing?.value
            writing = nil
            if sequence != call.model.receiptCounter {
                try await CallModel.query(on: db).filter(\.$id == call.id).set(\.$receiptCounter, to: sequence)
                    .update()
            }
        }

        /// Waits for a write still running, its outcome ignored: the transaction is ending with an
        /// error, and no write may still be using its connection then.
        func abandon() async {
            _ = try? await writing?.value
        }

        /// One batch's rows as they are inserted.
        private struct Prepared: @unchecked Sendable {
            // The models are built by one task and handed whole to the one that writes them;
            // neither touches them afterwards.
            // Organisations, dossiers and decisions as their columns' values, listed on the
            // import's thread; audit entries as models, sealed (chained) when written.
            let organisations: [[BulkValue]]
            let dossiers: [[BulkValue]]
            let decisions: [[BulkValue]]
            let audit: [AuditEntryModel]
        }

        private static func prepare(
            _ rows: [ImportedDossier], organisations: Organisations, call: LoadedCall, agent: Agent, now: Date,
            waveIDs: [Int: UUID], state: inout (sequence: Int, uuids: RandomUUIDs)
        ) -> Prepared {
            var created: [OrganisationModel] = []
            var written = Set<String>()
            var dossiers: [DossierModel] = []
            var decisions: [DecisionModel] = []
            var audit: [AuditEntryModel] = []
            dossiers.reserveCapacity(rows.count)
            audit.reserveCapacity(rows.count)
            for row in rows {
                let key = Organisations.key(row.carrier)
                let organisationID = organisations.id(row.carrier) ?? UUID()
                if organisations.fresh.contains(key), written.insert(key).inserted {
                    let organisation = row.organisation(id: organisationID)
                    created.append(
                        OrganisationModel(
                            id: organisationID, name: organisation.name, legalForm: organisation.legalForm,
                            siret: organisation.siret?.value, rna: organisation.rna?.value,
                            departementCode: organisation.departementCode, simulated: false))
                }
                let id = state.uuids.next()
                var number = row.number
                if number == nil {
                    state.sequence += 1
                    number = ReceiptNumber.make(prefix: call.model.receiptPrefix, sequence: state.sequence)
                }
                let dossier = row.dossier(id: id, number: number)
                let model = DossierModel(dossier, callID: call.id, organisationID: organisationID)
                model.instructorGroup = Routing.group(for: dossier.scope).stored
                dossiers.append(model)
                let entry = AuditEntryModel(
                    AuditEntry(
                        at: now, actor: agent, action: "import", entityType: "dossier", entityID: id,
                        from: nil, to: dossier.status.rawValue, reason: "Import, ligne \(row.line)"))
                entry.id = state.uuids.next()
                audit.append(entry)
                if let imported = row.decision, let waveID = waveIDs[imported.waveNumber] {
                    let decision = DecisionModel(
                        imported.decision(dossierID: id), waveID: waveID, decidedBy: agent.name, simulated: false)
                    decision.id = decision.id ?? state.uuids.next()
                    decisions.append(decision)
                }
            }
            return Prepared(
                organisations: created.map { $0.bulkValues(now: now) },
                dossiers: dossiers.map { $0.bulkValues(now: now) },
                decisions: decisions.map { $0.bulkValues(now: now) }, audit: audit)
        }

        /// Inserts a prepared batch, seals its audit entries after the previous batch's, and
        /// queues the webhooks they call for.
        private static func store(_ batch: Prepared, now: Date, on db: any Database) async throws {
            try await BulkRows.insert(OrganisationModel.self, values: batch.organisations, on: db)
            try await BulkRows.insert(DossierModel.self, values: batch.dossiers, on: db)
            try await BulkRows.insert(DecisionModel.self, values: batch.decisions, on: db)
            try await AuditChainStore.seal(batch.audit, on: db)
            try await BulkRows.insert(batch.audit, now: now, on: db)
            try await WebhookFanOut.fanOut(batch.audit, on: db)
        }
    }
}
