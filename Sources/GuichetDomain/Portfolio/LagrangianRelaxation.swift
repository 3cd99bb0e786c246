import Foundation

/// The rules that tie the envelopes together, each given a price and moved into the objective.
///
/// Every row reads `Σ coefficient·x ≥ rhs` over the dossiers still open — forced-in dossiers are
/// moved to the right-hand side, forced-out ones are gone:
/// - a theme's minimum share: `Σ (10000·[theme] − p)·r·x ≥ 0` (p in hundredths of a percent);
/// - a theme's maximum share: `Σ (p − 10000·[theme])·r·x ≥ 0`;
/// - a département's minimum: `Σ_dep x ≥ n`;
/// - an inner envelope that could run short: `Σ −r·x ≥ −room`.
///
/// With a price `λ ≥ 0` per row, what is left splits into one knapsack per envelope whose profits
/// are `s + Σ λ·coefficient`; the sum of their optima, minus `Σ λ·rhs`, bounds every selection
/// that keeps the rules (weak duality). That bound is usually far below the linear relaxation's:
/// it keeps each envelope's integrality, which is where most of the linear relaxation's slack lies.
struct LagrangianRelaxation: Sendable {
    /// What a row stands for, to say which rule a price belongs to.
    enum Rule: Hashable, Sendable {
        case themeMinimum(theme: Int)
        case themeMaximum(theme: Int)
        case departementMinimum(departement: Int)
        case envelope(Int)
    }

    struct Row: Sendable {
        let rule: Rule
        /// Dossier indices (into the prepared problem) with a non-zero coefficient.
        let members: [Int]
        let coefficients: [Int64]
        let rhs: Int64
        /// The largest coefficient's magnitude: subgradient steps are taken in units of it, so
        /// that a share row (coefficients near 10¹¹) and a count row (coefficients 1) move alike.
        let scale: Double
    }

    /// One envelope's own knapsack: the open dossiers drawing directly on it, and what it holds
    /// once the forced-in dossiers under it are paid.
    struct Group: Sendable {
        let envelope: Int
        let capacity: Int64
        let members: [Int]
    }

    let prepared: PreparedPortfolio
    /// Which dossiers are decided: the chair's forcing, or a branch's (``LagrangianBranching``).
    let forcing: [Forcing]
    let rows: [Row]
    let groups: [Group]
    /// The forced-in dossiers' scores: a constant of every selection.
    let forcedScore: Int64
    /// Whether the forcing already breaks a rule whatever the open dossiers do: an envelope
    /// overspent by the forced-in dossiers, a share or a minimum out of reach.
    let impossible: Bool

    /// Profits are scaled by 2²⁴ before the knapsacks: prices are fractions of a point.
    static let profitShift = 24
    /// Prices are rounded to multiples of 2⁻⁶⁴ before anything is decided with them.
    static let priceShift = 64

    /// Whether the relaxation applies: every dossier all-or-nothing (partial funding makes each
    /// envelope's subproblem a choice of amounts, left to the mixed-integer program).
    static func applies(to prepared: PreparedPortfolio) -> Bool { !prepared.partial }

