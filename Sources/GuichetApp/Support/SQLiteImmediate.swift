import FluentKit
import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import SQLiteKit
import SQLiteNIO

/// Fluent's SQLite driver with transactions that begin `IMMEDIATE`.
///
/// The driver begins a transaction `DEFERRED`: it reads under a shared lock and asks for the
/// write lock at its first write. In WAL mode two such transactions writing at once cannot both
/// go on — the second's snapshot is older than the first's commit — and SQLite answers
/// `SQLITE_BUSY_SNAPSHOT` at once, without waiting: two applicants filing in the same second,
/// or a sign-up during a filing, failed with "database is locked" (seen in the backup test,
/// where three applicants file while the database is copied). `BEGIN IMMEDIATE` takes the
/// write lock first, so a second writer waits for the first (the driver's busy handler retries)
/// and then reads what it committed: SQLite serialises writers anyway; this makes them queue
/// instead of fail. Readers outside transactions are untouched (WAL lets them read during a
/// write). ``SerializedWrite`` already began its transactions so; now every transaction does.
///
/// Transactions of one process also queue before they take a connection (``WriteQueue``), and so
/// do writes made outside a transaction: a writer waiting for the write lock would otherwise
/// hold, in SQLite's busy handler (which retries at once, without sleeping), one of the driver's
/// threads and its event loop's only connection — for as long as an import holds the lock, every
/// read of that event loop waited, and timed out. Only a writer of another process (a command
/// run beside the server) is waited for in SQLite itself.
///
/// Everything else is the driver's own: the configuration, its middleware (the audit chain's),
/// its pool and its connections, wrapped.
struct SQLiteImmediateConfiguration: DatabaseConfiguration {
    var base: any DatabaseConfiguration

    var middleware: [any AnyModelMiddleware] {
        get { base.middleware }
        set { base.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        Driver(base: base.makeDriver(for: databases), queue: WriteQueue())
    }

    struct Driver: DatabaseDriver {
        let base: any DatabaseDriver
        let queue: WriteQueue

        func makeDatabase(with context: DatabaseContext) -> any Database {
            let database = base.makeDatabase(with: context)
            guard let sql = database as? any Database & SQLDatabase & SQLiteDatabase else { return database }
            return SQLiteImmediateDatabase(base: sql, inTransaction: false, queue: queue)
        }

        func shutdown() { base.shutdown() }
        func shutdownAsync() async { await base.shutdownAsync() }
    }
}

extension DatabaseConfigurationFactory {
    /// SQLite with immediate transactions (``SQLiteImmediateConfiguration``).
    static func sqliteImmediate(_ configuration: SQLiteConfiguration) -> DatabaseConfigurationFactory {
        // A minute for a connection: the driver keeps one per event loop, and a long write (an
        // import, a wave) holds its own for as long as it lasts; readers of that loop wait for
        // it rather than fail after the default ten seconds.
        let factory = DatabaseConfigurationFactory.sqlite(configuration, connectionPoolTimeout: .seconds(60))
        return DatabaseConfigurationFactory { SQLiteImmediateConfiguration(base: factory.make()) }
    }
}

/// A database of ``SQLiteImmediateConfiguration``: the driver's, with `BEGIN IMMEDIATE`.
struct SQLiteImmediateDatabase: Database, SQLDatabase, SQLiteDatabase {
    let base: any Database & SQLDatabase & SQLiteDatabase
    let inTransaction: Bool
    let queue: WriteQueue

    var context: DatabaseContext { base.context }

    // MARK: Database

