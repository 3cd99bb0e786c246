import Foundation
import Testing

@testable import GuichetDomain

/// After the decision: the act a grant needs, how it is paid, and the rules of its payments and
/// of the money claimed back.
@Suite struct GrantTests {
    private func euros(_ value: Int64) throws -> Money { try Money(euros: value) }

    private func day(_ iso: String) throws -> Date { try #require(ParisTime.day(iso)) }

    @Test func aConventionIsNeededStrictlyAbove23000Euros() throws {
        let rule = GrantActRule.statutory
        #expect(rule.kind(for: try euros(23_000)) == .arrete)
        #expect(rule.kind(for: try Money(cents: 2_300_001)) == .convention)
        #expect(rule.kind(for: try euros(1)) == .arrete)
        // A call may ask for a convention more often, never less often than the law.
        let always = try GrantActRule(conventionAbove: .zero)
        #expect(always.kind(for: try euros(1)) == .convention)
        #expect(throws: DomainError.self) { try GrantActRule(conventionAbove: try self.euros(30_000)) }
        #expect(GrantActKind.convention.label == "convention")
    }

    @Test func aScheduleAddsUpToTheGrant() throws {
        let granted = try euros(40_000)
        let single = try PaymentSchedule.single(granted: granted)
        #expect(single.instalments.map(\.amount) == [granted])
        #expect(single.openDataTerms == .unique)
        let staggered = try PaymentSchedule.advanceAndBalance(granted: try Money(cents: 3_333_333), percent: 70)
        #expect(staggered.instalments.map(\.amount.cents) == [2_333_333, 1_000_000])
        #expect(staggered.instalments.map(\.condition) == [.actSigned, .reportValidated])
        #expect(staggered.openDataTerms == .staggered)
        // Refused: not adding up, a zero instalment, none, too many, an advance of 100 %.
        let half = try euros(20_000)
        let zeroSecond = [
            Instalment(label: "Avance", amount: half, condition: .actSigned),
            Instalment(label: "Solde", amount: .zero, condition: .reportValidated),
        ]
        let cent = try Money(cents: 1)
        let thirteen = Array(repeating: Instalment(label: "Mois", amount: cent, condition: .actSigned), count: 13)
        let blank = [Instalment(label: "  ", amount: granted, condition: .actSigned)]
        let short = [Instalment(label: "Avance", amount: half, condition: .actSigned)]
        try refused { try PaymentSchedule(granted: granted, instalments: short) }
        try refused { try PaymentSchedule(granted: half, instalments: zeroSecond) }
        try refused { try PaymentSchedule(granted: granted, instalments: []) }
        try refused { try PaymentSchedule(granted: try Money(cents: 13), instalments: thirteen) }
        try refused { try PaymentSchedule.advanceAndBalance(granted: granted, percent: 100) }
        try refused { try PaymentSchedule(granted: granted, instalments: blank) }
    }

    /// The schedule `make` builds is refused as an invalid schedule, with a French message.
    private func refused(_ make: () throws -> PaymentSchedule) throws {
        do {
            _ = try make()
            Issue.record("a schedule that does not hold together was accepted")
        } catch let error as DomainError {
            #expect(error.code == "invalid_schedule")
            #expect(error.message.hasPrefix("Subvention : "))
        }
    }

    @Test func paymentsNeverExceedTheGrantNorRepeatAMandate() throws {
        let (july, march) = (try day("2021-07-01"), try day("2022-03-01"))
        let (advance, balance, tooMuch, one) = (try euros(21_000), try euros(9_000), try euros(9_001), try euros(1))
        var account = try GrantAccount(granted: try euros(30_000))
        try account.record(GrantPayment(day: july, amount: advance, reference: "MDT-2021 0042"))
        #expect(account.paid == advance)
        #expect(account.leftToPay == balance)
        // Above what is left: refused, nothing recorded.
        do {
            try account.record(GrantPayment(day: march, amount: tooMuch, reference: "MDT-2022 7"))
            Issue.record("a payment above what is left was recorded")
        } catch {
            #expect(error == .paymentAboveRemaining(amount: tooMuch, remaining: balance))
            #expect(error.message.contains("9 000 €"))
        }
        // The same mandate written differently: refused.
        do {
            try account.record(GrantPayment(day: march, amount: one, reference: " mdt-2021  0042"))
            Issue.record("a mandate was recorded twice")
        } catch {
            #expect(error.code == "payment_reference_taken")
        }
        #expect(throws: DomainError.self) {
            try account.record(GrantPayment(day: march, amount: .zero, reference: "MDT-3"))
        }
        #expect(throws: DomainError.self) {
            try account.record(GrantPayment(day: march, amount: one, reference: "  "))
        }
        #expect(account.payments.count == 1)
        try account.record(GrantPayment(day: march, amount: balance, reference: "MDT-2022 0007"))
        #expect(account.leftToPay == .zero)
        // An account read back from its rows checks them the same way.
        let ten = try euros(10), eleven = try euros(11)
        #expect(throws: DomainError.self) {
            try GrantAccount(granted: ten, payments: [GrantPayment(day: july, amount: eleven, reference: "A")])
        }
    }

    @Test func unspentMoneyIsClaimedBackNeverAboveWhatWasPaid() throws {
        let (july, september) = (try day("2021-07-01"), try day("2022-09-01"))
        let (paid, spent, claimed, tooMuch) = (
            try euros(28_000), try euros(25_000), try euros(3_000), try euros(25_001)
        )
        var account = try GrantAccount(granted: try euros(40_000))
        try account.record(GrantPayment(day: july, amount: paid, reference: "MDT-1"))
        // The report shows 25 000 € spent: 3 000 € to claim back, nothing more to pay.
        #expect(account.toRecover(spent: spent) == claimed)
        #expect(account.leftToPay(spent: spent) == .zero)
        // Spent 35 000 €: nothing to claim back, 7 000 € of balance to pay (not the 12 000 € granted).
        #expect(account.toRecover(spent: try euros(35_000)) == .zero)
        #expect(account.leftToPay(spent: try euros(35_000)) == (try euros(7_000)))
        #expect(account.leftToPay(spent: try euros(50_000)) == (try euros(12_000)))
        try account.record(GrantRecovery(day: september, amount: claimed, reference: "TR-2022-12"))
        #expect(account.recovered == claimed)
        #expect(account.toRecover(spent: spent) == .zero)
        // Above what was paid and not yet claimed back: refused.
        do {
            try account.record(GrantRecovery(day: september, amount: tooMuch, reference: "TR-2"))
            Issue.record("a recovery above the payments was recorded")
        } catch {
            // 28 000 € paid, 3 000 € already claimed back: 25 000 € could still be.
            #expect(error == .recoveryAbovePaid(amount: tooMuch, recoverable: try euros(25_000)))
            #expect(error.code == "recovery_above_paid")
        }
        #expect(account.recoveries.count == 1)
    }
}
