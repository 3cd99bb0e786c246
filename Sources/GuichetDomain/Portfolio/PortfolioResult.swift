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
        /// The coupling rules priced into the envelopes' knapsacks (Lagrangian relaxation), the
        /// dossiers the bound settles fixed, the few left open searched by a branch and bound on
        /// the same bound (COIN-OR CBC when that search gives up).
        case lagrangian
        /// Partial funding: the mixed-integer program with amounts relaxed to continuous values
        /// (CBC then decides only which dossiers are selected), rounded down to the euro.
        case partialFunding

        /// The method in the committee's words.
        public var label: String {
            switch self {
            case .knapsack: "sac à dos exact par enveloppe"
            case .lagrangian: "relaxation lagrangienne des règles"
            case .partialFunding:
                "programme linéaire en nombres entiers (CBC) sur le choix des dossiers, montants continus arrondis à l'euro"
            }
        }
    }

    /// What the Lagrangian search did, for the record: how far the bound reached, how many
    /// dossiers it settled, how many it left to the core.
    public struct Search: Equatable, Sendable, Codable {
        /// The Lagrangian bound on the sum of scores.
        public var lagrangianBound: Int64
        /// Subgradient iterations.
        public var iterations: Int
        /// Dossiers fixed in or out by the bound (forced dossiers included).
        public var fixedDossiers: Int
        /// Dossiers left open for the core's search (zero when the bound alone proved optimality).
        public var coreDossiers: Int
        /// Nodes the branching on the Lagrangian bound opened, every core together.
        public var branchingNodes: Int = 0
        /// Cores the branching gave up on and handed to CBC.
        public var cbcCores: Int = 0
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
    /// The Lagrangian search's figures, when it ran.
    public var search: Search? = nil
    /// When the rules cannot all hold: which conflict, where, and how they were relaxed.
    public var conflict: PortfolioConflict? = nil
    /// The proposal with the conflict's rules relaxed, offered instead.
    public var relaxed: RelaxedProposal? = nil

    /// The proposal computed with relaxed rules after a conflict (a reference, since a result
    /// cannot hold another by value).
    public final class RelaxedProposal: Sendable {
        /// The relaxed rules.
        public let rules: PortfolioRules
        /// Their proposal.
        public let result: PortfolioResult

        init(rules: PortfolioRules, result: PortfolioResult) {
            self.rules = rules
            self.result = result
        }
    }

    /// The amount proposed for each selected dossier, by identifier.
    public var grantedByID: [String: Int64] {
        Dictionary(uniqueKeysWithValues: selected.map { ($0.id, $0.grantedCents) })
    }
}

extension PortfolioResult: Encodable {
    enum CodingKeys: String, CodingKey {
        case name, status, provenOptimal, objective, bound, gap, method, seconds, search, conflict, selected,
            explanations
    }

    enum ConflictKeys: String, CodingKey {
        case rules, envelope, neededCents, remainingCents, message, relaxation, relaxedRules, relaxed
    }

    enum RuleKeys: String, CodingKey { case kind, departement, count, dossier }

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
        try container.encodeIfPresent(search, forKey: .search)
        if let conflict {
            var nested = container.nestedContainer(keyedBy: ConflictKeys.self, forKey: .conflict)
            var rules = nested.nestedUnkeyedContainer(forKey: .rules)
            for rule in conflict.rules {
                var item = rules.nestedContainer(keyedBy: RuleKeys.self)
                switch rule {
                case .departementMinimum(let departement, let count):
                    try item.encode("departement_minimum", forKey: .kind)
                    try item.encode(departement, forKey: .departement)
                    try item.encode(count, forKey: .count)
                case .forcedIn(let dossier):
                    try item.encode("forced_in", forKey: .kind)
                    try item.encode(dossier, forKey: .dossier)
                }
            }
            try nested.encode(conflict.envelope, forKey: .envelope)
            try nested.encode(conflict.neededCents, forKey: .neededCents)
            try nested.encode(conflict.remainingCents, forKey: .remainingCents)
            try nested.encode(conflict.message, forKey: .message)
            try nested.encode(conflict.relaxation, forKey: .relaxation)
            try nested.encode(conflict.relaxedRules, forKey: .relaxedRules)
            try nested.encodeIfPresent(relaxed?.result, forKey: .relaxed)
        }
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
