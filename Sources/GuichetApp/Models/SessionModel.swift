import Fluent
import Foundation

/// A signed-in person's or a visitor's session (`sessions`): what the cookie names, stored by the
/// SHA-256 of the cookie (a copy of the table opens no session), with its owner and its times.
final class SessionModel: Model, @unchecked Sendable {
    static let schema = "sessions"

    @ID(key: .id) var id: UUID?
    /// SHA-256 of the cookie's value, hexadecimal.
    @Field(key: "key_hash") var keyHash: String
    /// The session's data, JSON.
    @Field(key: "data") var data: String
    /// Who is signed in with it, if anyone: their sessions end together (password reset, closure).
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "seen_at") var seenAt: Date

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $keyHash, $data, $userID, $createdAt, $seenAt] }

    init() {}
}

/// Sessions of Guichet's own, replacing the framework's table: expiry, owner, hashed keys.
struct CreateSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            try await database.schema(SessionModel.schema)
                .id()
                .field("key_hash", .string, .required)
                .field("data", .string, .required)
                .field("user_id", .uuid)
                .field("created_at", .datetime, .required)
                .field("seen_at", .datetime, .required)
                .unique(on: "key_hash")
                .create()
            try await Indexes.create("sessions_user", on: SessionModel.schema, ["user_id"], database)
            try await Indexes.create("sessions_seen", on: SessionModel.schema, ["seen_at"], database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SessionModel.schema).delete()
    }
}
