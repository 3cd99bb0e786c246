import Fluent
import Foundation
import SQLKit

/// A transaction in which a call's envelopes cannot change under the writer's feet.
///
/// Deciding reads what is committed on the envelopes, then writes decisions: two writers
/// interleaving these steps would each see room that only one of them may take. Both databases
/// forbid it, each in its own way, on every instance sharing the database:
/// - **PostgreSQL**: the transaction first locks the call's envelope rows (`SELECT … FOR UPDATE`,
///   in a fixed order so that two writers never deadlock); a second writer waits for the first to
///   commit, then reads its decisions (read committed takes a fresh snapshot per statement).
/// - **SQLite**: the transaction starts with `BEGIN IMMEDIATE`, which takes the database's write
///   lock before reading anything; a second writer waits (SQLiteNIO's busy handler retries) and
///   reads after the first commits. A deferred `BEGIN` would let both read first, then fail.
///
/// The work must not open a transaction of its own (on SQLite it already runs in one).
enum SerializedWrite {
    /// Whether the current task runs inside the SQLite branch's own `BEGIN IMMEDIATE … COMMIT`,
    /// which Fluent does not see as a transaction: nothing inside may begin another.
    @TaskLocal static var inRawTransaction = false

    static func run<T: Sendable>(
        on database: any Database, call callID: UUID,
        _ work: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        let sql = try database.sql()
        if sql.dialect.name == "sqlite" {
            return try await database.withConnection { connection in
                let locked = try connection.sql()
                try await locked.raw("BEGIN IMMEDIATE").run()
                do {
                    let result = try await Self.$inRawTransaction.withValue(true) { try await work(connection) }
                    try await locked.raw("COMMIT").run()
                    return result
                } catch {
                    try? await locked.raw("ROLLBACK").run()
                    throw error
                }
            }
        }
        return try await database.transaction { transaction in
            try await transaction.sql().select().column("id").from(EnvelopeModel.schema)
                .where("call_id", .equal, callID).orderBy("id").lockingClause(SQLLockingClause.update).run()
            return try await work(transaction)
        }
    }
}
