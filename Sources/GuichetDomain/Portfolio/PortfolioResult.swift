import Foundation

/// What a selection is worth to the committee.
///
/// Without partial funding the value is the sum of the selected dossiers' scores, an exact
/// integer in hundredths of a point. With partial funding each dossier counts in proportion to its
/// funded share (score × granted ÷ requested): otherwise the best proposal would fund every
/// dossier at its floor. That value is rational; it is kept as a `Double` whose whole part is
/// summed exactly, so two proposals compare to about 1e-12 relative.
public enum PortfolioObjective: Equatable, Sendable {
    /// The sum of scores, in hundredths of a point.
    case points(Int64)
    /// The sum of scores weighted by funded share, in hundredths of a point.
    case proportional(Double)

    /// The value as a number, whichever the kind.
    public var value: Double {
        switch self {
        case .points(let points): Double(points)
        case .proportional(let value): value
        }
    }

    init(_ prepared: PreparedPortfolio, granted: [Int64]) {
        if !prepared.partial {
            var points: Int64 = 0
            for index in granted.indices where granted[index] != 0 { points += prepared.score[index] }
            self = .points(points)
            return
        }
        // score × granted ÷ requested, as a whole part summed in integers plus a fraction < 1.
        var whole: Int64 = 0
        var fractions = 0.0
        for index in granted.indices where granted[index] != 0 {
            let request = prepared.requested[index]
            let product = prepared.score[index].multipliedFullWidth(by: granted[index])
            let (quotient, remainder) = request.dividingFullWidth(product)
            whole += quotient
            fractions += Double(remainder) / Double(request)
        }
        self = .proportional(Double(whole) + fractions)
    }
}

/// The committee's proposal: which dossiers, for how much, how sure, and why.
public struct PortfolioResult: Sendable {
    /// How the search ended.
    public enum Status: String, Sendable, Codable {
        /// The selection is proven optimal.
        case optimal
        /// The time limit stopped the search: the selection (if any) is the best found, the bound
        /// says how far from optimal it can be.
        case timeLimit = "time_limit"
        /// No selection satisfies every rule.
        case infeasible
    }

    /// Which algorithm answered.
    public enum Method: String, Sendable, Codable {
        /// Independent knapsacks per envelope, in parallel.
        case knapsack
        /// One mixed-integer program solved by COIN-OR CBC.
        case milp
    }

    /// One selected dossier and its amount.
    public struct Grant: Equatable, Sendable, Codable {
        /// The dossier's identifier.
        public var id: String
        /// The amount proposed, in cents.
        public var grantedCents: Int64
    }

    /// The instance's name.
    public var name: String
    /// How the search ended.
    public var status: Status
    /// Whether the bound proves the selection optimal.
    public var provenOptimal: Bool
    /// The selection's value; `nil` when there is no selection (infeasible, or no solution in time).
    public var objective: PortfolioObjective?
    /// No selection can be worth more than this (same unit as the objective).
    public var bound: Double?
    /// `(bound − objective) ÷ bound`, zero when proven optimal.
    public var gap: Double?
    /// Which algorithm answered.
    public var method: Method
    /// Wall time of the solve, in seconds.
    public var seconds: Double
    /// The selected dossiers, in the instance's order.
    public var selected: [Grant]
    /// One explanation per dossier, in the instance's order.
    public var explanations: [PortfolioExplanation]

    /// The amount proposed for each selected dossier, by identifier.
    public var grantedByID: [String: Int64] {
        Dictionary(uniqueKeysWithValues: selected.map { ($0.id, $0.grantedCents) })
    }
}

extension PortfolioResult: Encodable {
    enum CodingKeys: String, CodingKey {
        case name, status, provenOptimal, objective, bound, gap, method, seconds, selected, explanations
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(status, forKey: .status)
        try container.encode(provenOptimal, forKey: .provenOptimal)
        switch objective {
        case .points(let points): try container.encode(points, forKey: .objective)
        case .proportional(let value): try container.encode(value, forKey: .objective)
        case nil: try container.encodeNil(forKey: .objective)
        }
        if let bound {
            // Integral bounds are written as integers, so that scripts compare them exactly.
            if bound.rounded() == bound, abs(bound) < 9e15 {
                try container.encode(Int64(bound), forKey: .bound)
            } else {
                try container.encode(bound, forKey: .bound)
            }
        } else {
            try container.encodeNil(forKey: .bound)
        }
        try container.encode(gap, forKey: .gap)
        try container.encode(method, forKey: .method)
        try container.encode((seconds * 1000).rounded() / 1000, forKey: .seconds)
        try container.encode(selected, forKey: .selected)
        try container.encode(explanations, forKey: .explanations)
    }

    /// The result as the JSON the scripts and the `propose` command print.
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
