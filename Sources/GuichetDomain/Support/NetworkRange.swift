import Foundation

/// An IP address range written `203.0.113.7`, `10.0.0.0/8` or `2001:db8::/32`: the proxies a
/// deployment trusts to say who the client is.
public struct NetworkRange: Sendable, Equatable {
    let bytes: [UInt8]
    let prefix: Int

    /// Reads a range; `nil` when the text is not one.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let bytes = WebhookTarget.ipv4(first) ?? WebhookTarget.ipv6(first) else {
            return nil
        }
        let width = bytes.count * 8
        let prefix = parts.count == 2 ? Int(parts[1]) : width
        guard let prefix, (0...width).contains(prefix) else { return nil }
        self.bytes = bytes
        self.prefix = prefix
    }

    /// Whether an address lies in the range.
    public func contains(_ address: String) -> Bool {
        guard let other = WebhookTarget.ipv4(address) ?? WebhookTarget.ipv6(address), other.count == bytes.count else {
            return false
        }
        var bits = prefix
        for (a, b) in zip(bytes, other) {
            guard bits > 0 else { return true }
            let mask: UInt8 = bits >= 8 ? 0xff : UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if a & mask != b & mask { return false }
            bits -= 8
        }
        return true
    }

    /// The client of a request: the peer itself, unless the peer is a trusted proxy; then the
    /// nearest address of `X-Forwarded-For` (read from the right) that is not a trusted proxy.
    /// A header from an untrusted peer is ignored: anyone can write one.
    public static func client(peer: String, forwardedFor: [String], trusted: [NetworkRange]) -> String {
        guard trusted.contains(where: { $0.contains(peer) }) else { return peer }
        let chain = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        for address in chain.reversed() where !trusted.contains(where: { $0.contains(address) }) {
            return address
        }
        return chain.first ?? peer
    }
}
