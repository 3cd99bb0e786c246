import Fluent
import FluentPostgresDriver
import Foundation
import Logging
import Vapor

extension Application {
    /// Applies the pending migrations, one process at a time.
    ///
    /// Instances (and commands) started together on one PostgreSQL database would otherwise race
    /// to create the same tables: Fluent's migrator takes no lock, and the losers stopped with a
    /// duplicate-key error (or, for a migration that only changes data, could apply it twice).
    /// On PostgreSQL the run therefore holds an advisory lock, taken on a connection of its own
    /// outside the pool (so that a pool of one connection cannot deadlock against it): the others
    /// wait, then find nothing left to do. SQLite serialises its writers itself and is used by
    /// one instance.
    func migrateDatabase() async throws {
        guard case .postgres(let url, let searchPath) = guichetConfiguration.database else {
            try await SchemaVersion.read(db).checkNotNewer()
            try await autoMigrate()
            return
        }
        let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        let connection = try await PostgresConnection.connect(
            on: eventLoopGroup.any(), configuration: configuration, id: 0, logger: logger)
        let key = Self.migrationLockKey(schema: searchPath ?? "public")
        do {
            _ = try await connection.query("SELECT pg_advisory_lock(\(key))", logger: logger)
            try await SchemaVersion.read(db).checkNotNewer()
            try await autoMigrate()
        } catch {
            try? await connection.close()
            throw error
        }
        // Closing the connection releases the lock too; unlocking first says so plainly.
        _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
        try? await connection.close()
    }

    /// A stable 63-bit key for the schema's migration lock (FNV-1a).
    static func migrationLockKey(schema: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "guichet:migrations:\(schema)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash & 0x7fff_ffff_ffff_ffff)
    }
}
