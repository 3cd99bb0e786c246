import Fluent

/// The committee board's candidates counted per call, status and every column its filters read
/// (`board_counts`), kept by the database in the transaction of every change to a dossier.
///
/// A national board counted its candidates over 235 000 index entries on every page (10 ms at
/// 261 000 dossiers, half of the page's time); the same condition now sums the kept rows.
/// `QueueCountsTests` checks them against a `GROUP BY` over the dossiers.
struct AddBoardCounts: AsyncMigration {
    static let counts = KeptCounts(
        table: "board_counts",
        keys: ["call_id", "status", "draw_code", "scope_kind", "territory_code", "theme_code", "instructor_group"],
        typed: ["call_id": "UUID"])

    func prepare(on database: any Database) async throws { try await Self.counts.create(on: database) }
    func revert(on database: any Database) async throws { try await Self.counts.drop(on: database) }
}
