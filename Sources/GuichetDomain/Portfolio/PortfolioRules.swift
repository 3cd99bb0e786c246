import Foundation

/// A percentage with at most two decimals, kept as an integer count of hundredths of a percent.
///
/// Shares are compared with amounts in cents by cross-multiplication (`10000 × part ≥ p × total`),
/// so a percentage must be an integer too: `12.5` is stored as `1250`, never as a `Double`.
public struct Percentage: Hashable, Comparable, Sendable {
    /// The percentage in hundredths of a percent: 100 % is `10000`.
    public let hundredths: Int

    /// Creates a percentage from hundredths, refusing anything outside 0…100 %.
    /// - Throws: ``PortfolioError/invalidPercent(_:)``.
    public init(hundredths: Int) throws(PortfolioError) {
        guard (0...10_000).contains(hundredths) else {
            throw .invalidPercent("\(Double(hundredths) / 100) % est hors de 0…100")
        }
        self.hundredths = hundredths
    }

    /// Creates a percentage from a JSON number (`20`, `12.5`, `33.33`).
    /// - Throws: ``PortfolioError/invalidPercent(_:)`` for more than two decimals or out of range.
    public init(percent: Double) throws(PortfolioError) {
        let scaled = percent * 100
        guard scaled.isFinite, abs(scaled - scaled.rounded()) < 1e-6, abs(scaled) < 1e9 else {
            throw .invalidPercent("\(percent) a plus de deux décimales")
        }
        try self.init(hundredths: Int(scaled.rounded()))
    }

    public static func < (lhs: Percentage, rhs: Percentage) -> Bool { lhs.hundredths < rhs.hundredths }

    /// Written the French way: `20 %`, `12,5 %`, `33,33 %`.
    public var formatted: String {
        let whole = hundredths / 100
        let rest = hundredths % 100
        if rest == 0 { return "\(whole) %" }
        let decimals = rest % 10 == 0 ? "\(rest / 10)" : (rest < 10 ? "0\(rest)" : "\(rest)")
        return "\(whole),\(decimals) %"
    }
}

extension Percentage: Codable {
    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(Double.self)
        try self.init(percent: value)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if hundredths % 100 == 0 {
            try container.encode(hundredths / 100)
        } else {
            try container.encode(Double(hundredths) / 100)
        }
    }
}

/// A theme's allowed share of the total granted amount.
///
/// Shares are of the *granted* total, not of the envelopes: the committee reads "at least 20 % of
/// what we fund goes to food aid", whatever the budget turns out to be.
public struct ThemeShare: Equatable, Sendable, Codable {
    /// The smallest share, if any.
    public var minPercent: Percentage?
    /// The largest share, if any.
    public var maxPercent: Percentage?

    /// Creates a share rule.
    public init(minPercent: Percentage? = nil, maxPercent: Percentage? = nil) {
        self.minPercent = minPercent
        self.maxPercent = maxPercent
    }
}

/// What the committee chair may impose on a proposal; every rule is optional.
///
/// The rules are kept exactly as the instance JSON writes them, so that an instance file read and
/// written again is unchanged, and so that scripts in other languages read the same keys.
public struct PortfolioRules: Equatable, Sendable, Codable {
    /// Allowed shares of the total granted amount, by theme code.
    public var themeShares: [String: ThemeShare]
    /// At least this many selected dossiers per département that has candidates — or all of that
    /// département's candidates not forced out, when there are fewer.
    public var minPerDepartement: Int?
    /// A minimum for a given département (INSEE code) in place of ``minPerDepartement`` — what a
    /// proposal relaxed after a conflict carries.
    public var departementMinimums: [String: Int]
    /// Dossiers that must be selected.
    public var forcedIn: [String]
    /// Dossiers that must not be selected.
    public var forcedOut: [String]
    /// With partial funding, the smallest share of its request a selected dossier may receive.
    public var partialFundingFloorPercent: Percentage?

    /// Creates rules; everything defaults to "no rule".
    public init(
        themeShares: [String: ThemeShare] = [:], minPerDepartement: Int? = nil,
        departementMinimums: [String: Int] = [:],
        forcedIn: [String] = [], forcedOut: [String] = [], partialFundingFloorPercent: Percentage? = nil
    ) {
        self.themeShares = themeShares
        self.minPerDepartement = minPerDepartement
        self.departementMinimums = departementMinimums
        self.forcedIn = forcedIn
        self.forcedOut = forcedOut
        self.partialFundingFloorPercent = partialFundingFloorPercent
    }

    enum CodingKeys: String, CodingKey {
        case themeShares, minPerDepartement, departementMinimums, forcedIn, forcedOut, partialFundingFloorPercent
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        themeShares = try container.decodeIfPresent([String: ThemeShare].self, forKey: .themeShares) ?? [:]
        minPerDepartement = try container.decodeIfPresent(Int.self, forKey: .minPerDepartement)
        departementMinimums = try container.decodeIfPresent([String: Int].self, forKey: .departementMinimums) ?? [:]
        forcedIn = try container.decodeIfPresent([String].self, forKey: .forcedIn) ?? []
        forcedOut = try container.decodeIfPresent([String].self, forKey: .forcedOut) ?? []
        partialFundingFloorPercent = try container.decodeIfPresent(Percentage.self, forKey: .partialFundingFloorPercent)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !themeShares.isEmpty { try container.encode(themeShares, forKey: .themeShares) }
        try container.encodeIfPresent(minPerDepartement, forKey: .minPerDepartement)
        if !departementMinimums.isEmpty { try container.encode(departementMinimums, forKey: .departementMinimums) }
        if !forcedIn.isEmpty { try container.encode(forcedIn, forKey: .forcedIn) }
        if !forcedOut.isEmpty { try container.encode(forcedOut, forKey: .forcedOut) }
        try container.encodeIfPresent(partialFundingFloorPercent, forKey: .partialFundingFloorPercent)
    }

    /// Partial funding is on when a floor below 100 % is set: at 100 % every selected dossier
    /// gets its request, which is the all-or-nothing model.
    public var allowsPartialFunding: Bool {
        guard let floor = partialFundingFloorPercent else { return false }
        return floor.hundredths < 10_000
    }
}