    /// - Parameter forcing: the decided dossiers, the chair's when nil.
    init(_ prepared: PreparedPortfolio, forcing: [Forcing]? = nil) throws(PortfolioError) {
        let forcing = forcing ?? prepared.forcing
        self.prepared = prepared
        self.forcing = forcing
        let open = (0..<prepared.count).filter { forcing[$0] == .none }
        let forced = (0..<prepared.count).filter { forcing[$0] == .forcedIn }
        forcedScore = forced.reduce(0) { $0 + prepared.score[$1] }
        let forcedUnder = prepared.forcedFloorUnder(forcing)
        var impossible = (0..<prepared.envelopeCount).contains { forcedUnder[$0] > prepared.remaining[$0] }

        var rows: [Row] = []
        func add(_ rule: Rule, _ terms: [(Int, Int64)], _ forcedTerms: [Int64], _ rhs: Int64) throws(PortfolioError) {
            var right = rhs
            for term in forcedTerms {
                let (difference, overflow) = right.subtractingReportingOverflow(term)
                guard !overflow else { throw .amountOverflow }
                right = difference
            }
            let kept = terms.filter { $0.1 != 0 }
            // A row every selection keeps (nothing can make its left side smaller than rhs) is left
            // out; a row no selection keeps makes the forcing impossible.
            let lowest = kept.reduce(Int64(0)) { $0 + min(0, $1.1) }
            guard lowest < right else { return }
            if kept.reduce(Int64(0), { $0 + max(0, $1.1) }) < right { impossible = true }
            let scale = Double(kept.map { $0.1.magnitude }.max() ?? 1)
            rows.append(
                Row(rule: rule, members: kept.map(\.0), coefficients: kept.map(\.1), rhs: right, scale: max(scale, 1)))
        }
        for theme in prepared.themeIDs.indices {
            for (isMinimum, percent) in [(true, prepared.themeMin[theme]), (false, prepared.themeMax[theme])] {
                guard let percent else { continue }
                func weight(_ index: Int) throws(PortfolioError) -> Int64 {
                    let share = Int64(prepared.themeOf[index] == theme ? 10_000 - percent : -percent)
                    let (product, overflow) = prepared.requested[index].multipliedReportingOverflow(
                        by: isMinimum ? share : -share)
                    guard !overflow else { throw .amountOverflow }
                    return product
                }
                var terms: [(Int, Int64)] = []
                for index in open { terms.append((index, try weight(index))) }
                var forcedTerms: [Int64] = []
                for index in forced { forcedTerms.append(try weight(index)) }
                try add(isMinimum ? .themeMinimum(theme: theme) : .themeMaximum(theme: theme), terms, forcedTerms, 0)
            }
        }
        var byDepartement = Array(repeating: [Int](), count: prepared.departementIDs.count)
        for index in open {
            if let departement = prepared.departementOf[index] { byDepartement[departement].append(index) }
        }
        var forcedByDepartement = Array(repeating: Int64(0), count: prepared.departementIDs.count)
        for index in forced {
            if let departement = prepared.departementOf[index] { forcedByDepartement[departement] += 1 }
        }
        for departement in prepared.departementIDs.indices where prepared.departementMinimum[departement] > 0 {
            try add(
                .departementMinimum(departement: departement), byDepartement[departement].map { ($0, 1) },
                [forcedByDepartement[departement]], Int64(prepared.departementMinimum[departement]))
        }
        // Inner envelopes: their own knapsack holds only the dossiers drawing on them directly.
        for envelope in prepared.postorder where !prepared.childrenOf[envelope].isEmpty {
            guard prepared.demandUnder[envelope] > prepared.remaining[envelope] else { continue }
            let under = open.filter { prepared.chainOf[prepared.envelopeOf[$0]].contains(envelope) }
            try add(
                .envelope(envelope), under.map { ($0, -prepared.requested[$0]) }, [],
                -(prepared.remaining[envelope] - forcedUnder[envelope]))
        }
        self.rows = rows
        self.impossible = impossible

        var members = Array(repeating: [Int](), count: prepared.envelopeCount)
        for index in open { members[prepared.envelopeOf[index]].append(index) }
        groups = (0..<prepared.envelopeCount).filter { !members[$0].isEmpty }.map {
            Group(envelope: $0, capacity: max(0, prepared.remaining[$0] - forcedUnder[$0]), members: members[$0])
        }
    }

    /// The relaxation solved at one set of prices.
    struct Evaluation: Sendable {
        /// The prices actually used: multiples of 2⁻⁶⁴, per row.
        let prices: [Int128]
        /// Scaled profit per dossier (zero for forced dossiers).
        let profits: [Int64]
        /// Each group's knapsack answer (its upper bound is what the bound uses).
        let answers: [Knapsack.Solution]
        /// The relaxed selection: every group's knapsack answer, with the forced-in dossiers.
        let selected: [Bool]
        /// The bound on the sum of scores, scaled by 2²⁴.
        let scaledBound: Int128
        /// How much each row is satisfied (positive) or broken (negative), in units of its scale.
        let slack: [Double]

        /// No selection that keeps every rule scores more than this.
        var bound: Int64 {
            Int64(clamping: LagrangianRelaxation.floorShift(scaledBound, LagrangianRelaxation.profitShift))
        }
        /// The bound as a number, for step sizes.
        var approximateBound: Double { Double(scaledBound) / Double(1 << LagrangianRelaxation.profitShift) }
        /// Whether the relaxed selection keeps every priced rule; it keeps the envelopes by
        /// construction, so it is then a selection keeping every rule.
        var keepsEveryRow: Bool { slack.allSatisfy { $0 >= 0 } }

        /// The relaxed selection as amounts (each dossier all or nothing).
        func granted(_ prepared: PreparedPortfolio) -> [Int64] {
            selected.indices.map { selected[$0] ? prepared.requested[$0] : 0 }
        }
    }

