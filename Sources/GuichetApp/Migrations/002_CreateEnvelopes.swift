import Fluent

/// The envelope tree and the revisions of each envelope.
struct CreateEnvelopes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            try await database.schema(EnvelopeModel.schema)
                .id()
                .field("call_id", .uuid, .required, .references(CallModel.schema, "id", onDelete: .cascade))
                .field("parent_id", .uuid, .references(EnvelopeModel.schema, "id", onDelete: .cascade))
                .field("label", .string, .required)
                .field("draw_code", .string)
                .field("owner_name", .string, .required)
                .field("owner_siret", .string)
                .field("position", .int, .required)
                .unique(on: "call_id", "draw_code")
                .create()
            try await database.schema(EnvelopeRevisionModel.schema)
                .id()
                .field("envelope_id", .uuid, .required, .references(EnvelopeModel.schema, "id", onDelete: .cascade))
                .field("amount_cents", .int64, .required)
                .field("effective_on", .datetime, .required)
                .field("reason", .string, .required)
                .field("created_at", .datetime)
                .create()
            try await Indexes.create(
                "envelope_revisions_envelope", on: EnvelopeRevisionModel.schema, ["envelope_id"], database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(EnvelopeRevisionModel.schema).delete()
        try await database.schema(EnvelopeModel.schema).delete()
    }
}
