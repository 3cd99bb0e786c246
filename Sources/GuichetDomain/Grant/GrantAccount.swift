import Foundation

/// A payment made on a grant: its day (Paris), amount and accounting reference (the mandate's
/// number in the authority's accounts).
public struct GrantPayment: Sendable, Equatable, Codable {
    public let day: Date
    public let amount: Money
    public let reference: String

    public init(day: Date, amount: Money, reference: String) {
        self.day = day
        self.amount = amount
        self.reference = reference
    }

    /// The reference as compared: spaces trimmed and folded, letters in one case (`MDT-2021 0042`
    /// and `mdt-2021  0042 ` are the same mandate).
    public var referenceKey: String {
        reference.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }
}

/// Money claimed back from an organisation (*titre de recette*): its day, amount and reference.
public struct GrantRecovery: Sendable, Equatable, Codable {
    public let day: Date
    public let amount: Money
    public let reference: String

    public init(day: Date, amount: Money, reference: String) {
        self.day = day
        self.amount = amount
        self.reference = reference
    }
}

/// What has been paid and claimed back on one grant, and the rules that keep it right: never
/// paid above what was granted, no mandate recorded twice, never claimed back more than was
/// paid. The ledger sums these per envelope and wave (committed, paid, left to pay, recovered).
public struct GrantAccount: Sendable, Equatable {
    public let granted: Money
    public private(set) var payments: [GrantPayment] = []
    public private(set) var recoveries: [GrantRecovery] = []

    public init(granted: Money, payments: [GrantPayment] = [], recoveries: [GrantRecovery] = []) throws(DomainError) {
        self.granted = granted
        for payment in payments { try record(payment) }
        for recovery in recoveries { try record(recovery) }
    }

    /// Paid so far.
    public var paid: Money { Money(uncheckedCents: payments.reduce(0) { $0 + $1.amount.cents }) }

    /// Claimed back so far.
    public var recovered: Money { Money(uncheckedCents: recoveries.reduce(0) { $0 + $1.amount.cents }) }

    /// Granted and not yet paid.
    public var leftToPay: Money { granted.remaining(after: paid) }

    /// Records a payment.
    /// - Throws: ``DomainError/invalidSchedule(_:)`` for a zero amount or no reference,
    ///   ``DomainError/paymentAboveRemaining(amount:remaining:)`` above what is left to pay,
    ///   ``DomainError/paymentReferenceTaken(_:)`` for a mandate already recorded.
    public mutating func record(_ payment: GrantPayment) throws(DomainError) {
        guard payment.amount > .zero else { throw .invalidSchedule("un versement ne peut pas être nul.") }
        guard !payment.referenceKey.isEmpty else {
            throw .invalidSchedule("indiquez la référence comptable du versement (numéro de mandat).")
        }
        guard payment.amount <= leftToPay else {
            throw .paymentAboveRemaining(amount: payment.amount, remaining: leftToPay)
        }
        guard !payments.contains(where: { $0.referenceKey == payment.referenceKey }) else {
            throw .paymentReferenceTaken(payment.reference)
        }
        payments.append(payment)
    }

    /// What to claim back once the organisation reports having spent `spent` on the project: what
    /// was paid above it, less what was already claimed back.
    public func toRecover(spent: Money) -> Money {
        paid.remaining(after: spent).remaining(after: recovered)
    }

    /// What is still to pay once the organisation reports having spent `spent`: the grant is
    /// reduced to what was spent, never raised.
    public func leftToPay(spent: Money) -> Money {
        Swift.min(granted, spent).remaining(after: paid)
    }

    /// Records money claimed back.
    /// - Throws: ``DomainError/invalidSchedule(_:)`` for a zero amount,
    ///   ``DomainError/recoveryAbovePaid(amount:recoverable:)`` above what was paid and not yet
    ///   claimed back.
    public mutating func record(_ recovery: GrantRecovery) throws(DomainError) {
        guard recovery.amount > .zero else { throw .invalidSchedule("un reversement ne peut pas être nul.") }
        let recoverable = paid.remaining(after: recovered)
        guard recovery.amount <= recoverable else {
            throw .recoveryAbovePaid(amount: recovery.amount, recoverable: recoverable)
        }
        recoveries.append(recovery)
    }
}
