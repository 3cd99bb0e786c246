import FluentKit
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit

/// SQLKit's database on PostgreSQL, as ``FluentKit/Database/sql()`` gives it: the statements
/// Guichet writes in SQL, with their rows read straight from the driver's cells and the reads made
/// again and again prepared once per connection.
///
/// Two costs of PostgresKit's own `SQLDatabase` that showed on a staff page (docs/BENCHMARKS.md):
///
/// - **Reading a row** went through PostgresKit's translation layer for every column: a coding
///   key built as a string per cell, dynamic casts to find the type's conformance, and ids read as
///   text to be parsed again (the `uuid` type formatted by `sprintf`). A fifth of a committee
///   board's CPU in Guichet. ``Row`` decodes the plain types (text, ids, integers, booleans,
///   floating point, dates) from the cell directly and hands anything else to PostgresKit's
///   decoding, unchanged.
/// - **Planning every statement again**: PostgresKit sends each statement unnamed, so PostgreSQL
///   parses and plans it at each execution — 1.7 ms of the server's 4 ms for one board page,
///   on the same two cores as Guichet. A `SELECT` run outside a transaction is sent as a named
///   prepared statement instead: parsed once per connection, planned once when PostgreSQL finds
///   its generic plan as good as a custom one (its `plan_cache_mode`).
///
/// Prepared statements are PostgresNIO's own (`PostgresPreparedStatement`), which name a
/// statement and its SQL by static properties of a type: Guichet's statements are built at run
/// time, so ``NamedStatement`` reads both from a task-local value set around the one call that
/// reads them (`PostgresConnection.execute`, synchronously, before it suspends). The name stands
/// for the statement's text and the types of its binds together (``StatementNames``); the driver
/// keeps per connection which names it has prepared.
///
/// PostgresNIO remembers a failed preparation for the life of the connection, and a statement
/// prepared before a schema change (another instance migrating) fails at each execution
/// afterwards: when a prepared read fails, its connection's names change (``StatementNames``
/// counts failures per connection), so the next execution prepares the statement afresh. Outside
/// a transaction the failed read is read once more at once, unprepared; inside one the error is
/// the transaction's, as it would be unprepared. Writes and statements with binds PostgresNIO
/// cannot encode directly take PostgresKit's path, with the faster rows. Setting
/// `GUICHET_POSTGRES_PREPARED=0` turns preparation off (behind a pooler that does not keep named
/// statements per client, such as PgBouncer in transaction mode before 1.21).
struct PostgresSQL: SQLDatabase {
    /// PostgresKit's database, as Fluent's driver gives it: dialect, logger, the fallback path.
    let base: any SQLDatabase
    /// The same database as PostgresNIO sees it, for its connections.
    let postgres: any PostgresDatabase
    /// Whether the database is bound to one connection, a transaction's or one leased whole
    /// (Fluent says `inTransaction` of both): a failed read is not read again there.
    let inTransaction: Bool

    /// Whether reads are prepared (``AppConfiguration/postgresPreparedStatements``, set when the
    /// application is configured; one process serves one configuration).
    static var preparing: Bool {
        get { preparingSetting.withLockedValue { $0 } }
        set { preparingSetting.withLockedValue { $0 = newValue } }
    }
    private static let preparingSetting = NIOLockedValueBox(true)

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(
        sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) -> EventLoopFuture<Void> {
        eventLoop.makeFutureWithTask { try await self.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        guard let (bindings, types) = Self.bindings(binds) else {
            // A bind only PostgresKit's encoding knows (JSON, arrays): its path, whole.
            return try await base.execute(sql: query, onRow)
        }
        if let level = queryLogLevel {
            logger.log(
                level: level, "Executing query",
                metadata: ["sql": .string(sql), "binds": .array(binds.map { .string("\($0)") })])
        }
        if Self.preparing, Self.isRead(sql), let number = StatementNames.shared.number(sql, types: types) {
            do {
                return try await prepared(number, sql: sql, bindings: bindings, onRow)
            } catch let error as PreparedReadError {
                if inTransaction { throw error.underlying }
                logger.debug(
                    "Prepared read failed; read unprepared",
                    metadata: ["error": "\(String(reflecting: error.underlying))"])
            }
        }
        _ = try await postgres.withConnection { connection in
            connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: connection.logger) {
                onRow(Row($0))
            }
        }.get()
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await base.withSession(closure)
    }

