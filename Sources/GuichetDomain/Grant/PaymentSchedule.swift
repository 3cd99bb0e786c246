import Foundation

/// What releases an instalment of a grant.
public enum ReleaseCondition: Sendable, Equatable, Codable {
    /// Once the act is signed (the association's acceptance, or the signed copy recorded).
    case actSigned
    /// From a day (Paris), the act signed.
    case from(Date)
    /// Once the *compte rendu financier* is validated (the balance, usually).
    case reportValidated

    /// How the act and the open data word it.
    public var label: String {
        switch self {
        case .actSigned: "à la signature de l'acte"
        case .from(let day): "à compter du \(ParisTime.longDate(day))"
        case .reportValidated: "à la validation du compte rendu financier"
        }
    }
}

/// One instalment of a grant: its share and what releases it.
public struct Instalment: Sendable, Equatable, Codable {
    public let label: String
    public let amount: Money
    public let condition: ReleaseCondition

    public init(label: String, amount: Money, condition: ReleaseCondition) {
        self.label = label
        self.amount = amount
        self.condition = condition
    }
}

/// How a grant is paid: one payment, or an advance and a balance, or more instalments — which
/// always add up to the amount granted, each above zero.
public struct PaymentSchedule: Sendable, Equatable, Codable {
    public let granted: Money
    public let instalments: [Instalment]

    /// The most instalments a schedule holds (a yearly grant paid monthly).
    public static let maximumInstalments = 12

    /// - Throws: ``DomainError/invalidSchedule(_:)`` when the instalments do not add up to the
    ///   grant, one is zero or unnamed, or there are none or too many.
    public init(granted: Money, instalments: [Instalment]) throws(DomainError) {
        guard granted > .zero else { throw .invalidSchedule("le montant accordé est nul.") }
        guard !instalments.isEmpty else { throw .invalidSchedule("indiquez au moins un versement.") }
        guard instalments.count <= Self.maximumInstalments else {
            throw .invalidSchedule("au plus \(Self.maximumInstalments) versements par subvention.")
        }
        for (index, instalment) in instalments.enumerated() {
            guard instalment.amount > .zero else {
                throw .invalidSchedule("le versement \(index + 1) est nul.")
            }
            guard !instalment.label.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .invalidSchedule("le versement \(index + 1) n'a pas d'intitulé.")
            }
        }
        let total = try Money.sum(instalments.map(\.amount))
        guard total == granted else {
            throw .invalidSchedule(
                "les versements totalisent \(total.formatted()) pour \(granted.formatted()) accordés.")
        }
        self.granted = granted
        self.instalments = instalments
    }

    /// The whole grant at once, once the act is signed.
    public static func single(granted: Money) throws(DomainError) -> PaymentSchedule {
        try PaymentSchedule(
            granted: granted,
            instalments: [Instalment(label: "Versement unique", amount: granted, condition: .actSigned)])
    }

    /// An advance of `percent` % of the grant (rounded down to the cent) at the act's signature,
    /// and the balance on `balance` (the report's validation, usually).
    public static func advanceAndBalance(
        granted: Money, percent: Int, balance: ReleaseCondition = .reportValidated
    ) throws(DomainError) -> PaymentSchedule {
        guard percent > 0, percent < 100 else {
            throw .invalidSchedule("l'avance est une part du montant accordé, entre 1 et 99 %.")
        }
        let advance = try granted.share(Int64(percent), of: 100)
        return try PaymentSchedule(
            granted: granted,
            instalments: [
                Instalment(label: "Avance", amount: advance, condition: .actSigned),
                Instalment(label: "Solde", amount: granted.remaining(after: advance), condition: balance),
            ])
    }

    /// The terms of payment as the open data's `conditionsVersement` states them: one payment or
    /// several instalments (schéma SCDL des subventions).
    public var openDataTerms: SCDLSubsidy.PaymentTerms { instalments.count == 1 ? .unique : .staggered }
}
