import Fluent
import Foundation
import SQLKit

/// Rows written by the thousand: the import and the demo insert tens of thousands of
/// organisations, dossiers, decisions and audit entries, and Fluent's `create` reads each model's
/// properties by reflection (measured: two thirds of an import's time, docs/BENCHMARKS.md). Here
/// each model lists its columns and values once, by hand, and multi-row `INSERT`s stay under
/// both databases' limits on bound values.
///
/// A model that gains a column must add it here: `BulkRowsTests` writes the same values through
/// Fluent and through these rows and compares every column read back.
protocol BulkRow {
    static var schema: String { get }
    static var bulkColumns: [String] { get }
    /// The values, in ``bulkColumns`` order.
    func bulkValues(now: Date) -> [any Encodable & Sendable]
}

enum BulkRows {
    /// Bound values per statement: under SQLite's 32 766 and PostgreSQL's 65 535.
    static let bindsPerStatement = 30_000

    /// Inserts the rows, several hundred per statement.
    static func insert<Row: BulkRow>(_ rows: [Row], now: Date = Date(), on db: any Database) async throws {
        guard !rows.isEmpty else { return }
        let sql = try db.sql()
        let perStatement = max(1, bindsPerStatement / Row.bulkColumns.count)
        var start = 0
        while start < rows.count {
            let end = min(start + perStatement, rows.count)
            var insert = sql.insert(into: Row.schema).columns(Row.bulkColumns)
            for row in rows[start..<end] { insert = insert.values(row.bulkValues(now: now)) }
            try await insert.run()
            start = end
        }
    }
}

extension OrganisationModel: BulkRow {
    static let bulkColumns = [
        "id", "name", "legal_form", "siret", "rna", "departement_code", "address", "postcode", "city", "simulated",
        "created_at",
    ]

    func bulkValues(now: Date) -> [any Encodable & Sendable] {
        [id ?? UUID(), name, legalForm, siret, rna, departementCode, address, postcode, city, simulated, now]
    }
}

extension DossierModel: BulkRow {
    static let bulkColumns = [
        "id", "call_id", "organisation_id", "number", "title", "summary", "theme_code", "scope_kind", "territory_code",
        "scope_regions", "requested_cents", "total_budget_cents", "status", "filed_at", "simulated", "form_version",
        "answers", "created_by", "receipt_digest", "instructor_group", "draw_code", "assignee_id", "correction_due_on",
        "correction_message", "correction_reminded_at", "created_at", "updated_at",
    ]

    func bulkValues(now: Date) -> [any Encodable & Sendable] {
        [
            id ?? UUID(), $call.id, $organisation.id, number, title, summary, themeCode, scopeKind, territoryCode,
            scopeRegions, requestedCents, totalBudgetCents, status, filedAt, simulated, formVersion, answers, createdBy,
            receiptDigest, instructorGroup, DossierDrawCode.code(self), assigneeID, correctionDueOn, correctionMessage,
            correctionRemindedAt, now, now,
        ]
    }
}

extension DecisionModel: BulkRow {
    static let bulkColumns = [
        "id", "dossier_id", "wave_id", "outcome", "granted_cents", "motive", "decided_at", "decided_by", "simulated",
    ]

    func bulkValues(now: Date) -> [any Encodable & Sendable] {
        [id ?? UUID(), $dossier.id, $wave.id, outcome, grantedCents, motive, decidedAt, decidedBy, simulated]
    }
}

extension AuditEntryModel: BulkRow {
    static let bulkColumns = [
        "id", "at", "actor_id", "actor_name", "actor_role", "action", "entity_type", "entity_id", "from_state",
        "to_state", "reason", "chain_key", "sequence", "previous_hash", "entry_hash",
    ]

    func bulkValues(now: Date) -> [any Encodable & Sendable] {
        [
            id ?? UUID(), at, actorID, actorName, actorRole, action, entityType, entityID, fromState, toState, reason,
            chainKey, sequence, previousHash, entryHash,
        ]
    }
}

extension OpinionModel: BulkRow {
    static let bulkColumns = [
        "id", "dossier_id", "author_id", "kind", "proposed_cents", "motive", "simulated", "created_at",
    ]

    func bulkValues(now: Date) -> [any Encodable & Sendable] {
        [id ?? UUID(), $dossier.id, $author.id, kind, proposedCents, motive, simulated, createdAt ?? now]
    }
}

extension ReviewModel: BulkRow {
    static let bulkColumns = [
        "id", "dossier_id", "reviewer_id", "marks", "comments", "score", "simulated", "created_at", "updated_at",
    ]

    func bulkValues(now: Date) -> [any Encodable & Sendable] {
        [id ?? UUID(), $dossier.id, $reviewer.id, marks, comments, score, simulated, createdAt ?? now, now]
    }
}
