import Foundation
import GuichetDomain
import Testing

@Suite struct RetentionPolicyTests {
    @Test func defaultsAreTheRegisteredDurationsAndZeroKeepsForever() throws {
        let policy = try RetentionPolicy.from([
            "GUICHET_RETENTION_DRAFTS_DAYS": "30", "GUICHET_RETENTION_MAIL_DAYS": "0",
        ])
        let now = Date(timeIntervalSince1970: 2_000_000_000)
        #expect(policy.cutoff(.drafts, now: now) == now.addingTimeInterval(-30 * 86_400))
        #expect(policy.cutoff(.mail, now: now) == nil)
        #expect(policy.cutoff(.refusedDossiers, now: now) == now.addingTimeInterval(-5 * 365 * 86_400))
        #expect(policy.days[.accounts] == 3 * 365)
        #expect(RetentionPolicy.Kind.loginAttempts.variable == "GUICHET_RETENTION_LOGIN_ATTEMPTS_DAYS")
    }

    @Test func aValueThatIsNotADayCountIsRefusedWithItsVariable() {
        for value in ["-1", "trente", "36501", "1.5"] {
            #expect(throws: RetentionError(variable: "GUICHET_RETENTION_ACCOUNTS_DAYS", value: value)) {
                try RetentionPolicy.from(["GUICHET_RETENTION_ACCOUNTS_DAYS": value])
            }
        }
    }
}