    /// A read as a named prepared statement on one connection. A failure changes the
    /// connection's names (``StatementNames/failed(on:)``) and is reported as a
    /// ``PreparedReadError`` for the caller to read again unprepared, when it happens before the
    /// first row (rows handed on cannot be taken back).
    private func prepared(
        _ number: Int, sql: String, bindings: PostgresBindings, _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) async throws {
        try await postgres.withConnection { connection in
            connection.eventLoop.makeFutureWithTask {
                let name = StatementNames.shared.name(number, on: connection)
                var delivered = false
                do {
                    try await NamedStatement.$current.withValue(.init(name: name, sql: sql)) {
                        let rows = try await connection.execute(
                            NamedStatement(bindings: bindings), logger: connection.logger)
                        for try await row in rows {
                            delivered = true
                            onRow(Row(row))
                        }
                    }
                } catch {
                    StatementNames.shared.failed(on: connection)
                    if delivered { throw error }
                    throw PreparedReadError(underlying: error)
                }
            }
        }.get()
    }

    /// A statement that only reads: `SELECT` or `WITH … SELECT` (a `WITH` that writes is sent
    /// unprepared all the same, as nothing in Guichet writes that way).
    static func isRead(_ sql: String) -> Bool {
        let head = sql.prefix(6).lowercased()
        return head == "select" || head.hasPrefix("with ")
    }

    /// The binds as PostgresNIO encodes them itself, with their types (`0` for a null: the server
    /// infers it), or `nil` when one of them needs PostgresKit's encoding (a `Codable` value
    /// stored as JSON, an array).
    static func bindings(_ binds: [any Encodable & Sendable]) -> (PostgresBindings, [UInt32])? {
        var bindings = PostgresBindings(capacity: binds.count)
        var types: [UInt32] = []
        types.reserveCapacity(binds.count)
        for bind in binds {
            if isNil(bind) {
                bindings.appendNull()
                types.append(0)
            } else if let value = bind as? any PostgresThrowingDynamicTypeEncodable {
                do { try bindings.append(value, context: .default) } catch { return nil }
                types.append(value.psqlType.rawValue)
            } else {
                return nil
            }
        }
        return (bindings, types)
    }

    /// Whether an `Optional` bind holds nothing.
    private static func isNil(_ value: Any) -> Bool {
        guard let optional = value as? any OptionalValue else { return false }
        return optional.isNone
    }

    /// A row read from PostgreSQL's cells: the plain types directly, the rest through PostgresKit.
    struct Row: SQLRow {
        let row: PostgresRow
        let cells: PostgresRandomAccessRow

        init(_ row: PostgresRow) {
            self.row = row
            self.cells = row.makeRandomAccess()
        }

        var allColumns: [String] { cells.map(\.columnName) }

        func contains(column: String) -> Bool { cells.contains(column) }

        func decodeNil(column: String) throws -> Bool { !cells.contains(column) || cells[column].bytes == nil }

        func decode<T: Decodable>(column: String, as type: T.Type) throws -> T {
            guard cells.contains(column) else { throw MissingColumn(column: column) }
            let cell = cells[column]
            if let value = try Self.plain(T.self, cell) { return value }
            return try row.sql().decode(column: column, as: T.self)
        }

        /// An id column, straight from PostgreSQL's 16 bytes.
        func uuid(column: String) throws -> UUID {
            guard cells.contains(column) else { throw MissingColumn(column: column) }
            return try cells[column].decode(UUID.self)
        }

