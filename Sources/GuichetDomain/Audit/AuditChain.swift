import Foundation

/// The audit log as hash chains: each entry carries the hash of the one before it in its chain
/// (one chain per call, one for everything else), so that editing, deleting or inserting a row
/// breaks the chain at that row — and a published version shows the chain's head, so that anyone
/// can check the log against it later.
///
/// The hash function is the caller's (SHA-256 in the app): the domain stays Foundation-only and
/// states only what is hashed and how a chain is read.
public enum AuditChain {
    /// The `previous` of a chain's first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// One sealed entry as stored.
    public struct Link: Sendable, Equatable {
        public let id: UUID
        public let sequence: Int
        public let previousHash: String
        public let hash: String
        public let entry: AuditEntry

        public init(id: UUID, sequence: Int, previousHash: String, hash: String, entry: AuditEntry) {
            self.id = id
            self.sequence = sequence
            self.previousHash = previousHash
            self.hash = hash
            self.entry = entry
        }
    }

    /// Where a chain breaks, the first place only (what follows a break cannot be trusted).
    public enum Break: Sendable, Equatable, CustomStringConvertible {
        /// The entry's content no longer matches its hash.
        case edited(sequence: Int, id: UUID)
        /// Entries are missing before this one (a gap in the sequence, or a link to a hash no
        /// entry has).
        case deleted(before: Int, id: UUID)
        /// The last entries are missing: the chain's recorded head is further on.
        case truncated(expected: Int, found: Int)
        /// An entry belongs to no place in the chain (written after the chain began, unsealed, or
        /// repeating a position).
        case inserted(id: UUID)

        public var description: String {
            switch self {
            case .edited(let sequence, let id):
                "entrée n° \(sequence) (\(id.uuidString.lowercased())) modifiée : son contenu ne correspond plus à son empreinte"
            case .deleted(let before, let id):
                "entrée(s) supprimée(s) avant l'entrée n° \(before) (\(id.uuidString.lowercased()))"
            case .truncated(let expected, let found):
                "entrée(s) supprimée(s) en fin de journal : \(expected) attendue(s), \(found) trouvée(s)"
            case .inserted(let id): "entrée \(id.uuidString.lowercased()) insérée hors de la chaîne"
            }
        }
    }

    /// The text an entry's hash covers: its place in the chain, the previous hash and every field,
    /// one per line, times to the millisecond in UTC.
    public static func canonicalText(chain: String, sequence: Int, previousHash: String, entry: AuditEntry) -> String {
        let milliseconds = Int64((entry.at.timeIntervalSince1970 * 1000).rounded())
        return [
            "guichet-audit/1", chain, String(sequence), previousHash, String(milliseconds),
            entry.actor.id?.uuidString.lowercased() ?? "", entry.actor.name, entry.actor.role.rawValue,
            entry.action, entry.entityType, entry.entityID.uuidString.lowercased(),
            entry.from ?? "∅", entry.to ?? "∅", entry.reason ?? "∅",
        ].map { field in
            // Most fields need no escape: checking first spares a copy of each (imports seal
            // hundreds of thousands of entries).
            guard field.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") }) else {
                return field
            }
            return field.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
        }
        .joined(separator: "\n")
    }

    /// Seals entries appended to a chain whose head is `head`: each gets the next sequence, the
    /// previous hash and its own.
    public static func seal(
        _ entries: [AuditEntry], chain: String, after head: (sequence: Int, hash: String),
        hash: (String) -> String
    ) -> [(sequence: Int, previousHash: String, hash: String)] {
        var sequence = head.sequence
        var previous = head.hash
        return entries.map { entry in
            sequence += 1
            let own = hash(canonicalText(chain: chain, sequence: sequence, previousHash: previous, entry: entry))
            defer { previous = own }
            return (sequence, previous, own)
        }
    }

    /// Reads a chain and finds its first break.
    /// - Parameters:
    ///   - links: the chain's sealed entries, in any order.
    ///   - unsealed: entries of the chain written without a seal after the chain began.
    ///   - head: the chain's recorded head (sequence), if any.
    /// - Returns: the first break, or `nil` when the chain is whole.
    public static func verify(
        chain: String, links: [Link], unsealed: [UUID] = [], head: Int?,
        hash: (String) -> String
    ) -> Break? {
        if let first = unsealed.first { return .inserted(id: first) }
        let sorted = links.sorted { ($0.sequence, $0.id.uuidString) < ($1.sequence, $1.id.uuidString) }
        var expected = 1
        var previous = genesis
        for link in sorted {
            if link.sequence < expected { return .inserted(id: link.id) }
            if link.sequence > expected || link.previousHash != previous {
                return .deleted(before: link.sequence, id: link.id)
            }
            let computed = hash(
                canonicalText(chain: chain, sequence: link.sequence, previousHash: link.previousHash, entry: link.entry)
            )
            if computed != link.hash { return .edited(sequence: link.sequence, id: link.id) }
            previous = link.hash
            expected += 1
        }
        if let head, head > expected - 1 { return .truncated(expected: head, found: expected - 1) }
        return nil
    }
}
