import Fluent

/// Drops two indexes that others cover, which every insert still paid for: `dossiers_call_status`
/// (`call_id, status`) is the prefix of `dossiers_board_outline`, and `audit_entries_entity`
/// (`entity_type, entity_id, at`) answers nothing `audit_entries_entity_id` (`entity_id, at`)
/// does not — an entity's identifier is unique whatever its type. The audit index was keyed by
/// random identifiers: at 261 000 imported rows it was 17 MB of B-tree written at random places.
/// `IndexUseTests` checks that the queries they served still use an index.
struct DropRedundantIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await Indexes.drop("dossiers_call_status", database)
        try await Indexes.drop("audit_entries_entity", database)
    }

    func revert(on database: any Database) async throws {
        try await Indexes.create("dossiers_call_status", on: DossierModel.schema, ["call_id", "status"], database)
        try await Indexes.create(
            "audit_entries_entity", on: AuditEntryModel.schema, ["entity_type", "entity_id", "at"], database)
    }
}
