import Foundation
import Testing

@testable import GuichetDomain

/// Trusted proxies and the client behind them.
@Suite struct NetworkRangeTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.200.3.4", true), ("10.0.0.0/8", "11.0.0.1", false), ("192.168.1.7", "192.168.1.7", true),
        ("192.168.1.7", "192.168.1.8", false), ("172.16.0.0/12", "172.31.1.1", true),
        ("172.16.0.0/12", "172.32.0.1", false),
        ("2001:db8::/32", "2001:db8:1::5", true), ("2001:db8::/32", "2001:db9::5", false),
        ("0.0.0.0/0", "8.8.8.8", true),
        ("10.0.0.0/8", "::1", false),
    ])
    func aRangeContainsItsAddresses(range: String, address: String, inside: Bool) throws {
        #expect(try #require(NetworkRange(range)).contains(address) == inside)
    }

    @Test func unreadableRangesAreRefused() {
        for text in ["", "10.0.0.0/33", "abc", "10.0.0/8", "::1/129"] { #expect(NetworkRange(text) == nil, "\(text)") }
    }

    @Test func theClientIsReadFromTheRightBehindTrustedProxiesOnly() throws {
        let proxies = [try #require(NetworkRange("10.0.0.0/8"))]
        // An untrusted peer's header is ignored: anyone can forge one.
        #expect(NetworkRange.client(peer: "203.0.113.9", forwardedFor: ["1.2.3.4"], trusted: proxies) == "203.0.113.9")
        // Behind the proxy: the nearest untrusted address, not a forged first entry.
        #expect(
            NetworkRange.client(peer: "10.0.0.2", forwardedFor: ["6.6.6.6, 198.51.100.4"], trusted: proxies)
                == "198.51.100.4")
        #expect(
            NetworkRange.client(peer: "10.0.0.2", forwardedFor: ["198.51.100.4", "10.0.0.3"], trusted: proxies)
                == "198.51.100.4")
        #expect(NetworkRange.client(peer: "10.0.0.2", forwardedFor: [], trusted: proxies) == "10.0.0.2")
    }
}
