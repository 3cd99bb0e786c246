import Foundation
import Testing

@testable import GuichetDomain

/// Webhooks go to the public Internet only.
@Suite struct WebhookTargetTests {
    @Test(arguments: [
        ("93.184.216.34", true), ("8.8.8.8", true), ("2606:4700:4700::1111", true), ("2a00:1450:4007:80e::200e", true),
        ("127.0.0.1", false), ("127.8.9.10", false), ("10.1.2.3", false), ("172.16.0.1", false),
        ("172.31.255.255", false),
        ("172.32.0.1", true), ("192.168.1.1", false), ("169.254.169.254", false), ("100.64.0.1", false),
        ("0.0.0.0", false),
        ("224.0.0.1", false), ("255.255.255.255", false), ("::1", false), ("::", false), ("fe80::1", false),
        ("fc00::1", false),
        ("fd00:ec2::254", false), ("ff02::1", false), ("::ffff:127.0.0.1", false), ("::ffff:93.184.216.34", true),
        ("64:ff9b::10.0.0.1", false), ("[::1]", false), ("fe80::1%eth0", false), ("2001:db8::1", false),
        ("pas une adresse", false), ("300.1.1.1", false), ("1.2.3", false), ("1:2:3:4:5:6:7:8:9", false),
    ])
    func onlyPublicAddressesArePublic(address: String, isPublic: Bool) {
        #expect(WebhookTarget.isPublic(address) == isPublic, "\(address)")
    }

    @Test func aHostIsAcceptedOnlyWhenEveryAddressIsPublic() {
        #expect(throws: Never.self) {
            try WebhookTarget.check(host: "recepteur.example", addresses: ["93.184.216.34"], allowPrivate: false)
        }
        #expect(throws: DomainError.self) {
            try WebhookTarget.check(host: "x", addresses: ["93.184.216.34", "10.0.0.1"], allowPrivate: false)
        }
        #expect(throws: DomainError.self) { try WebhookTarget.check(host: "x", addresses: [], allowPrivate: true) }
        #expect(throws: Never.self) { try WebhookTarget.check(host: "x", addresses: ["10.0.0.1"], allowPrivate: true) }
    }
}
