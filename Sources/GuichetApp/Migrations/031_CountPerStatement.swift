import Fluent

/// PostgreSQL counts the dossiers a statement inserts or deletes once per statement, per group
/// (``KeptCounts/countPerStatement(on:)``): imports and the demo insert hundreds of dossiers per
/// statement into a few groups. Nothing changes on SQLite.
struct CountPerStatement: AsyncMigration {
    static let kept = [AddQueueCounts.counts, AddBoardCounts.counts, AddResultsCounts.counts]

    func prepare(on database: any Database) async throws {
        for counts in Self.kept { try await counts.countPerStatement(on: database) }
    }

    func revert(on database: any Database) async throws {
        for counts in Self.kept { try await counts.countPerRow(on: database) }
    }
}