    func execute(
        query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void
    ) -> EventLoopFuture<Void> {
        let writes: Bool
        switch query.action {
        case .create, .update, .delete: writes = true
        default: writes = false
        }
        return queued(writes) { base.execute(query: query, onOutput: onOutput) }
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> { queued(true) { base.execute(schema: schema) } }

    /// Runs a statement after the process's other writers when it writes outside a transaction:
    /// an `INSERT` issued while an import holds the write lock waits here, suspended, instead of
    /// in SQLite's busy handler holding the connection (the event loop's only one) and a thread.
    private func queued(_ writes: Bool, _ run: @escaping @Sendable () -> EventLoopFuture<Void>) -> EventLoopFuture<Void>
    {
        guard writes, !inTransaction else { return run() }
        let queue = self.queue
        return eventLoop.makeFutureWithTask { await queue.acquire() }.flatMap { run() }.always { _ in queue.release() }
    }

    /// Whether a statement writes, by its verb.
    static func writes(_ statement: String) -> Bool {
        let verb = statement.drop { $0.isWhitespace || $0 == "(" }.prefix { $0.isLetter }.uppercased()
        return ["INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER"].contains(verb)
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> { base.execute(enum: `enum`) }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let inTransaction = self.inTransaction
        let queue = self.queue
        return base.withConnection { (connection: any Database) -> EventLoopFuture<T> in
            guard let sql = connection as? any Database & SQLDatabase & SQLiteDatabase else {
                return closure(connection)
            }
            return closure(SQLiteImmediateDatabase(base: sql, inTransaction: inTransaction, queue: queue))
        }
    }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if inTransaction { return closure(self) }
        let queue = self.queue
        let base = self.base
        return eventLoop.makeFutureWithTask { await queue.acquire() }.flatMap {
            base.withConnection { (connection: any Database) -> EventLoopFuture<T> in
                guard let sql = connection as? any Database & SQLDatabase & SQLiteDatabase else {
                    return connection.transaction(closure)
                }
                let database = SQLiteImmediateDatabase(base: sql, inTransaction: true, queue: queue)
                return sql.raw("BEGIN IMMEDIATE").run().flatMap {
                    closure(database).flatMap { result in
                        sql.raw("COMMIT").run().map { result }
                    }.flatMapError { error in
                        sql.raw("ROLLBACK").run().flatMapThrowing { throw error }.flatMapErrorThrowing { _ in
                            throw error
                        }
                    }
                }
            }.always { _ in queue.release() }
        }
    }

    // MARK: SQLDatabase

    var logger: Logger { base.context.logger }
    var eventLoop: any EventLoop { base.context.eventLoop }
    var dialect: any SQLDialect { base.dialect }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    /// Runs an SQL expression. SQLKit's builders are told apart by their type; a raw statement
    /// (most of Guichet's reads are ``SQLQueryString``s) is serialised once, here, told apart by
    /// its verb and run as that text — the driver would otherwise serialise it a second time to
    /// run it, a tenth of the queue page's CPU time.
    func execute(
        sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) -> EventLoopFuture<Void> {
        if inTransaction || query is SQLSelect || query is SQLInsert || query is SQLUpdate || query is SQLDelete {
            return queued(!inTransaction && !(query is SQLSelect)) { base.execute(sql: query, onRow) }
        }
        let (sql, rawBinds) = serialize(query)
        if let level = queryLogLevel {
            logger.log(
                level: level, "Executing query",
                metadata: ["sql": .string(sql), "binds": .array(rawBinds.map { .string("\($0)") })])
        }
        let binds: [SQLiteData]
        do {
            binds = try rawBinds.map { try Self.encoder.encode($0) }
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        let logger = self.logger
        return queued(Self.writes(sql)) {
            base.query(sql, binds, logger: logger) { onRow($0.sql(decoder: Self.decoder)) }
        }
    }

    /// The driver's own value conversions (Guichet configures none of its own).
    private static let encoder = SQLiteDataEncoder()
    private static let decoder = SQLiteDataDecoder()

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await execute(sql: query, onRow).get()
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await base.withSession(closure)
    }

    // MARK: SQLiteDatabase

    func query(
        _ query: String, _ binds: [SQLiteData], logger: Logger, _ onRow: @escaping @Sendable (SQLiteRow) -> Void
    ) -> EventLoopFuture<Void> {
        queued(!inTransaction && Self.writes(query)) { base.query(query, binds, logger: logger, onRow) }
    }

    func query(_ query: String, _ binds: [SQLiteData], _ onRow: @escaping @Sendable (SQLiteRow) -> Void) async throws {
        try await self.query(query, binds, logger: logger, onRow).get()
    }

    func withConnection<T>(
        _ closure: @escaping @Sendable (SQLiteConnection) -> EventLoopFuture<T>
    ) -> EventLoopFuture<T> {
        base.withConnection(closure)
    }
}

/// A first-come, first-served lock that suspends its waiters instead of blocking a thread.
final class WriteQueue: Sendable {
    private struct State {
        var held = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }
    private let state = NIOLockedValueBox(State())

    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLockedValue { state -> Bool in
                if state.held {
                    state.waiting.append(continuation)
                    return false
                }
                state.held = true
                return true
            }
            if granted { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.held = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
