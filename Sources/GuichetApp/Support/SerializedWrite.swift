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
/// - **SQLite**: every transaction begins `IMMEDIATE` (``SQLiteImmediateDatabase``), taking the
///   database's write lock before reading anything, after the process's earlier writers
///   (``WriteQueue``); a second writer reads after the first commits. A deferred `BEGIN` would
///   let both read first, then fail.
///
/// The work runs in the transaction it is given.
enum SerializedWrite {
    static func run<T: Sendable>(
        on database: any Database, call callID: UUID,
        _ work: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        let sql = try database.sql()
        if sql.dialect.name == "sqlite" {
            return try await database.transaction { try await work($0) }
        }
        return try await database.transaction { transaction in
            try await transaction.sql().select().column("id").from(EnvelopeModel.schema)
                .where("call_id", .equal, callID).orderBy("id").lockingClause(SQLLockingClause.update).run()
            return try await work(transaction)
        }
    }
}
