/// A beneficiary's share of a subsidy, in basis points (1 = 0.01 %), from 0.01 to 1.
///
/// The schema wants a decimal fraction (`0.45`, `1.00`) with a minimum of 0.01 and a maximum
/// of 1. Basis points keep shares such as one third (`0.3333`) exact as integers, and make
/// the bounds impossible to break: a share outside them cannot be built.
public struct SCDLShare: Hashable, Comparable, Sendable {
    /// The share in ten-thousandths: 10 000 for the whole subsidy, 4 500 for 45 %.
    public let basisPoints: Int

    /// The whole subsidy, for a single beneficiary (`1.00`).
    public static let whole = SCDLShare(checked: 10_000)

    /// A share, or `nil` outside the schema's bounds (100 to 10 000 basis points).
    public init?(basisPoints: Int) {
        guard (100...10_000).contains(basisPoints) else { return nil }
        self.basisPoints = basisPoints
    }

    private init(checked basisPoints: Int) { self.basisPoints = basisPoints }

    /// The cell text: at least two decimals as in the schema's own examples (`1.00`, `0.45`),
    /// then only the digits needed (`0.455`, `0.3333`).
    public var text: String {
        let whole = basisPoints / 10_000
        var fraction = String(basisPoints % 10_000)
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.count > 2, fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction)"
    }

    /// Orders shares by size.
    public static func < (lhs: SCDLShare, rhs: SCDLShare) -> Bool { lhs.basisPoints < rhs.basisPoints }
}
