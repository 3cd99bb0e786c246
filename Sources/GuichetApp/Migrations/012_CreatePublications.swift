import Fluent

/// Publications of a call's results: one version per published wave (or correction), with the
/// frozen snapshot it showed and the files generated from it (open data, press kit).
struct CreatePublications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            try await database.schema(PublicationModel.schema)
                .id()
                .field("call_id", .uuid, .required, .references(CallModel.schema, "id", onDelete: .cascade))
                .field("version", .int, .required)
                .field("wave_number", .int, .required)
                .field("published_at", .datetime, .required)
                .field("published_by", .uuid)
                .field("snapshot", .string, .required)
                .field("changes", .string, .required)
                .unique(on: "call_id", "version")
                .create()
            try await database.schema(PublicationFileModel.schema)
                .id()
                .field(
                    "publication_id", .uuid, .required, .references(PublicationModel.schema, "id", onDelete: .cascade)
                )
                .field("name", .string, .required)
                .field("media_type", .string, .required)
                .field("content", .data, .required)
                .field("sha256", .string, .required)
                .unique(on: "publication_id", "name")
                .create()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.transaction { database in
            try await database.schema(PublicationFileModel.schema).delete()
            try await database.schema(PublicationModel.schema).delete()
        }
    }
}