        /// The value of a cell of a plain type, decoded by PostgresNIO; `nil` for any other type
        /// (and for the cases PostgresKit adjusts: enums as text, numeric as `Double`).
        private static func plain<T>(_ type: T.Type, _ cell: PostgresCell) throws -> T? {
            if T.self == String.self {
                guard !cell.dataType.isUserDefined else { return nil }
                return try cell.decode(String.self) as? T
            }
            if T.self == UUID.self { return try cell.decode(UUID.self) as? T }
            if T.self == Int.self { return try cell.decode(Int.self) as? T }
            if T.self == Int64.self { return try cell.decode(Int64.self) as? T }
            if T.self == Int32.self { return try cell.decode(Int32.self) as? T }
            if T.self == Bool.self { return try cell.decode(Bool.self) as? T }
            if T.self == Date.self { return try cell.decode(Date.self) as? T }
            if T.self == Double.self {
                guard cell.dataType != .numeric else { return nil }
                return try cell.decode(Double.self) as? T
            }
            return nil
        }
    }

    struct MissingColumn: Error, CustomStringConvertible {
        let column: String
        var description: String { "no column \(column) in the row" }
    }

    /// A prepared read that failed before its first row (see ``prepared(_:sql:bindings:_:)``).
    struct PreparedReadError: Error {
        let underlying: any Error
    }
}

/// A statement PostgresNIO prepares under a name, both given by the task that executes it (see
/// ``PostgresSQL``).
struct NamedStatement: PostgresPreparedStatement {
    struct Current: Sendable {
        var name: String
        var sql: String
    }

    @TaskLocal static var current = Current(name: "", sql: "")

    static var name: String { current.name }
    static var sql: String { current.sql }

    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// Names for prepared statements: a number per statement text and types of its binds, the same
/// in every connection, up to a bound (past it, statements go unprepared: a statement built with a
/// list of binds of every length must not fill the server's memory), and per connection a count
/// of failed prepared reads, part of the name: `g12` on a connection where none failed, `g12_1`
/// after one.
final class StatementNames: Sendable {
    static let shared = StatementNames(limit: 2_000)

    private let numbers = NIOLockedValueBox<[String: Int]>([:])
    private let failures = NIOLockedValueBox<[PostgresConnection.ID: Int]>([:])
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// The statement's number, or `nil` past the bound.
    func number(_ sql: String, types: [UInt32]) -> Int? {
        var key = sql
        key.append("\u{0}")
        for type in types { key.append("\(type),") }
        return numbers.withLockedValue { numbers in
            if let known = numbers[key] { return known }
            guard numbers.count < limit else { return nil }
            numbers[key] = numbers.count + 1
            return numbers.count
        }
    }

    /// The statement's name on this connection.
    func name(_ number: Int, on connection: PostgresConnection) -> String {
        let failed = failures.withLockedValue { $0[connection.id] ?? 0 }
        return failed == 0 ? "g\(number)" : "g\(number)_\(failed)"
    }

    /// A prepared read failed on this connection: its statements are prepared again under new
    /// names (forgotten when the connection closes).
    func failed(on connection: PostgresConnection) {
        let id = connection.id
        let first = failures.withLockedValue { failures -> Bool in
            failures[id, default: 0] += 1
            return failures[id] == 1
        }
        if first {
            connection.closeFuture.whenComplete { [failures] _ in
                failures.withLockedValue { $0[id] = nil }
            }
        }
    }
}

/// An `Optional` seen through `Any`.
private protocol OptionalValue {
    var isNone: Bool { get }
}

extension Optional: OptionalValue {
    var isNone: Bool { self == nil }
}

extension Database {
    /// The database as ``PostgresSQL`` when it is PostgreSQL's.
    func postgresSQL(_ sql: any SQLDatabase) -> any SQLDatabase {
        guard let postgres = self as? any PostgresDatabase else { return sql }
        return PostgresSQL(base: sql, postgres: postgres, inTransaction: inTransaction)
    }
}
