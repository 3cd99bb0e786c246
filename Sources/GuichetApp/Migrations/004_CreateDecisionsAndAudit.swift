import Fluent

/// Committee decisions (one per dossier and wave) and the append-only audit log.
struct CreateDecisionsAndAudit: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            try await database.schema(DecisionModel.schema)
                .id()
                .field("dossier_id", .uuid, .required, .references(DossierModel.schema, "id", onDelete: .cascade))
                .field("wave_id", .uuid, .required, .references(WaveModel.schema, "id", onDelete: .cascade))
                .field("outcome", .string, .required)
                .field("granted_cents", .int64, .required)
                .field("motive", .string)
                .field("decided_at", .datetime, .required)
                .field("decided_by", .string, .required)
                .field("simulated", .bool, .required)
                .unique(on: "dossier_id", "wave_id")
                .create()
            try await Indexes.create("decisions_wave", on: DecisionModel.schema, ["wave_id"], database)
            try await database.schema(AuditEntryModel.schema)
                .id()
                .field("at", .datetime, .required)
                .field("actor_id", .uuid)
                .field("actor_name", .string, .required)
                .field("actor_role", .string, .required)
                .field("action", .string, .required)
                .field("entity_type", .string, .required)
                .field("entity_id", .uuid, .required)
                .field("from_state", .string)
                .field("to_state", .string)
                .field("reason", .string)
                .create()
            try await Indexes.create(
                "audit_entries_entity", on: AuditEntryModel.schema, ["entity_type", "entity_id", "at"], database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEntryModel.schema).delete()
        try await database.schema(DecisionModel.schema).delete()
    }
}
