import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit

/// Rows written by the thousand: the import and the demo insert tens of thousands of
/// organisations, dossiers, decisions and audit entries, and Fluent's `create` reads each model's
/// properties by reflection (measured: two thirds of an import's time, docs/BENCHMARKS.md). Here
/// each model lists its columns and typed values once, by hand, and multi-row `INSERT`s stay
/// under both databases' limits on bound values.
///
/// A model that gains a column must add it here: `BulkRowsTests` writes the same values through
/// Fluent and through these rows and compares every column read back.
protocol BulkRow {
    static var schema: String { get }
    static var bulkColumns: [String] { get }
    /// The values, in ``bulkColumns`` order.
    func bulkValues(now: Date) -> [BulkValue]
}

/// A column's value as a bulk insert binds it: typed, so that SQLite receives it ready to bind.
///
/// SQLKit binds `Encodable` values, which SQLite's driver converts one at a time — through an
/// encoder object allocated per value for every UUID and every optional (measured: a fifth of a
/// national import's CPU with the statements' serialisation). On SQLite the rows are bound as
/// driver values directly, exactly as that conversion would have written them (UUIDs as their
/// text, dates as seconds since 1970, booleans as 0 or 1); elsewhere through SQLKit as before.
enum BulkValue: Sendable, Equatable {
    /// The kinds of columns, which an absent value keeps: PostgreSQL refuses a null bound as text
    /// into a column of another type.
    enum Kind: Sendable, Equatable {
        case text, integer, bool, date, uuid
    }

    case null(Kind)
    case text(String)
    case integer(Int64)
    case bool(Bool)
    case date(Date)
    case uuid(UUID)

    init(_ value: String) { self = .text(value) }
    init(_ value: String?) { self = value.map(BulkValue.text) ?? .null(.text) }
    init(_ value: Int64) { self = .integer(value) }
    init(_ value: Int64?) { self = value.map(BulkValue.integer) ?? .null(.integer) }
    init(_ value: Int) { self = .integer(Int64(value)) }
    init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null(.integer) }
    init(_ value: Bool) { self = .bool(value) }
    init(_ value: Date) { self = .date(value) }
    init(_ value: Date?) { self = value.map(BulkValue.date) ?? .null(.date) }
    init(_ value: UUID) { self = .uuid(value) }
    init(_ value: UUID?) { self = value.map(BulkValue.uuid) ?? .null(.uuid) }

    /// The value for SQLite's driver.
    var sqlite: SQLiteData {
        switch self {
        case .null: .null
        case .text(let text): .text(text)
        case .integer(let integer): .integer(Int(integer))
        case .bool(let bool): .integer(bool ? 1 : 0)
        case .date(let date): .float(date.timeIntervalSince1970)
        case .uuid(let uuid): .text(uuid.uuidString)
        }
    }

    /// The value for SQLKit, on other databases: an absent value as the optional of its kind.
    var encodable: any Encodable & Sendable {
        switch self {
        case .null(.text): String?.none
        case .null(.integer): Int64?.none
        case .null(.bool): Bool?.none
        case .null(.date): Date?.none
        case .null(.uuid): UUID?.none
        case .text(let text): text
        case .integer(let integer): integer
        case .bool(let bool): bool
        case .date(let date): date
        case .uuid(let uuid): uuid
        }
    }
}

enum BulkRows {
    /// Bound values per statement: under SQLite's 32 766 and PostgreSQL's 65 535.
    static let bindsPerStatement = 30_000

    /// Inserts the rows, several hundred per statement.
    static func insert<Row: BulkRow>(_ rows: [Row], now: Date = Date(), on db: any Database) async throws {
        try await insert(Row.self, values: rows.map { $0.bulkValues(now: now) }, on: db)
    }

    /// Inserts rows of `type` whose values were listed beforehand (by ``BulkRow/bulkValues(now:)``,
    /// in ``BulkRow/bulkColumns`` order): the import lists them on its own thread.
    static func insert<Row: BulkRow>(_ type: Row.Type, values rows: [[BulkValue]], on db: any Database) async throws {
        guard !rows.isEmpty else { return }
        let perStatement = max(1, bindsPerStatement / Row.bulkColumns.count)
        var start = 0
        while start < rows.count {
            let end = min(start + perStatement, rows.count)
            let slice = rows[start..<end]
            if let sqlite = db as? any SQLiteDatabase {
                var binds: [SQLiteData] = []
                binds.reserveCapacity(slice.count * Row.bulkColumns.count)
                for row in slice { for value in row { binds.append(value.sqlite) } }
                _ = try await sqlite.query(statement(Row.self, rows: slice.count), binds)
            } else {
                var insert = try db.sql().insert(into: Row.schema).columns(Row.bulkColumns)
                for row in slice { insert = insert.values(row.map(\.encodable)) }
                try await insert.run()
            }
            start = end
        }
    }

