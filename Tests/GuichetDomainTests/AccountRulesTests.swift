import Foundation
import Testing

@testable import GuichetDomain

@Suite struct AccountRulesTests {
    @Test(arguments: ["a@b.fr", " Marie.Dupont@Asso-Exemple.org ", "x+tag@sous.domaine.fr"])
    func validAddressesAreNormalised(text: String) throws {
        let email = try EmailAddress(text)
        #expect(email.value == text.trimmingCharacters(in: .whitespaces).lowercased())
    }

    @Test(arguments: ["", "pas-une-adresse", "a@b", "a@.fr", "a b@c.fr", "@b.fr", "a@b..fr", "a@b.fr.", "<a@b.fr>"])
    func invalidAddressesAreRefused(text: String) {
        #expect(throws: DomainError.self) { try EmailAddress(text) }
    }

    @Test func passwordsNeedTwelveCharactersAndAMatchingConfirmation() throws {
        try PasswordPolicy.check("douze lettres", confirmation: "douze lettres")
        #expect(throws: DomainError.self) { try PasswordPolicy.check("onze lettre", confirmation: "onze lettre") }
        #expect(throws: DomainError.self) { try PasswordPolicy.check("douze lettres", confirmation: "douze lettreS") }
        let long = String(repeating: "é", count: 37)  // 74 bytes
        #expect(throws: DomainError.self) { try PasswordPolicy.check(long, confirmation: long) }
    }

    @Test func failuresAreFreeThenEachDoublesTheWait() {
        let start = Date(timeIntervalSince1970: 1_000_000)
        var throttle = LoginThrottle(windowStart: start)
        for i in 1..<LoginThrottle.freeFailures {
            throttle = throttle.failing(at: start.addingTimeInterval(Double(i)))
            #expect(throttle.waitUntil(now: start.addingTimeInterval(Double(i))) == nil)
        }
        let fifth = start.addingTimeInterval(10)
        throttle = throttle.failing(at: fifth)
        #expect(throttle.waitUntil(now: fifth) == fifth.addingTimeInterval(30))
        let sixth = fifth.addingTimeInterval(31)
        throttle = throttle.failing(at: sixth)
        #expect(throttle.waitUntil(now: sixth) == sixth.addingTimeInterval(60))
        // Never more than an hour.
        for i in 0..<30 { throttle = throttle.failing(at: sixth.addingTimeInterval(Double(i))) }
        #expect(throttle.blockedUntil! <= sixth.addingTimeInterval(29 + 3600))
    }

    @Test func oldFailuresAreForgottenAfterTheWindow() {
        let start = Date(timeIntervalSince1970: 1_000_000)
        var throttle = LoginThrottle(windowStart: start)
        for _ in 0..<3 { throttle = throttle.failing(at: start) }
        let later = start.addingTimeInterval(LoginThrottle.window + 1)
        throttle = throttle.failing(at: later)
        #expect(throttle.failures == 1)
        #expect(throttle.windowStart == later)
    }
}
