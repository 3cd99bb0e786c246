import Fluent

/// Accounts, single-use tokens, login throttling and the mail outbox.
struct CreateAccounts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            try await database.schema(UserModel.schema)
                .id()
                .field("email", .string, .required)
                .field("password_hash", .string, .required)
                .field("display_name", .string, .required)
                .field("role", .string, .required)
                .field("email_verified_at", .datetime)
                .field("created_at", .datetime)
                .unique(on: "email")
                .create()
            try await database.schema(UserTokenModel.schema)
                .id()
                .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
                .field("purpose", .string, .required)
                .field("token_hash", .string, .required)
                .field("expires_at", .datetime, .required)
                .field("used_at", .datetime)
                .field("created_at", .datetime)
                .unique(on: "token_hash")
                .create()
            try await database.schema(LoginAttemptModel.schema)
                .id()
                .field("key", .string, .required)
                .field("failures", .int, .required)
                .field("window_start", .datetime, .required)
                .field("blocked_until", .datetime)
                .unique(on: "key")
                .create()
            try await database.schema(OutboxMessageModel.schema)
                .id()
                .field("to_address", .string, .required)
                .field("subject", .string, .required)
                .field("body_text", .string, .required)
                .field("kind", .string, .required)
                .field("attempts", .int, .required)
                .field("next_attempt_at", .datetime, .required)
                .field("locked_until", .datetime)
                .field("sent_at", .datetime)
                .field("last_error", .string)
                .field("created_at", .datetime)
                .create()
            try await Indexes.create(
                "outbox_pending", on: OutboxMessageModel.schema, ["sent_at", "next_attempt_at"], database)
            try await Indexes.create("user_tokens_user", on: UserTokenModel.schema, ["user_id", "purpose"], database)
        }
    }

    func revert(on database: any Database) async throws {
        for schema in [OutboxMessageModel.schema, LoginAttemptModel.schema, UserTokenModel.schema, UserModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}
