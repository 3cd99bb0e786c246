import Foundation

/// Where a webhook may be sent: to the public Internet only, unless a deployment says otherwise.
///
/// An administrator types an address; Guichet's server then connects to it. Without this rule,
/// that address could be the server's own loopback, the cloud's metadata service
/// (169.254.169.254), or a machine of the private network behind the server — a request forged
/// on Guichet's behalf (SSRF). Every address a host name resolves to must be public.
public enum WebhookTarget {
    /// Whether an IP address (v4 or v6, as text) is public: not loopback, private, link-local,
    /// unique-local, shared (CGNAT), multicast, reserved or unspecified. IPv4 inside IPv6
    /// (`::ffff:a.b.c.d`, `64:ff9b::a.b.c.d`) is judged as IPv4. Unreadable text is not public.
    public static func isPublic(_ address: String) -> Bool {
        if let v4 = ipv4(address) { return isPublic(v4: v4) }
        guard let v6 = ipv6(address) else { return false }
        if v6[0..<10].allSatisfy({ $0 == 0 }), v6[10] == 0xff, v6[11] == 0xff {
            return isPublic(v4: Array(v6[12..<16]))
        }
        if v6[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] { return isPublic(v4: Array(v6[12..<16])) }
        if v6.allSatisfy({ $0 == 0 }) { return false }  // ::
        if v6[0..<15].allSatisfy({ $0 == 0 }) && v6[15] == 1 { return false }  // ::1
        if v6[0] & 0xfe == 0xfc { return false }  // fc00::/7 unique local
        if v6[0] == 0xfe && v6[1] & 0xc0 == 0x80 { return false }  // fe80::/10 link local
        if v6[0] == 0xff { return false }  // multicast
        if v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x0d && v6[3] == 0xb8 { return false }  // documentation
        return true
    }

    /// Checks the addresses a webhook's host resolves to.
    /// - Throws: ``DomainError/invalidForm(errors:)`` on `url`: no address, or one that is not public.
    public static func check(host: String, addresses: [String], allowPrivate: Bool) throws(DomainError) {
        guard !addresses.isEmpty else {
            throw .invalidForm(errors: ["url": "L'adresse « \(host) » est introuvable : vérifiez le nom du serveur."])
        }
        guard allowPrivate || addresses.allSatisfy(isPublic) else {
            throw .invalidForm(errors: [
                "url":
                    "L'adresse « \(host) » mène à un réseau local ou privé : Guichet n'envoie ses événements qu'à des serveurs publics."
            ])
        }
    }

    private static func isPublic(v4 b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): return false
        case (100, 64...127): return false  // shared address space (CGNAT)
        case (169, 254): return false  // link local, cloud metadata
        case (172, 16...31): return false
        case (192, 168): return false
        case (192, 0) where b[2] == 0 || b[2] == 2: return false
        case (198, 18...19): return false  // benchmarking
        case (198, 51) where b[2] == 100, (203, 0) where b[2] == 113: return false
        case (224...255, _): return false  // multicast, reserved, broadcast
        default: return true
        }
    }

    static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit), let value = UInt8(part) else {
                return nil
            }
            bytes.append(value)
        }
        return bytes
    }

    static func ipv6(_ raw: String) -> [UInt8]? {
        var text = raw
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        guard text.contains(":") else { return nil }
        var tail: [UInt8] = []
        // A trailing IPv4 part (`::ffff:10.0.0.1`).
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard let v4 = ipv4(String(text[text.index(after: lastColon)...])) else { return nil }
            tail = v4
            text = String(text[...lastColon]) + (text[...lastColon].hasSuffix("::") ? "" : "0:0")
            if text.hasSuffix(":0:0") { text.removeLast(4) }
        }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var out: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                out.append(value)
            }
            return out
        }
        guard let head = groups(halves[0]), let rest = halves.count == 2 ? groups(halves[1]) : [] else { return nil }
        let needed = 8 - tail.count / 2
        var all: [UInt16]
        if halves.count == 2 {
            guard head.count + rest.count < needed + 1 else { return nil }
            all = head + Array(repeating: 0, count: needed - head.count - rest.count) + rest
        } else {
            all = head
        }
        guard all.count == needed else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] } + tail
    }
}
