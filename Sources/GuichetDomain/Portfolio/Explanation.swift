import Foundation

/// Why one dossier is in or out of the proposal, for the committee's minutes.
///
/// The reason is the *binding* one: the rule that, were it lifted, could change the answer for
/// this dossier. The detail is a French sentence with the amounts written as in France.
public struct PortfolioExplanation: Equatable, Sendable, Codable {
    /// The binding reason, as a stable code.
    public enum Reason: String, Equatable, Sendable, Codable {
        /// Selected because its score per euro earns it a place in its envelope.
        case merit
        /// Selected at a partial amount.
        case partialAmount = "partial_amount"
        /// Imposed by the chair.
        case forcedIn = "forced_in"
        /// Excluded by the chair.
        case forcedOut = "forced_out"
        /// Left out because the instruction's opinion is unfavourable (the chair may impose it).
        case unfavourableOpinion = "unfavourable_opinion"
        /// Selected so that its département reaches its minimum number of projects.
        case departementMinimum = "departement_minimum"
        /// Selected so that its theme reaches its minimum share, or left out because adding it
        /// would push another theme below its minimum share.
        case themeShareMin = "theme_share_min"
        /// Left out because adding it would push its theme above its maximum share.
        case themeShareMax = "theme_share_max"
        /// Left out: what remains in its envelope (or an ancestor) is less than it needs.
        case envelopeExhausted = "envelope_exhausted"
        /// Left out: every dossier selected on its envelope has a better score per euro.
        case outranked
        /// Left out: a zero score adds nothing.
        case zeroScore = "zero_score"
        /// No selection satisfies every rule.
        case infeasible
        /// The time limit stopped the search before any selection was found.
        case noSolution = "no_solution"
    }

    /// The dossier's identifier.
    public var id: String
    /// Whether it is in the proposal.
    public var selected: Bool
    /// The binding reason.
    public var reason: Reason
    /// The reason in a French sentence.
    public var detail: String

    /// Creates an explanation.
    public init(id: String, selected: Bool, reason: Reason, detail: String) {
        self.id = id
        self.selected = selected
        self.reason = reason
        self.detail = detail
    }
}

extension PortfolioExplanation {
    /// Explains every dossier of a selection.
    /// - Parameters:
    ///   - granted: the amounts, or `nil` when there is no selection.
    ///   - reference: each envelope's own best selection, what "on merit" means.
    ///   - proven: whether the selection is proven optimal (otherwise "not selected" may only mean
    ///     "not in the best selection found").
    static func explain(
        _ prepared: PreparedPortfolio, granted: [Int64]?, reference: [Int64], proven: Bool,
        infeasible: Bool
    ) -> [PortfolioExplanation] {
        let ids = prepared.dossiers.map(\.id)
        guard let granted else {
            return ids.indices.map { index in
                if prepared.forcing[index] == .forcedOut { return Wording.forcedOut(ids[index]) }
                return infeasible ? Wording.infeasible(ids[index]) : Wording.noSolution(ids[index])
            }
        }
        let state = SelectionState(prepared, granted: granted)
        let worst = worstSelectedRatio(prepared, granted: granted)
        let wording = Wording(prepared: prepared, state: state)
        return ids.indices.map { index in
            granted[index] > 0
                ? wording.selected(index, onMerit: reference[index] > 0)
                : wording.unselected(index, worst: worst, proven: proven)
        }
    }

    /// For each envelope, the selected dossier (not forced in) under it with the worst score per
    /// euro, to tell "outranked" from "did not fit in the combination".
    static func worstSelectedRatio(_ prepared: PreparedPortfolio, granted: [Int64]) -> [Int?] {
        var worst = Array(repeating: Int?.none, count: prepared.envelopeCount)
        for index in granted.indices where granted[index] > 0 && prepared.forcing[index] != .forcedIn {
            for envelope in prepared.chainOf[prepared.envelopeOf[index]] {
                if let current = worst[envelope], !ratio(prepared, index, below: current) { continue }
                worst[envelope] = index
            }
        }
        return worst
    }

    /// Whether dossier `a` has a strictly lower score per euro than `b`.
    static func ratio(_ prepared: PreparedPortfolio, _ a: Int, below b: Int) -> Bool {
        prepared.score[a].multipliedFullWidth(by: prepared.requested[b])
            < prepared.score[b].multipliedFullWidth(by: prepared.requested[a])
    }
}
