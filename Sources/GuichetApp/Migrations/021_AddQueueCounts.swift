import Fluent

/// The instruction queue's counts of filed dossiers per instructor group and status
/// (`queue_counts`), kept by the database in the transaction of every change to a dossier.
///
/// Counting the filed dossiers per status on each queue page read every visible dossier's index
/// entry: 16 ms at 261 000 dossiers, most of the page's time. `QueueCountsTests` checks the kept
/// counts equal a `GROUP BY` over the dossiers after every kind of change.
struct AddQueueCounts: AsyncMigration {
    static let counts = KeptCounts(
        table: "queue_counts", keys: ["instructor_group", "status"], watched: ["filed_at"],
        counted: { "\($0).filed_at IS NOT NULL" })
    static var table: String { counts.table }

    func prepare(on database: any Database) async throws { try await Self.counts.create(on: database) }
    func revert(on database: any Database) async throws { try await Self.counts.drop(on: database) }
}
