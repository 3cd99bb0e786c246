import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// `guichet verify`: whether a database (just restored, or in service) is whole.
///
/// Five checks, each saying what it read: the schema's version against this binary's
/// migrations; every foreign key (SQLite's `foreign_key_check`; on PostgreSQL every constraint
/// read from the catalogue and its orphans counted); every audit chain; every attachment's bytes
/// against the SHA-256 it is stored under; every filed dossier's receipt digest, recomputed from
/// its answers, its form at the version filed and its attachments. A dossier sent back for
/// correction is not checked (its answers change until it is filed again, which seals a new
/// digest).
struct IntegrityCheck {
    let app: Application

    struct Report: Sendable {
        /// One line a check, said when it passed.
        var passed: [String] = []
        /// What is wrong, one line a fault.
        var problems: [String] = []
        /// What is worth knowing without being a fault (migrations still to apply).
        var notes: [String] = []

        var isWhole: Bool { problems.isEmpty }
    }

    var database: any Database { app.db }

    func run() async throws -> Report {
        var report = Report()
        let version = try await SchemaVersion.read(database)
        if version.applied.isEmpty {
            report.problems.append("schéma : la base est vide (aucune migration)")
            return report
        }
        if !version.unknown.isEmpty {
            report.problems.append(
                "schéma : migrée par une version plus récente (\(version.unknown.prefix(5).joined(separator: ", ")))")
        } else if !version.pending.isEmpty {
            report.notes.append(
                "schéma : \(version.pending.count) migration(s) de ce programme à appliquer (guichet migrate ou le démarrage les appliquent)"
            )
        } else {
            report.passed.append("schéma : à jour (\(version.applied.count) migrations)")
        }
        try await checkForeignKeys(&report)
        try await checkAuditChains(&report)
        try await checkAttachments(&report)
        try await checkReceipts(&report)
        try await checkEnvelopes(&report)
        return report
    }

    // MARK: - Foreign keys

    private func checkForeignKeys(_ report: inout Report) async throws {
        let sql = try database.sql()
        var broken: [String: Int] = [:]
        var checked = 0
        if sql.dialect.name == "sqlite" {
            for row in try await sql.raw("PRAGMA foreign_key_check").all() {
                broken[try row.decode(column: "table", as: String.self), default: 0] += 1
            }
            checked =
                try await sql.raw(
                    """
                    SELECT count(*) AS n FROM sqlite_master m, pragma_foreign_key_list(m.name) f
                    WHERE m.type = 'table'
                    """
                ).first()?.decode(column: "n", as: Int.self) ?? 0
        } else {
            struct Constraint: Decodable {
                let name: String
                let child: String
                let parent: String
                let child_columns: [String]
                let parent_columns: [String]
            }
            let constraints = try await sql.raw(
                """
                SELECT c.conname AS name, cl.relname AS child, pl.relname AS parent,
                  ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS child_columns,
                  ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                        JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS parent_columns
                FROM pg_constraint c
                JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace ns ON ns.oid = cl.relnamespace
                JOIN pg_class pl ON pl.oid = c.confrelid
                WHERE c.contype = 'f' AND ns.nspname = current_schema()
                ORDER BY cl.relname, c.conname
                """
            ).all(decoding: Constraint.self)
            checked = constraints.count
            for constraint in constraints {
                let joined = zip(constraint.child_columns, constraint.parent_columns).map { child, parent in
                    "p.\(Self.quoted(parent)) = c.\(Self.quoted(child))"
                }.joined(separator: " AND ")
                let present = constraint.child_columns.map { "c.\(Self.quoted($0)) IS NOT NULL" }.joined(
                    separator: " AND ")
                let orphans =
                    try await sql.raw(
                        """
                        SELECT count(*) AS n FROM \(ident: constraint.child) c
                        WHERE \(unsafeRaw: present)
                          AND NOT EXISTS (SELECT 1 FROM \(ident: constraint.parent) p WHERE \(unsafeRaw: joined))
                        """
                    ).first()?.decode(column: "n", as: Int.self) ?? 0
                if orphans > 0 { broken[constraint.child, default: 0] += orphans }
            }
        }
        if broken.isEmpty {
            report.passed.append("clés étrangères : \(checked) contrainte(s), aucune ligne orpheline")
        } else {
            for (table, count) in broken.sorted(by: { $0.key < $1.key }) {
                report.problems.append("clés étrangères : \(count) ligne(s) orpheline(s) dans \(table)")
            }
        }
    }

    // MARK: - Audit

    private func checkAuditChains(_ report: inout Report) async throws {
        let keys = try await AuditChainModel.query(on: database).sort(\.$chainKey).all().map(\.chainKey)
        var entries = 0
        for key in keys {
            let result = try await AuditChainStore.verify(key, on: database)
            entries += result.entries
            if let problem = result.problem { report.problems.append("journal d'audit : \(key) rompu — \(problem)") }
        }
        if !report.problems.contains(where: { $0.hasPrefix("journal d'audit") }) {
            report.passed.append("journal d'audit : \(keys.count) chaîne(s) intacte(s), \(entries) entrée(s)")
        }
    }

