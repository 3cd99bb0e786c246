import Fluent
import Foundation
import SQLKit

/// Seals the audit log in hash chains: each entry records its chain (one per call, one general),
/// its place, the previous entry's hash and its own; `audit_chains` keeps each chain's head, moved
/// under a row lock so that concurrent writers never fork a chain. Entries written before this
/// migration stay unsealed and are reported as such by `guichet audit verify`.
struct CreateAuditChains: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            for (name, type) in [
                ("chain_key", DatabaseSchema.DataType.string), ("sequence", .int), ("previous_hash", .string),
                ("entry_hash", .string),
            ] {
                try await database.schema(AuditEntryModel.schema).field(.string(name), type).update()
            }
            try await Indexes.create(
                "audit_entries_chain", on: AuditEntryModel.schema, ["chain_key", "sequence"], unique: true, database)
            try await database.schema(AuditChainModel.schema)
                .id()
                .field("chain_key", .string, .required)
                .field("head_sequence", .int, .required)
                .field("head_hash", .string, .required)
                .field("started_at", .datetime, .required)
                .unique(on: "chain_key")
                .create()
            try await database.schema(PublicationModel.schema).field("audit_sequence", .int).update()
            try await database.schema(PublicationModel.schema).field("audit_hash", .string).update()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PublicationModel.schema).deleteField("audit_hash").update()
        try await database.schema(PublicationModel.schema).deleteField("audit_sequence").update()
        try await database.schema(AuditChainModel.schema).delete()
        try await Indexes.drop("audit_entries_chain", database)
        for name in ["entry_hash", "previous_hash", "sequence", "chain_key"] {
            try await database.schema(AuditEntryModel.schema).deleteField(.string(name)).update()
        }
    }
}

/// A chain's head (`audit_chains`): the last sequence and hash, and when the chain began.
final class AuditChainModel: Model, @unchecked Sendable {
    static let schema = "audit_chains"

    @ID(key: .id) var id: UUID?
    @Field(key: "chain_key") var chainKey: String
    @Field(key: "head_sequence") var headSequence: Int
    @Field(key: "head_hash") var headHash: String
    @Field(key: "started_at") var startedAt: Date

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $chainKey, $headSequence, $headHash, $startedAt] }

    init() {}
}
