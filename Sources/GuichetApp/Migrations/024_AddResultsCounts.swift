import Fluent

/// A call's filed dossiers counted by what its results group them by — theme, scope and whether
/// simulated (`results_counts`) — kept by the database in the transaction of every change to a
/// dossier.
///
/// The live results of a national call grouped its 235 000 filed dossiers on each request (0.5 s
/// on SQLite at 261 000 dossiers); ``ResultsService/filedCounts(_:)`` now reads the kept rows.
/// `QueueCountsTests` checks them against a `GROUP BY` over the dossiers.
struct AddResultsCounts: AsyncMigration {
    static let counts = KeptCounts(
        table: "results_counts",
        keys: ["call_id", "theme_code", "scope_kind", "territory_code", "scope_regions", "simulated"],
        typed: ["call_id": "UUID", "simulated": "BOOLEAN"], watched: ["filed_at"],
        counted: { "\($0).filed_at IS NOT NULL" })

    func prepare(on database: any Database) async throws { try await Self.counts.create(on: database) }
    func revert(on database: any Database) async throws { try await Self.counts.drop(on: database) }
}