    // MARK: - Attachments

    private func checkAttachments(_ report: inout Report) async throws {
        let sql = try database.sql()
        var digests = Set<String>()
        for table in [AttachmentModel.schema, MessageAttachmentModel.schema] {
            for row in try await sql.raw("SELECT DISTINCT sha256 FROM \(ident: table)").all() {
                digests.insert(try row.decode(column: "sha256", as: String.self))
            }
        }
        let store = AttachmentStore.configured(app, on: database, scanning: false)
        var bad = 0
        for digest in digests.sorted() {
            let bytes = try await rawBytes(digest, store: store)
            guard let bytes else {
                bad += 1
                if bad <= 20 { report.problems.append("pièce jointe \(digest) : introuvable") }
                continue
            }
            if AttachmentStore.sha256(bytes) != digest {
                bad += 1
                if bad <= 20 { report.problems.append("pièce jointe \(digest) : contenu altéré") }
            }
        }
        if bad > 20 {
            report.problems.append("pièces jointes : \(bad - 20) autre(s) fichier(s) manquant(s) ou altéré(s)")
        }
        if bad == 0 {
            report.passed.append("pièces jointes : \(digests.count) fichier(s), chacun conforme à son empreinte")
        }
    }

    /// A file's bytes wherever the store keeps them, quarantine included.
    private func rawBytes(_ digest: String, store: AttachmentStore) async throws -> Data? {
        if let database = store.database {
            return try await database.sql().raw(
                "SELECT bytes FROM \(ident: CreateStoredFiles.table) WHERE sha256 = \(bind: digest)"
            ).first()?.decode(column: "bytes", as: Data.self)
        }
        for path in [store.path(for: digest), "\(store.root)/quarantine/\(digest)"] {
            if let data = FileManager.default.contents(atPath: path) { return data }
        }
        return nil
    }

    // MARK: - Receipts

    private func checkReceipts(_ report: inout Report) async throws {
        var forms: [String: FormDefinition] = [:]
        let repository = CallRepository(database: database)
        var checked = 0
        var bad = 0
        var skipped = 0
        var after: UUID? = nil
        // An anonymised dossier's answers are gone (retention): its digest stays as the proof
        // the applicant holds, and cannot be recomputed.
        let anonymised = Set(
            try await database.sql().raw(
                "SELECT id FROM \(ident: DossierModel.schema) WHERE anonymised_at IS NOT NULL"
            ).all().map { try $0.decode(column: "id", as: UUID.self) })
        while true {
            var query = DossierModel.query(on: database).filter(\.$receiptDigest != nil).sort(\.$id).limit(500)
            if let after { query = query.filter(\.$id > after) }
            let page = try await query.all()
            guard let last = page.last else { break }
            after = last.id
            let ids = page.compactMap(\.id)
            let attachments = Dictionary(
                grouping: try await AttachmentModel.query(on: database).filter(\.$dossier.$id ~~ ids).sort(\.$createdAt)
                    .all(),
                by: { $0.$dossier.id })
            for dossier in page {
                guard let id = dossier.id, let digest = dossier.receiptDigest else { continue }
                if DossierStatus(rawValue: dossier.status)?.isEditableByApplicant == true || anonymised.contains(id) {
                    skipped += 1
                    continue
                }
                let version = dossier.formVersion ?? 1
                let key = "\(dossier.$call.id)/\(version)"
                let form: FormDefinition
                if let known = forms[key] {
                    form = known
                } else {
                    form = try await repository.form(dossier.$call.id, version: version)
                    forms[key] = form
                }
                let text = ApplicationService.receiptText(
                    dossier, form: form, answers: try ApplicationService.answers(dossier),
                    attachments: attachments[id] ?? [])
                checked += 1
                if AttachmentStore.sha256(Data(text.utf8)) != digest {
                    bad += 1
                    if bad <= 20 {
                        report.problems.append(
                            "récépissé du dossier \(dossier.number ?? id.uuidString) : empreinte différente")
                    }
                }
            }
        }
        if bad > 20 { report.problems.append("récépissés : \(bad - 20) autre(s) empreinte(s) différente(s)") }
        if bad == 0 {
            let pending = skipped > 0 ? " (\(skipped) en correction ou anonymisé(s), non recalculé(s))" : ""
            report.passed.append("récépissés : \(checked) empreinte(s) recalculée(s), toutes identiques\(pending)")
        }
    }

    // MARK: - Envelopes

