import Fluent
import Foundation
import SQLKit

/// An applied session's board, frozen on its decisions: each staged decision keeps its place in
/// the session's ranking (`board_rank`) and the running total of its envelope at that place
/// (`board_total`), worked out by the database when the session is applied (``freeze(session:on:)``)
/// and, here, for the sessions already applied.
///
/// The board of an applied session is the record of the meeting; it was ranked again on each
/// page, joining the session's decisions to the dossiers (4 100 of them at random places of a
/// 1 GB table in the national demo at 261 000 dossiers: 60 pages a second). Its unfiltered pages
/// now read a page of decisions in rank order through `staged_decisions_board`.
struct FreezeAppliedBoards: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(StagedDecisionModel.schema).field("board_rank", .int64).update()
        try await database.schema(StagedDecisionModel.schema).field("board_total", .int64).update()
        try await Indexes.create(
            "staged_decisions_board", on: StagedDecisionModel.schema, ["session_id", "board_rank"], database)
        try await Self.freezeRanks(session: nil, on: database)
    }

    func revert(on database: any Database) async throws {
        try await Indexes.drop("staged_decisions_board", database)
        try await database.schema(StagedDecisionModel.schema).deleteField("board_total").update()
        try await database.schema(StagedDecisionModel.schema).deleteField("board_rank").update()
    }

    /// Freezes an applied session's board: its ranking and running totals, and the columns its
    /// filters read (``FreezeBoardFilters``).
    static func freeze(session: UUID, on database: any Database) async throws {
        try await freezeRanks(session: session, on: database)
        try await FreezeBoardFilters.fill(session: session, on: database)
    }

    /// Ranks the session's decisions (every applied session's when `session` is nil) as the
    /// board ranks them (``CommitteeBoard/rankOrder(_:)``) and keeps, on each, its rank and the
    /// amounts retained on its envelope up to it.
    static func freezeRanks(session: UUID?, on database: any Database) async throws {
        let sql = try database.sql()
        let which: SQLQueryString =
            session.map { "s.session_id = \(bind: $0)" }
            ?? "s.session_id IN (SELECT id FROM \(ident: CommitteeSessionModel.schema) WHERE status = 'applied')"
        try await sql.raw(
            """
            UPDATE \(ident: StagedDecisionModel.schema) SET board_rank = r.board_rank, board_total = r.board_total
            FROM (
              SELECT s.id AS id,
                ROW_NUMBER() OVER (PARTITION BY s.session_id ORDER BY \(unsafeRaw: CommitteeBoard.rankOrder("d"))) AS board_rank,
                CAST(SUM(CASE WHEN s.outcome = 'retained' THEN s.granted_cents ELSE 0 END)
                  OVER (PARTITION BY s.session_id, d.draw_code ORDER BY \(unsafeRaw: CommitteeBoard.rankOrder("d"))
                    ROWS UNBOUNDED PRECEDING) AS BIGINT) AS board_total
              FROM \(ident: StagedDecisionModel.schema) s JOIN \(ident: DossierModel.schema) d ON d.id = s.dossier_id
              WHERE \(which)
            ) r
            WHERE \(ident: StagedDecisionModel.schema).id = r.id
            """
        ).run()
    }
}
