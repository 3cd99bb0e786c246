import Foundation

/// The act by which the granting authority awards a subsidy once the committee has retained it.
///
/// Décret n° 2001-495 du 6 juin 2001, article 1er: a subsidy whose yearly amount exceeds
/// 23 000 € is awarded by a *convention* signed with the organisation, which states its object,
/// amount, terms of payment and conditions of use; below it, a unilateral *arrêté attributif*
/// suffices. A call may lower the threshold (some authorities sign a convention for every
/// subsidy), never ignore it: the rule is the authority's, so it is a setting of the call.
public enum GrantActKind: String, Sendable, Codable, CaseIterable {
    case arrete = "arrete"
    case convention = "convention"

    /// How the act is named on pages and documents.
    public var label: String {
        switch self {
        case .arrete: "arrêté attributif"
        case .convention: "convention"
        }
    }
}

/// Which act a grant needs, by its amount.
public struct GrantActRule: Sendable, Equatable, Codable {
    /// Amounts strictly above this are awarded by a convention.
    public let conventionAbove: Money

    /// The statutory threshold: 23 000 € (décret n° 2001-495, article 1er).
    public static let statutory = GrantActRule(uncheckedAbove: Money(uncheckedCents: 2_300_000))

    /// A call's own threshold, at most the statutory one (a call may ask for a convention more
    /// often than the law does, never less often).
    /// - Throws: ``DomainError/invalidSchedule(_:)`` above 23 000 €.
    public init(conventionAbove: Money) throws(DomainError) {
        guard conventionAbove <= Self.statutory.conventionAbove else {
            throw .invalidSchedule(
                "le seuil de la convention ne peut pas dépasser \(Self.statutory.conventionAbove.formatted()) (décret n° 2001-495)."
            )
        }
        self.conventionAbove = conventionAbove
    }

    private init(uncheckedAbove: Money) { conventionAbove = uncheckedAbove }

    /// The act an amount needs.
    public func kind(for granted: Money) -> GrantActKind {
        granted > conventionAbove ? .convention : .arrete
    }
}
