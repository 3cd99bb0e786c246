import Fluent
import Foundation
import SQLKit

/// An applied session's decisions keep the dossier's columns the board filters on — envelope
/// (draw code), scope, territory, theme, instructor group — as they were when it was applied,
/// under the dossiers' own names, so that the board's filter condition reads them unchanged.
///
/// A filtered applied board was ranked live: the session's decisions joined to the dossiers (4 100
/// of them at random places of a 1 GB table at 261 000 dossiers), sorted, then joined again for
/// the running totals — 69 pages a second, p99 1.3 s. It now reads the session's decisions alone
/// in their frozen order (`staged_decisions_board`), sums the running totals within the filter
/// over them, and joins the dossiers for the page's rows only.
struct FreezeBoardFilters: AsyncMigration {
    static let columns = ["draw_code", "scope_kind", "territory_code", "theme_code", "instructor_group"]

    func prepare(on database: any Database) async throws {
        for column in Self.columns {
            try await database.schema(StagedDecisionModel.schema).field(.string(column), .string).update()
        }
        try await Self.fill(session: nil, on: database)
    }

    func revert(on database: any Database) async throws {
        for column in Self.columns.reversed() {
            try await database.schema(StagedDecisionModel.schema).deleteField(.string(column)).update()
        }
    }

    /// Copies the filtered columns from each decision's dossier, for `session` or every applied
    /// session when nil.
    static func fill(session: UUID?, on database: any Database) async throws {
        let sql = try database.sql()
        let s = StagedDecisionModel.schema
        let which: SQLQueryString =
            session.map { "\(ident: s).session_id = \(bind: $0)" }
            ?? "\(ident: s).session_id IN (SELECT id FROM \(ident: CommitteeSessionModel.schema) WHERE status = 'applied')"
        let assignments = columns.map { "\($0) = d.\($0)" }.joined(separator: ", ")
        try await sql.raw(
            """
            UPDATE \(ident: s) SET \(unsafeRaw: assignments)
            FROM \(ident: DossierModel.schema) d WHERE d.id = \(ident: s).dossier_id AND \(which)
            """
        ).run()
    }
}
