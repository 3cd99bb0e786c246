import Foundation
import Testing

@testable import GuichetDomain

@Suite struct MoneyTests {
    @Test(arguments: [
        (Int64(440_000_000), "4 400 000 €"),
        (Int64(123_456), "1 234,56 €"),
        (Int64(5), "0,05 €"),
        (Int64(0), "0 €"),
        (Int64(10_000_000_000), "100 000 000 €"),
    ])
    func fullFormatIsFrench(cents: Int64, expected: String) throws {
        #expect(try Money(cents: cents).formatted(.full) == expected)
    }

    @Test(arguments: [
        (Int64(440_000_000), "4,4 M€"),
        (Int64(660_000_000), "6,6 M€"),
        (Int64(10_000_000_000), "100 M€"),
        (Int64(3_333_333_333), "33,3 M€"),
        (Int64(435_000_000), "4,4 M€"),
        (Int64(45_000_000), "450 000 €"),
    ])
    func compactFormatUsesMillions(cents: Int64, expected: String) throws {
        #expect(try Money(cents: cents).formatted(.compact) == expected)
    }

    @Test func negativeAmountIsRefused() {
        #expect(throws: DomainError.negativeAmount(-1)) { try Money(cents: -1) }
    }

    @Test func overflowingSumIsRefused() throws {
        let big = try Money(cents: Int64.max - 1)
        #expect(throws: DomainError.amountOverflow) { try big.adding(Money(cents: 2)) }
        #expect(throws: DomainError.amountOverflow) { try Money(euros: Int64.max / 10) }
    }

    @Test(arguments: [
        ("12500", Int64(1_250_000)), ("12 500", 1_250_000), ("12 500,50", 1_250_050),
        ("12500.5", 1_250_050), ("4 400 000 €", 440_000_000), ("0,07", 7),
    ])
    func parsesWhatPeopleType(text: String, cents: Int64) throws {
        #expect(try Money.parse(text).cents == cents)
    }

    @Test(arguments: ["abc", "12,345", "1,2,3", "", "12e3", "€"])
    func refusesWhatIsNotAnAmount(text: String) {
        #expect(throws: DomainError.self) { try Money.parse(text) }
    }

    @Test func parsingRefusesNegativeAndAbsurdAmounts() {
        #expect(throws: DomainError.negativeAmount(-1)) { try Money.parse("-5") }
        #expect(throws: DomainError.amountOverflow) { try Money.parse("99999999999999999999") }
    }

    @Test func thirdsAddUpToTheWhole() throws {
        let plan = Fixtures.euros(100_000_000)
        let national = try plan.share(1, of: 3)
        let regional = try #require(plan.subtracting(national))
        #expect(national.cents == 3_333_333_333)
        #expect(regional.cents == 6_666_666_667)
        #expect(try national.adding(regional) == plan)
    }
}