    /// No envelope spends more than it holds, and what the ledger commits is what the decisions
    /// grant: the latest decision of each laureate, summed independently here.
    private func checkEnvelopes(_ report: inout Report) async throws {
        let repository = CallRepository(database: database)
        let calls = try await CallModel.query(on: database).sort(\.$reference).all()
        var envelopes = 0
        var faults = 0
        for model in calls {
            let call = try await repository.load(model)
            let ledger = try await ResultsService(database: database).ledger(call)
            envelopes += ledger.lines.count
            for line in ledger.lines where line.committed > line.envelope.currentAmount {
                faults += 1
                let excess = line.committed.cents - line.envelope.currentAmount.cents
                report.problems.append(
                    "enveloppes : « \(line.envelope.label) » (\(model.reference)) dépassée de \(Money.text(cents: excess))"
                )
            }
            let committed = ledger.lines.filter { $0.envelope.parentID == nil }.reduce(Int64(0)) {
                $0 + $1.committed.cents
            }
            let granted = try await grantedByLatestDecisions(try model.requireID())
            let recovered = try await recoveredOn(try model.requireID())
            if committed != granted - recovered {
                faults += 1
                report.problems.append(
                    "enveloppes : \(model.reference) engage \(Money.text(cents: committed)) quand ses décisions accordent \(Money.text(cents: granted)) et ses reversements rendent \(Money.text(cents: recovered))"
                )
            }
            for fault in try await grantsOverpaid(try model.requireID()) {
                faults += 1
                report.problems.append("subventions : \(model.reference), \(fault)")
            }
        }
        if faults == 0 {
            report.passed.append(
                "enveloppes : \(envelopes) enveloppe(s) de \(calls.count) appel(s), aucune dépassée, engagements égaux aux décisions"
            )
        }
    }

    /// What was claimed back on a call's grants: it returns to the envelopes' room.
    private func recoveredOn(_ callID: UUID) async throws -> Int64 {
        try await database.sql().raw(
            """
            SELECT CAST(COALESCE(SUM(m.amount_cents), 0) AS BIGINT) AS total FROM \(ident: GrantMovementModel.schema) m
            WHERE m.call_id = \(bind: callID) AND m.kind = \(bind: GrantMovementModel.Kind.recovery.rawValue)
            """
        ).first()?.decode(column: "total", as: Int64.self) ?? 0
    }

    /// The acts paid above their amount, or claimed back above what was paid: each named.
    private func grantsOverpaid(_ callID: UUID) async throws -> [String] {
        let rows = try await database.sql().raw(
            """
            SELECT a.number AS number, a.amount_cents AS amount,
              CAST(COALESCE(SUM(CASE WHEN m.kind = 'payment' THEN m.amount_cents ELSE 0 END), 0) AS BIGINT) AS paid,
              CAST(COALESCE(SUM(CASE WHEN m.kind = 'recovery' THEN m.amount_cents ELSE 0 END), 0) AS BIGINT) AS recovered
            FROM \(ident: GrantActModel.schema) a LEFT JOIN \(ident: GrantMovementModel.schema) m ON m.act_id = a.id
            WHERE a.call_id = \(bind: callID)
            GROUP BY a.id, a.number, a.amount_cents
            """
        ).all()
        var faults: [String] = []
        for row in rows {
            let number = try row.decode(column: "number", as: String.self)
            let amount = try row.decode(column: "amount", as: Int64.self)
            let paid = try row.decode(column: "paid", as: Int64.self)
            let recovered = try row.decode(column: "recovered", as: Int64.self)
            if paid > amount {
                faults.append("\(number) versé \(Money.text(cents: paid)) pour \(Money.text(cents: amount)) accordés")
            }
            if recovered > paid {
                faults.append(
                    "\(number) reversé \(Money.text(cents: recovered)) pour \(Money.text(cents: paid)) versés")
            }
        }
        return faults
    }

    /// The sum granted by each laureate's latest decision of a call.
    private func grantedByLatestDecisions(_ callID: UUID) async throws -> Int64 {
        let laureates = DossierStatus.allCases.filter(\.isLaureate).map(\.rawValue)
        return try await database.sql().raw(
            """
            SELECT CAST(COALESCE(SUM(c.granted_cents), 0) AS BIGINT) AS total
            FROM \(ident: DecisionModel.schema) c
            JOIN \(ident: WaveModel.schema) w ON w.id = c.wave_id
            JOIN \(ident: DossierModel.schema) d ON d.id = c.dossier_id
            WHERE w.call_id = \(bind: callID) AND c.outcome = \(bind: DossierStatus.retained.rawValue)
              AND d.status IN (\(binds: laureates))
              AND w.number = (SELECT MAX(w2.number) FROM \(ident: DecisionModel.schema) c2
                              JOIN \(ident: WaveModel.schema) w2 ON w2.id = c2.wave_id WHERE c2.dossier_id = c.dossier_id)
            """
        ).first()?.decode(column: "total", as: Int64.self) ?? 0
    }

    private static func quoted(_ identifier: String) -> String { TableDigests.quoted(identifier) }
}
