import Fluent
import SQLKit

/// Indexes that pages read on every request at any call size: the instruction queue's counts per
/// status (an index holding the three columns they need lets both databases count from the index
/// alone), and a dossier's or a person's history in the audit log by the entity's id (the log
/// grows by several entries per dossier; without it each staff dossier page read all of it), and
/// the committee board's ranking.
struct AddQueueIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            try await Indexes.create(
                "dossiers_status_group_filed", on: DossierModel.schema, ["status", "instructor_group", "filed_at"],
                database)
            try await Indexes.create(
                "audit_entries_entity_id", on: AuditEntryModel.schema, ["entity_id", "at"], database)
            // The committee board's candidates counted from the index alone, whatever the filters;
            // it replaces the narrower index on the draw code, which SQLite's planner preferred
            // and then read every row through.
            try await Indexes.drop("dossiers_call_draw", database)
            try await Indexes.create(
                "dossiers_board_outline", on: DossierModel.schema,
                ["call_id", "status", "draw_code", "instructor_group", "theme_code", "scope_kind", "territory_code"],
                database)
            // The committee board's ranking, in its exact order (expressions included): a page is
            // read from the index without sorting every candidate. Both databases accept
            // expressions in an index with this syntax.
            try await database.sql().raw(
                """
                CREATE INDEX dossiers_board_rank ON \(ident: DossierModel.schema)
                (call_id, (COALESCE(aggregate_score, -1)) DESC, requested_cents, (COALESCE(number, '')), id)
                """
            ).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await Indexes.drop("dossiers_board_rank", database)
        try await Indexes.drop("dossiers_board_outline", database)
        try await Indexes.create("dossiers_call_draw", on: DossierModel.schema, ["call_id", "draw_code"], database)
        try await Indexes.drop("audit_entries_entity_id", database)
        try await Indexes.drop("dossiers_status_group_filed", database)
    }
}
