import Fluent

/// Calls with their themes, objectives and waves.
struct CreateCalls: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            try await database.schema(CallModel.schema)
                .id()
                .field("reference", .string, .required)
                .field("title", .string, .required)
                .field("programme", .string, .required)
                .field("description", .string, .required)
                .field("opens_at", .datetime, .required)
                .field("closes_at", .datetime, .required)
                .field("receipt_prefix", .string, .required)
                .field("territory_order", .string, .required)
                .field("simulated", .bool, .required)
                .field("created_at", .datetime)
                .unique(on: "reference")
                .create()
            for schema in [ThemeModel.schema, ObjectiveModel.schema] {
                try await database.schema(schema)
                    .id()
                    .field("call_id", .uuid, .required, .references(CallModel.schema, "id", onDelete: .cascade))
                    .field("code", .string, .required)
                    .field("label", .string, .required)
                    .field("position", .int, .required)
                    .unique(on: "call_id", "code")
                    .create()
            }
            try await database.schema(WaveModel.schema)
                .id()
                .field("call_id", .uuid, .required, .references(CallModel.schema, "id", onDelete: .cascade))
                .field("number", .int, .required)
                .field("label", .string, .required)
                .field("announced_on", .datetime, .required)
                .field("published_at", .datetime)
                .unique(on: "call_id", "number")
                .create()
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [WaveModel.schema, ObjectiveModel.schema, ThemeModel.schema, CallModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}