    /// `INSERT INTO "table" ("a", "b") VALUES (?, ?), (?, ?)…` for `rows` rows, as SQLite writes it.
    static func statement<Row: BulkRow>(_ type: Row.Type, rows: Int) -> String {
        let columns = Row.bulkColumns.map { "\"\($0)\"" }.joined(separator: ", ")
        let tuple = "(" + Array(repeating: "?", count: Row.bulkColumns.count).joined(separator: ", ") + ")"
        var sql = "INSERT INTO \"\(Row.schema)\" (\(columns)) VALUES "
        sql.reserveCapacity(sql.utf8.count + rows * (tuple.utf8.count + 2))
        for index in 0..<rows {
            if index > 0 { sql += ", " }
            sql += tuple
        }
        return sql
    }
}

extension OrganisationModel: BulkRow {
    static let bulkColumns = [
        "id", "name", "legal_form", "siret", "rna", "departement_code", "address", "postcode", "city", "simulated",
        "created_at",
    ]

    func bulkValues(now: Date) -> [BulkValue] {
        [
            .init(id ?? UUID()), .init(name), .init(legalForm), .init(siret), .init(rna), .init(departementCode),
            .init(address), .init(postcode), .init(city), .init(simulated), .init(now),
        ]
    }
}

extension DossierModel: BulkRow {
    static let bulkColumns = [
        "id", "call_id", "organisation_id", "number", "title", "summary", "theme_code", "scope_kind", "territory_code",
        "scope_regions", "requested_cents", "total_budget_cents", "status", "filed_at", "simulated", "form_version",
        "answers", "created_by", "receipt_digest", "instructor_group", "draw_code", "assignee_id", "correction_due_on",
        "correction_message", "correction_reminded_at", "created_at", "updated_at",
    ]

    func bulkValues(now: Date) -> [BulkValue] {
        [
            .init(id ?? UUID()), .init($call.id), .init($organisation.id), .init(number), .init(title), .init(summary),
            .init(themeCode), .init(scopeKind), .init(territoryCode), .init(scopeRegions), .init(requestedCents),
            .init(totalBudgetCents), .init(status), .init(filedAt), .init(simulated), .init(formVersion),
            .init(answers), .init(createdBy), .init(receiptDigest), .init(instructorGroup),
            .init(DossierDrawCode.code(self)), .init(assigneeID), .init(correctionDueOn), .init(correctionMessage),
            .init(correctionRemindedAt), .init(now), .init(now),
        ]
    }
}

extension DecisionModel: BulkRow {
    static let bulkColumns = [
        "id", "dossier_id", "wave_id", "outcome", "granted_cents", "motive", "decided_at", "decided_by", "simulated",
    ]

    func bulkValues(now: Date) -> [BulkValue] {
        [
            .init(id ?? UUID()), .init($dossier.id), .init($wave.id), .init(outcome), .init(grantedCents),
            .init(motive), .init(decidedAt), .init(decidedBy), .init(simulated),
        ]
    }
}

extension AuditEntryModel: BulkRow {
    static let bulkColumns = [
        "id", "at", "actor_id", "actor_name", "actor_role", "action", "entity_type", "entity_id", "from_state",
        "to_state", "reason", "chain_key", "sequence", "previous_hash", "entry_hash",
    ]

    func bulkValues(now: Date) -> [BulkValue] {
        [
            .init(id ?? UUID()), .init(at), .init(actorID), .init(actorName), .init(actorRole), .init(action),
            .init(entityType), .init(entityID), .init(fromState), .init(toState), .init(reason), .init(chainKey),
            .init(sequence), .init(previousHash), .init(entryHash),
        ]
    }
}

extension OpinionModel: BulkRow {
    static let bulkColumns = [
        "id", "dossier_id", "author_id", "kind", "proposed_cents", "motive", "simulated", "created_at",
    ]

    func bulkValues(now: Date) -> [BulkValue] {
        [
            .init(id ?? UUID()), .init($dossier.id), .init($author.id), .init(kind), .init(proposedCents),
            .init(motive), .init(simulated), .init(createdAt ?? now),
        ]
    }
}

extension ReviewModel: BulkRow {
    static let bulkColumns = [
        "id", "dossier_id", "reviewer_id", "marks", "comments", "score", "simulated", "created_at", "updated_at",
    ]

    func bulkValues(now: Date) -> [BulkValue] {
        [
            .init(id ?? UUID()), .init($dossier.id), .init($reviewer.id), .init(marks), .init(comments), .init(score),
            .init(simulated), .init(createdAt ?? now), .init(now),
        ]
    }
}
