import Fluent

/// Files kept in the database (`stored_files`) when ``AppConfiguration/fileStore`` says so — the
/// default on PostgreSQL, where several instances share one database and no disk: attachments
/// and messages' files, under their SHA-256, written once.
struct CreateStoredFiles: AsyncMigration {
    static let table = "stored_files"

    func prepare(on database: any Database) async throws {
        try await database.schema(Self.table)
            .field("sha256", .string, .identifier(auto: false))
            .field("bytes", .data, .required)
            .field("size_bytes", .int64, .required)
            .field("quarantined", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Self.table).delete()
    }
}
