import Foundation
import Testing

@testable import GuichetDomain

/// The chain's rules, with a toy hash: what is covered, how breaks are named.
@Suite struct AuditChainDomainTests {
    /// Not a cryptographic hash: enough to see that every field counts.
    static func hash(_ text: String) -> String {
        String(
            text.unicodeScalars.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1.value)) &* 1099511628211 },
            radix: 16)
    }

    static func entries(_ count: Int) -> [AuditEntry] {
        (0..<count).map {
            AuditEntry(
                at: Date(timeIntervalSince1970: 1_600_000_000 + Double($0)), actor: .system("Essai"), action: "file",
                entityType: "dossier", entityID: UUID(), from: "draft", to: "filed", reason: "n° \($0)")
        }
    }

    static func chain(_ entries: [AuditEntry]) -> [AuditChain.Link] {
        let seals = AuditChain.seal(entries, chain: "call:x", after: (0, AuditChain.genesis), hash: hash)
        return zip(entries, seals).map {
            AuditChain.Link(id: UUID(), sequence: $1.sequence, previousHash: $1.previousHash, hash: $1.hash, entry: $0)
        }
    }

    @Test func aSealedChainVerifies() {
        let links = Self.chain(Self.entries(5))
        #expect(links.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(links[0].previousHash == AuditChain.genesis && links[1].previousHash == links[0].hash)
        #expect(AuditChain.verify(chain: "call:x", links: links.shuffled(), head: 5, hash: Self.hash) == nil)
    }

    @Test func everyFieldIsCoveredAndBreaksAreNamed() {
        let links = Self.chain(Self.entries(6))
        var edited = links
        let e = links[2].entry
        edited[2] = AuditChain.Link(
            id: links[2].id, sequence: 3, previousHash: links[2].previousHash, hash: links[2].hash,
            entry: AuditEntry(
                at: e.at, actor: e.actor, action: e.action, entityType: e.entityType, entityID: e.entityID,
                from: e.from, to: "retained", reason: e.reason))
        #expect(
            AuditChain.verify(chain: "call:x", links: edited, head: 6, hash: Self.hash)
                == .edited(sequence: 3, id: links[2].id))
        #expect(
            AuditChain.verify(chain: "call:y", links: links, head: 6, hash: Self.hash)
                == .edited(sequence: 1, id: links[0].id))
        var deleted = links
        deleted.remove(at: 3)
        #expect(
            AuditChain.verify(chain: "call:x", links: deleted, head: 6, hash: Self.hash)
                == .deleted(before: 5, id: links[4].id))
        #expect(
            AuditChain.verify(chain: "call:x", links: Array(links.prefix(4)), head: 6, hash: Self.hash)
                == .truncated(expected: 6, found: 4))
        let stranger = UUID()
        #expect(
            AuditChain.verify(chain: "call:x", links: links, unsealed: [stranger], head: 6, hash: Self.hash)
                == .inserted(id: stranger))
        let copy = AuditChain.Link(
            id: UUID(), sequence: 2, previousHash: links[1].previousHash, hash: links[1].hash, entry: links[1].entry)
        #expect(AuditChain.verify(chain: "call:x", links: links + [copy], head: 6, hash: Self.hash) != nil)
    }
}
