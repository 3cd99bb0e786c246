import Fluent

/// Imports of long files, run in the background with their progress, so that the administrator's
/// page follows them without JavaScript.
struct CreateImportJobs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            try await database.schema(ImportJobModel.schema)
                .id()
                .field("call_id", .uuid, .required, .references(CallModel.schema, "id", onDelete: .cascade))
                .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
                .field("file_name", .string, .required)
                .field("content", .string, .required)
                .field("dry_run", .bool, .required)
                .field("status", .string, .required)
                .field("total", .int, .required)
                .field("processed", .int, .required)
                .field("outcome", .string)
                .field("created_at", .datetime, .required)
                .field("finished_at", .datetime)
                .create()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ImportJobModel.schema).delete()
    }
}
