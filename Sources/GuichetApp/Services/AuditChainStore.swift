import Crypto
import Fluent
import Foundation
import GuichetDomain
import SQLKit

/// Seals audit entries in their chain as they are written, and reads chains back to verify them.
///
/// A chain's head lives in `audit_chains`; appending moves it with `UPDATE … RETURNING` inside
/// the writer's transaction, so the row stays locked until commit and two writers (two instances,
/// two requests) take consecutive places, never the same one.
enum AuditChainStore {
    static let general = "general"

    static func sha256(_ text: String) -> String {
        Hex.string(SHA256.hash(data: Data(text.utf8)))
    }

    static func key(call id: UUID) -> String { "call:\(id.uuidString.lowercased())" }

    /// The chain each entry belongs to: its call's for dossiers, calls, envelopes and committee
    /// sessions, the general chain for the rest (accounts, organisations).
    static func chainKeys(for entries: [AuditEntryModel], on db: any Database) async throws -> [String] {
        func ids(_ type: String) -> [UUID] { Array(Set(entries.filter { $0.entityType == type }.map(\.entityID))) }
        var calls: [UUID: UUID] = [:]
        let sql = try db.sql()
        // Each entity's call, read as two columns, a bounded list at a time (an import seals
        // hundreds of thousands of entries at once).
        for (table, type) in [
            (DossierModel.schema, "dossier"), (CommitteeSessionModel.schema, "committee_session"),
            (EnvelopeModel.schema, "envelope"),
        ] {
            for chunk in ids(type).chunked(5_000) {
                let rows = try await sql.select().column("id").column("call_id").from(table)
                    .where("id", .in, SQLBind.group(chunk)).all()
                for row in rows {
                    calls[try row.decode(column: "id", as: UUID.self)] = try row.decode(
                        column: "call_id", as: UUID.self)
                }
            }
        }
        return entries.map { entry in
            if entry.entityType == "call" { return key(call: entry.entityID) }
            return calls[entry.entityID].map { key(call: $0) } ?? general
        }
    }

    /// Seals entries before they are inserted (in the caller's transaction): each gets its
    /// chain, place, previous hash and hash. Entries already sealed are left as they are.
    static func seal(_ entries: [AuditEntryModel], on db: any Database) async throws {
        let pending = entries.filter { $0.entryHash == nil }
        guard !pending.isEmpty else { return }
        // Times are kept to the millisecond, as the hash reads them, whatever the database stores.
        for entry in pending {
            entry.at = Date(timeIntervalSince1970: (entry.at.timeIntervalSince1970 * 1000).rounded() / 1000)
        }
        let keys = try await chainKeys(for: pending, on: db)
        var order: [String] = []
        var groups: [String: [AuditEntryModel]] = [:]
        for (entry, key) in zip(pending, keys) {
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(entry)
        }
        let sql = try db.sql()
        for key in order {
            guard let group = groups[key] else { continue }
            try await sql.insert(into: AuditChainModel.schema)
                .columns("id", "chain_key", "head_sequence", "head_hash", "started_at")
                .values(SQLBind(UUID()), SQLBind(key), SQLBind(0), SQLBind(AuditChain.genesis), SQLBind(group[0].at))
                .ignoringConflicts(with: "chain_key").run()
            // Moving the head locks the chain's row until the transaction ends.
            struct Head: Decodable {
                let head_sequence: Int
                let head_hash: String
            }
            guard
                let moved = try await sql.update(AuditChainModel.schema)
                    .set(
                        SQLIdentifier("head_sequence"),
                        to: SQLBinaryExpression(SQLIdentifier("head_sequence"), .add, SQLBind(group.count))
                    )
                    .where("chain_key", .equal, SQLBind(key))
                    .returning("head_sequence", "head_hash").first(decoding: Head.self)
            else { continue }
            let start = moved.head_sequence - group.count
            let seals = AuditChain.seal(group.map(\.domain), chain: key, after: (start, moved.head_hash), hash: sha256)
            for (entry, seal) in zip(group, seals) {
                entry.chainKey = key
                entry.sequence = seal.sequence
                entry.previousHash = seal.previousHash
                entry.entryHash = seal.hash
            }
            if let last = seals.last {
                try await sql.update(AuditChainModel.schema).set("head_hash", to: SQLBind(last.hash))
                    .where("chain_key", .equal, SQLBind(key)).run()
            }
        }
    }

    /// A chain's head now: what a publication records.
    static func head(_ key: String, on db: any Database) async throws -> (sequence: Int, hash: String)? {
        try await AuditChainModel.query(on: db).filter(\.$chainKey == key).first().map {
            ($0.headSequence, $0.headHash)
        }
    }

    /// Verifies a chain: its sealed entries, the unsealed ones written since it began, its head.
    static func verify(
        _ key: String, on db: any Database
    ) async throws -> (entries: Int, legacy: Int, head: (Int, String)?, problem: AuditChain.Break?) {
        let chain = try await AuditChainModel.query(on: db).filter(\.$chainKey == key).first()
        let sealed = try await AuditEntryModel.query(on: db).filter(\.$chainKey == key).all()
        let links = sealed.compactMap { row -> AuditChain.Link? in
            guard let id = row.id, let sequence = row.sequence, let previous = row.previousHash,
                let hash = row.entryHash
            else { return nil }
            return AuditChain.Link(id: id, sequence: sequence, previousHash: previous, hash: hash, entry: row.domain)
        }
        // Unsealed entries of this chain: written before chaining began (legacy), or since (inserted).
        let unsealed = try await AuditEntryModel.query(on: db).filter(\.$chainKey == nil).all()
        let keys = try await chainKeys(for: unsealed, on: db)
        let mine = zip(unsealed, keys).filter { $0.1 == key }.map(\.0)
        let inserted = mine.filter { entry in chain.map { entry.at >= $0.startedAt } ?? false }.compactMap(\.id)
        let problem = AuditChain.verify(
            chain: key, links: links, unsealed: inserted, head: chain?.headSequence, hash: sha256)
        return (links.count, mine.count - inserted.count, chain.map { ($0.headSequence, $0.headHash) }, problem)
    }
}