    /// Solves every envelope's knapsack with the prices `lambda` (per unit of each row's
    /// coefficients) and returns the bound, in exact integers from the rounded prices on.
    /// - Throws: ``PortfolioError/amountOverflow`` when the prices make profits too large to add.
    func evaluate(_ lambda: [Double], deadline: ContinuousClock.Instant?) throws(PortfolioError) -> Evaluation {
        let prices = lambda.map { Self.price($0) }
        var numerators = [Int128](repeating: 0, count: prepared.count)
        for group in groups {
            for index in group.members { numerators[index] = Int128(prepared.score[index]) << Self.priceShift }
        }
        var constant: Int128 = 0
        for (row, price) in zip(rows, prices) where price != 0 {
            for (index, coefficient) in zip(row.members, row.coefficients) {
                numerators[index] = try Self.add(numerators[index], try Self.multiply(price, Int128(coefficient)))
            }
            constant = try Self.add(constant, try Self.multiply(price, Int128(row.rhs)))
        }
        let drop = Self.priceShift - Self.profitShift
        var profits = [Int64](repeating: 0, count: prepared.count)
        for group in groups {
            for index in group.members {
                // Rounded up: a larger profit can only raise the bound, which keeps it valid.
                let scaled = -Self.floorShift(-numerators[index], drop)
                guard let profit = Int64(exactly: scaled), profit.magnitude < 1 << 61 else { throw .amountOverflow }
                profits[index] = profit
            }
        }
        var selected = forcing.map { $0 == .forcedIn }
        let answers = try solveGroups(profits: profits, deadline: deadline)
        var total = Int128(forcedScore) << Self.profitShift
        for (group, answer) in zip(groups, answers) {
            for position in answer.chosen { selected[group.members[position]] = true }
            total += Int128(answer.upperBound)
        }
        // Σ λ·rhs is subtracted: rounding it down keeps the bound valid.
        let scaledBound = total - Self.floorShift(constant, drop)
        let slack = rows.map { row -> Double in
            var left: Int128 = 0
            for (index, coefficient) in zip(row.members, row.coefficients) where selected[index] {
                left += Int128(coefficient)
            }
            return Double(left - Int128(row.rhs)) / row.scale
        }
        return Evaluation(
            prices: prices, profits: profits, answers: answers, selected: selected, scaledBound: scaledBound,
            slack: slack)
    }

    /// Every group's knapsack with these profits. The knapsacks are independent: when they are
    /// large enough to be worth it (the whole problem, not a branch's few open dossiers), they are
    /// solved on every core, each answer written to its own slot.
    func solveGroups(profits: [Int64], deadline: ContinuousClock.Instant?) throws(PortfolioError) -> [Knapsack.Solution]
    {
        @Sendable func solve(_ group: Group) throws(PortfolioError) -> Knapsack.Solution {
            let items = group.members.map { Knapsack.Item(profit: profits[$0], weight: prepared.requested[$0]) }
            return try Knapsack.solve(items, capacity: group.capacity, deadline: deadline)
        }
        let members = groups.reduce(0) { $0 + $1.members.count }
        guard members >= Self.parallelMembers, groups.count > 1 else {
            var answers: [Knapsack.Solution] = []
            for group in groups { answers.append(try solve(group)) }
            return answers
        }
        var slots = [Result<Knapsack.Solution, PortfolioError>?](repeating: nil, count: groups.count)
        slots.withUnsafeMutableBufferPointer { buffer in
            // Each position writes its own slot only, and the buffer outlives the loop.
            nonisolated(unsafe) let base = buffer
            DispatchQueue.concurrentPerform(iterations: groups.count) { position in
                do throws(PortfolioError) {
                    base[position] = .success(try solve(groups[position]))
                } catch {
                    base[position] = .failure(error)
                }
            }
        }
        var answers: [Knapsack.Solution] = []
        for slot in slots {
            guard let slot else { throw .solverFailed("sac à dos non résolu") }
            answers.append(try slot.get())
        }
        return answers
    }

    /// One price per row, keyed by the rule it stands for (a branch's relaxation drops the rows
    /// its forcing settles, so rows are matched by rule); rules without a row here keep their
    /// price in `others`.
    func prices(_ lambda: [Double], over others: [Rule: Double] = [:]) -> [Rule: Double] {
        var prices = others
        for (row, price) in zip(rows, lambda) { prices[row.rule] = price }
        return prices
    }

    /// The prices per row from prices by rule (zero for a rule not priced yet).
    func lambda(_ prices: [Rule: Double]) -> [Double] { rows.map { prices[$0.rule] ?? 0 } }

    /// The open dossiers from which the groups' knapsacks are solved in parallel.
    static let parallelMembers = 500

    /// A price as an integer number of 2⁻⁶⁴, never negative, never large enough to overflow.
    static func price(_ lambda: Double) -> Int128 {
        guard lambda.isFinite, lambda > 0 else { return 0 }
        return Int128(min(lambda, 0x1p40) * 0x1p64)
    }

    /// ⌊value ÷ 2^shift⌋, also for negative values (an arithmetic shift rounds down).
    static func floorShift(_ value: Int128, _ shift: Int) -> Int128 { value >> shift }

    static func add(_ lhs: Int128, _ rhs: Int128) throws(PortfolioError) -> Int128 {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        guard !overflow else { throw .amountOverflow }
        return sum
    }

    static func multiply(_ lhs: Int128, _ rhs: Int128) throws(PortfolioError) -> Int128 {
        let (product, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        guard !overflow else { throw .amountOverflow }
        return product
    }
}
