import Foundation

/// An exact amount of money in euro cents.
///
/// Money is never a floating-point number: every amount is an `Int64` count of cents, and every
/// arithmetic operation that could overflow says so with ``DomainError/amountOverflow`` instead of
/// trapping. Amounts handled by a call are never negative, so the checked initialiser refuses them.
public struct Money: Hashable, Comparable, Sendable, Codable {
    /// The amount in euro cents.
    public let cents: Int64

    /// Zero euros.
    public static let zero = Money(uncheckedCents: 0)

    /// Creates an amount from cents, refusing negative values.
    /// - Throws: ``DomainError/negativeAmount(_:)`` when `cents` is below zero.
    public init(cents: Int64) throws(DomainError) {
        guard cents >= 0 else { throw .negativeAmount(cents) }
        self.cents = cents
    }

    /// Creates an amount from whole euros, refusing negative values and overflow.
    public init(euros: Int64) throws(DomainError) {
        let (value, overflow) = euros.multipliedReportingOverflow(by: 100)
        guard !overflow else { throw .amountOverflow }
        try self.init(cents: value)
    }

    /// For amounts known valid by construction (constants, sums already checked).
    init(uncheckedCents: Int64) { self.cents = uncheckedCents }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.cents < rhs.cents }

    /// The sum of two amounts.
    /// - Throws: ``DomainError/amountOverflow`` when the sum does not fit in 64 bits.
    public func adding(_ other: Money) throws(DomainError) -> Money {
        let (value, overflow) = cents.addingReportingOverflow(other.cents)
        guard !overflow else { throw .amountOverflow }
        return Money(uncheckedCents: value)
    }

    /// This amount less `other`, or `nil` when `other` is larger (amounts are never negative).
    public func subtracting(_ other: Money) -> Money? {
        other.cents > cents ? nil : Money(uncheckedCents: cents - other.cents)
    }

    /// This amount less `other`, floored at zero.
    public func remaining(after other: Money) -> Money {
        subtracting(other) ?? .zero
    }

    /// The sum of many amounts.
    /// - Throws: ``DomainError/amountOverflow`` when the total does not fit in 64 bits.
    public static func sum<S: Sequence>(_ amounts: S) throws(DomainError) -> Money where S.Element == Money {
        var total = Money.zero
        for amount in amounts { total = try total.adding(amount) }
        return total
    }

    /// The share `numerator / denominator` of this amount, rounded down to the cent.
    ///
    /// Used to split an envelope (one third, two thirds) exactly: the caller gives the remainder
    /// to one part so that parts always add up to the whole.
    public func share(_ numerator: Int64, of denominator: Int64) throws(DomainError) -> Money {
        guard numerator >= 0, numerator <= denominator, denominator > 0 else {
            throw .invalidAmount("\(numerator)/\(denominator)")
        }
        let product = cents.multipliedFullWidth(by: numerator)
        let (quotient, _) = denominator.dividingFullWidth(product)
        return Money(uncheckedCents: quotient)
    }
}
