import Fluent

/// Machine access: API tokens (stored as digests), webhook endpoints and their deliveries.
struct CreateAPIAccess: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            try await database.schema(APITokenModel.schema)
                .id()
                .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
                .field("name", .string, .required)
                .field("prefix", .string, .required)
                .field("token_hash", .string, .required)
                .field("scopes", .string, .required)
                .field("created_at", .datetime, .required)
                .field("last_used_at", .datetime)
                .field("revoked_at", .datetime)
                .unique(on: "token_hash")
                .create()
            try await Indexes.create("api_tokens_user", on: APITokenModel.schema, ["user_id"], database)
            try await database.schema(WebhookEndpointModel.schema)
                .id()
                .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
                .field("url", .string, .required)
                .field("secret", .string, .required)
                .field("events", .string, .required)
                .field("created_at", .datetime, .required)
                .field("disabled_at", .datetime)
                .create()
            try await database.schema(WebhookDeliveryModel.schema)
                .id()
                .field(
                    "endpoint_id", .uuid, .required, .references(WebhookEndpointModel.schema, "id", onDelete: .cascade)
                )
                .field("event_type", .string, .required)
                .field("payload", .string, .required)
                .field("created_at", .datetime, .required)
                .field("attempts", .int, .required)
                .field("next_attempt_at", .datetime, .required)
                .field("claimed_until", .datetime)
                .field("delivered_at", .datetime)
                .field("failed_at", .datetime)
                .field("last_status", .int)
                .field("last_error", .string)
                .create()
            try await Indexes.create(
                "webhook_deliveries_due", on: WebhookDeliveryModel.schema,
                ["delivered_at", "failed_at", "next_attempt_at"], database)
            try await Indexes.create(
                "webhook_deliveries_endpoint", on: WebhookDeliveryModel.schema, ["endpoint_id", "created_at"], database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.transaction { database in
            try await database.schema(WebhookDeliveryModel.schema).delete()
            try await database.schema(WebhookEndpointModel.schema).delete()
            try await database.schema(APITokenModel.schema).delete()
        }
    }
}
