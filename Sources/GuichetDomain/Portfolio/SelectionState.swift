import Foundation

/// A rule a selection breaks, found by the exact check.
enum RuleViolation: Equatable, Sendable {
    case amountNotAllowed(dossier: Int)
    case forcedInMissing(dossier: Int)
    case forcedOutSelected(dossier: Int)
    case envelopeOverspent(envelope: Int)
    case themeBelowMinimum(theme: Int)
    case themeAboveMaximum(theme: Int)
    case departementBelowMinimum(departement: Int)
}

/// A selection (an amount per dossier) with its running totals, checked in exact integers.
///
/// Whatever produced a selection — a knapsack, CBC, a greedy repair — it is checked here before
/// anyone sees it: CBC works in floating point with tolerances, the committee does not.
struct SelectionState: Sendable {
    let prepared: PreparedPortfolio
    private(set) var granted: [Int64]
    /// Committed on each envelope, descendants included.
    private(set) var usage: [Int64]
    private(set) var themeTotal: [Int64]
    private(set) var total: Int64 = 0
    private(set) var departementCount: [Int]

    init(_ prepared: PreparedPortfolio, granted: [Int64]) {
        self.prepared = prepared
        self.granted = Array(repeating: 0, count: prepared.count)
        usage = Array(repeating: 0, count: prepared.envelopeCount)
        themeTotal = Array(repeating: 0, count: prepared.themeIDs.count)
        departementCount = Array(repeating: 0, count: prepared.departementIDs.count)
        for index in granted.indices where granted[index] != 0 { set(index, to: granted[index]) }
    }

    /// Gives `amount` to dossier `index` (zero takes it out).
    mutating func set(_ index: Int, to amount: Int64) {
        let change = amount - granted[index]
        guard change != 0 else { return }
        for envelope in prepared.chainOf[prepared.envelopeOf[index]] { usage[envelope] += change }
        themeTotal[prepared.themeOf[index]] += change
        total += change
        if let departement = prepared.departementOf[index] {
            if granted[index] == 0 { departementCount[departement] += 1 }
            if amount == 0 { departementCount[departement] -= 1 }
        }
        granted[index] = amount
    }

    /// The least room left along a dossier's envelope chain, and the envelope that has it.
    func room(for index: Int) -> (envelope: Int, cents: Int64) {
        var tightest = (envelope: prepared.envelopeOf[index], cents: Int64.max)
        for envelope in prepared.chainOf[prepared.envelopeOf[index]] {
            let left = prepared.remaining[envelope] - usage[envelope]
            if left < tightest.cents { tightest = (envelope, left) }
        }
        return tightest
    }

    /// Whether dossier `index` could move to `amount` without overspending any envelope.
    func fits(_ index: Int, amount: Int64) -> Bool {
        room(for: index).cents >= amount - granted[index]
    }

    /// Whether theme `theme` keeps its share with `part` of a `whole` granted total.
    static func share(_ part: Int64, of whole: Int64, atLeast percent: Int) -> Bool {
        part.multipliedFullWidth(by: 10_000) >= whole.multipliedFullWidth(by: Int64(percent))
    }

    /// Whether `part` of `whole` stays within `percent`.
    static func share(_ part: Int64, of whole: Int64, atMost percent: Int) -> Bool {
        part.multipliedFullWidth(by: 10_000) <= whole.multipliedFullWidth(by: Int64(percent))
    }

    /// The share rules broken if the theme totals and grand total were these.
    func brokenShares(themeTotal totals: [Int64], total whole: Int64) -> [RuleViolation] {
        var broken: [RuleViolation] = []
        for theme in totals.indices {
            if let low = prepared.themeMin[theme], !Self.share(totals[theme], of: whole, atLeast: low) {
                broken.append(.themeBelowMinimum(theme: theme))
            }
            if let high = prepared.themeMax[theme], !Self.share(totals[theme], of: whole, atMost: high) {
                broken.append(.themeAboveMaximum(theme: theme))
            }
        }
        return broken
    }

    /// The share rules the current selection breaks.
    var brokenShares: [RuleViolation] { brokenShares(themeTotal: themeTotal, total: total) }

    /// Every rule the selection breaks, in a stable order; empty when it is feasible.
    var violations: [RuleViolation] {
        var broken: [RuleViolation] = []
        for index in 0..<prepared.count {
            let amount = granted[index]
            if amount != 0, !prepared.range[index].allows(amount) { broken.append(.amountNotAllowed(dossier: index)) }
            if prepared.forcing[index] == .forcedIn, amount == 0 { broken.append(.forcedInMissing(dossier: index)) }
            if prepared.forcing[index] == .forcedOut, amount != 0 { broken.append(.forcedOutSelected(dossier: index)) }
        }
        for envelope in 0..<prepared.envelopeCount where usage[envelope] > prepared.remaining[envelope] {
            broken.append(.envelopeOverspent(envelope: envelope))
        }
        broken += brokenShares
        for departement in departementCount.indices
        where departementCount[departement] < prepared.departementMinimum[departement] {
            broken.append(.departementBelowMinimum(departement: departement))
        }
        return broken
    }

    /// Whether removing dossier `index` keeps its département at its minimum.
    func departementAllowsRemoving(_ index: Int) -> Bool {
        guard let departement = prepared.departementOf[index] else { return true }
        return departementCount[departement] > prepared.departementMinimum[departement]
    }

    /// The selection's score: exact points without partial funding, proportional otherwise.
    var objective: PortfolioObjective { PortfolioObjective(prepared, granted: granted) }
}
