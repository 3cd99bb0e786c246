import Fluent
import Foundation
import GuichetDomain
import SQLKit

/// Each dossier's aggregate score on its call's grid, kept on the dossier (`aggregate_score`,
/// `score_spread`, `score_count`) so that the committee's board ranks a page at a time in SQL.
///
/// The aggregate itself is the grid's rule (mean or median, ``ScoringGrid/aggregate(_:)``),
/// computed by ``InstructionService/aggregates(_:on:)``; this keeps its result in step, in the
/// transaction that records a review or amends the call's grid.
enum DossierScores {
    /// Recomputes the stored aggregate of these dossiers from their reviews.
    static func refresh(_ dossierIDs: [UUID], on db: any Database) async throws {
        guard !dossierIDs.isEmpty else { return }
        let aggregates = try await InstructionService.aggregates(dossierIDs, on: db)
        // Dossiers sharing the same figures are updated together: a few statements for a demo or
        // an import of any size, rather than one per dossier.
        var groups: [Figures: [UUID]] = [:]
        for id in dossierIDs {
            let aggregate = aggregates[id]
            groups[
                Figures(score: aggregate?.score, spread: aggregate?.spread, count: aggregate?.count ?? 0), default: []
            ]
            .append(id)
        }
        let sql = try db.sql()
        for (figures, ids) in groups {
            for chunk in ids.chunked(5_000) {
                try await sql.raw(
                    """
                    UPDATE \(ident: DossierModel.schema)
                    SET aggregate_score = \(bind: figures.score), score_spread = \(bind: figures.spread),
                      score_count = \(bind: figures.count)
                    WHERE id IN (\(binds: chunk))
                    """
                ).run()
            }
        }
    }

    private struct Figures: Hashable {
        let score: Int?
        let spread: Int?
        let count: Int
    }

    /// Recomputes the stored aggregate of every reviewed dossier of a call (all calls when nil).
    static func refreshAll(call: UUID? = nil, on db: any Database) async throws {
        let r = ReviewModel.schema, d = DossierModel.schema
        let onlyCall: SQLQueryString = call.map { "WHERE \(ident: d).call_id = \(bind: $0)" } ?? ""
        let rows = try await db.sql().raw(
            """
            SELECT DISTINCT \(ident: r).dossier_id AS id FROM \(ident: r)
            JOIN \(ident: d) ON \(ident: d).id = \(ident: r).dossier_id \(onlyCall)
            """
        ).all()
        try await refresh(try rows.map { try $0.decodeUUID(column: "id") }, on: db)
    }
}
