import Foundation

/// The coupled proposal solved through its structure rather than as one opaque program.
///
/// 1. **Prices.** The rules tying envelopes together are relaxed with a price each
///    (``LagrangianRelaxation``), and the prices are improved by subgradient steps (Polyak's step
///    towards the best selection known, halved when the bound stalls — Held, Wolfe and Crowder
///    1974; Fisher 1981). Each step solves every envelope's knapsack exactly (expknap), so the
///    bound keeps each envelope's integrality: on the national instance with theme shares it
///    lies within a few hundredths of a percent of the optimum, where the linear relaxation is
///    0.2 % away.
/// 2. **Selections.** Relaxed selections that keep every rule, the others repaired greedily
///    (``WarmStart``), the prices of broken rules raised until the relaxed selection keeps them,
///    then a local search (``improve(_:_:until:)``); the best is the incumbent.
/// 3. **Fixing against a target** (``fix(_:_:incumbentValue:deadline:)``). With the best prices, a
///    dossier whose opposite choice would drop the bound below the target is fixed at its relaxed
///    choice: no selection reaching the target can differ there. The test is exact — first the
///    envelope's linear bound in 128-bit integers, which settles the dossiers far from their
///    envelope's break item, then the knapsack solved again with that dossier flipped.
/// 4. **Cores** (``PortfolioSolver``): the dossiers left open, with every rule, go to the
///    mixed-integer solver (CBC). A core holding no selection that reaches the target lowers the
///    bound below it and the next target is twice as far down, the last one the incumbent plus
///    one point; a core holding one gives the optimum. A time limit leaves the best selection
///    and a bound, and the gap is reported.
///
/// Every decision (the bound, the fixing, the final check) is taken in integers: the prices are
/// rounded to multiples of 2⁻⁶⁴, the profits rounded up at 2⁻²⁴ of a point, so that floating
/// point only chooses the prices, never what they prove.
enum LagrangianSearch {
    /// What the search found before the core is handed over.
    struct Reduction: Sendable {
        /// The best selection known that keeps every rule, if any.
        var incumbent: [Int64]?
        /// Its value (−1 when there is none: every selection scores at least 0).
        var incumbentValue: Int64
        /// The Lagrangian bound on any selection keeping every rule.
        var bound: Int64
        var iterations: Int
        /// The relaxation at the best prices, for the fixing.
        var evaluation: LagrangianRelaxation.Evaluation?
        /// The best prices, by rule, for the branching's first node.
        var prices: [LagrangianRelaxation.Rule: Double] = [:]
        /// Whether the bound already proves the incumbent optimal (nothing left to search).
        var proven: Bool { incumbent != nil && bound <= incumbentValue }

        /// Records `granted` if it beats the incumbent.
        mutating func offer(_ granted: [Int64], value: Int64) {
            guard value > incumbentValue else { return }
            incumbent = granted
            incumbentValue = value
        }
    }

    /// Improves the prices and finds the best selection it can from the relaxed ones.
    /// - Parameter budget: the seconds the price search may take.
    static func reduce(
        _ relaxation: LagrangianRelaxation, budget: Double, deadline: ContinuousClock.Instant
    ) throws(PortfolioError) -> Reduction {
        let prepared = relaxation.prepared
        let clock = ContinuousClock()
        let stop = clock.now.advanced(by: .milliseconds(Int64(max(0.05, budget) * 1000)))
        var lambda = [Double](repeating: 0, count: relaxation.rows.count)
        var incumbent: [Int64]?
        var incumbentValue: Int64 = -1
        var best: LagrangianRelaxation.Evaluation?
        var bestLambda: [Double]?
        var theta = 1.0
        var stalled = 0
        var iterations = 0
        let ranking = WarmStart.ranking(prepared)
        while iterations < 400, clock.now < stop {
            iterations += 1
            let evaluation = try relaxation.evaluate(lambda, deadline: deadline)
            if best.map({ evaluation.scaledBound < $0.scaledBound }) ?? true {
                best = evaluation
                bestLambda = lambda
                stalled = 0
            } else {
                stalled += 1
                if stalled >= 8 {
                    theta /= 2
                    stalled = 0
                }
            }
            let relaxed = evaluation.granted(prepared)
            // A relaxed selection that keeps every rule is itself a candidate; otherwise it is
            // repaired, every eighth step (a repair costs more than a step).
            let candidate =
                evaluation.keepsEveryRow
                ? relaxed
                : (iterations % 8 == 1 ? WarmStart.repair(prepared, reference: relaxed, ranking: ranking) : nil)
            if let candidate {
                let value = Self.points(prepared, candidate)
                if value > incumbentValue {
                    incumbent = candidate
                    incumbentValue = value
                }
            }
            guard let bound = best?.bound, bound > incumbentValue, theta > 1e-4 else { break }
            // Polyak's step towards the incumbent (or a little below the bound when there is none).
            let target = incumbent != nil ? Double(incumbentValue) : evaluation.approximateBound * 0.999
            guard Self.step(relaxation, &lambda, evaluation, towards: target, theta: theta) else { break }
        }
        // The Lagrangian heuristic: from the best prices, raise the price of every broken rule
        // until the relaxed selection keeps them all; each envelope's choice stays optimal for its
        // prices, so the selection loses little.
        if let start = bestLambda, let bound = best?.bound, bound > incumbentValue {
            let base = max(1, relaxation.rows.indices.map { start[$0] * relaxation.rows[$0].scale }.max() ?? 1)
            // The prices raised by `push` (in units of the largest price) on the rows `broken`.
            func raised(_ push: Double, _ broken: [Int]) -> [Double] {
                var prices = start
                for row in broken {
                    let scale = relaxation.rows[row].scale
                    prices[row] = min(start[row] * scale + push * base, 1e6) / scale
                }
                return prices
            }
            func feasible(_ evaluation: LagrangianRelaxation.Evaluation) -> [Int64]? {
                evaluation.keepsEveryRow ? evaluation.granted(prepared) : nil
            }
            let first = try relaxation.evaluate(start, deadline: deadline)
            let broken = first.slack.indices.filter { first.slack[$0] < 0 }
            // Doubling until the selection keeps every rule, then halving the interval: the
            // smallest push found loses the least.
            var low = 0.0
            var high = 0.001
            var found: [Int64]?
            for _ in 0..<30 where clock.now < deadline {
                if let selection = feasible(try relaxation.evaluate(raised(high, broken), deadline: deadline)) {
                    found = selection
                    break
                }
                low = high
                high *= 2
            }
            if found != nil {
                for _ in 0..<12 where clock.now < deadline {
                    let middle = (low + high) / 2
                    if let selection = feasible(try relaxation.evaluate(raised(middle, broken), deadline: deadline)) {
                        if Self.points(prepared, selection) >= Self.points(prepared, found ?? []) { found = selection }
                        high = middle
                    } else {
                        low = middle
                    }
                }
            }
            if let found, Self.points(prepared, found) > incumbentValue {
                incumbent = found
                incumbentValue = Self.points(prepared, found)
            }
        }
        if let current = incumbent {
            // A local search from the incumbent, with a small share of the time: 50 ms at most,
            // since the cores' branching finds the better selections the search would (longer
            // searches left national size unchanged, 0.1 s later).
            let stopImproving = clock.now.advanced(by: .milliseconds(Int64(min(0.05, budget * 0.1) * 1000)))
            let better = improve(prepared, current, until: min(stopImproving, deadline))
            let value = Self.points(prepared, better)
            if value > incumbentValue {
                incumbent = better
                incumbentValue = value
            }
        }
        guard let best else {
            return Reduction(
                incumbent: incumbent, incumbentValue: incumbentValue, bound: Int64.max,
                iterations: iterations)
        }
        return Reduction(
            incumbent: incumbent, incumbentValue: incumbentValue, bound: best.bound,
            iterations: iterations, evaluation: best, prices: relaxation.prices(bestLambda ?? []))
    }

    /// Moves the prices by Polyak's subgradient step towards `target`, a value the bound should
    /// come down to; returns false when no price can move (no row broken, and every satisfied
    /// row's price already zero).
    static func step(
        _ relaxation: LagrangianRelaxation, _ lambda: inout [Double], _ evaluation: LagrangianRelaxation.Evaluation,
        towards target: Double, theta: Double
    ) -> Bool {
        let gap = max(evaluation.approximateBound - target, 1)
        var norm = 0.0
        var direction = evaluation.slack
        for row in direction.indices {
            // A satisfied row whose price is already zero does not move.
            if lambda[row] <= 0, direction[row] > 0 { direction[row] = 0 }
            norm += direction[row] * direction[row]
        }
        guard norm > 0 else { return false }
        let step = theta * gap / norm
        for (row, item) in relaxation.rows.enumerated() {
            let scaled = lambda[row] * item.scale - step * direction[row]
            lambda[row] = min(max(0, scaled), 1e6) / item.scale
        }
        return true
    }

    /// The sum of the selected dossiers' scores.
    static func points(_ prepared: PreparedPortfolio, _ granted: [Int64]) -> Int64 {
        granted.indices.reduce(Int64(0)) { $0 + (granted[$1] > 0 ? prepared.score[$1] : 0) }
    }

    /// Fixes every dossier whose opposite choice provably cannot score more than `incumbentValue`
    /// (the target minus one): every selection that scores more agrees with the fixings.
    static func fix(
        _ relaxation: LagrangianRelaxation, _ evaluation: LagrangianRelaxation.Evaluation, incumbentValue: Int64,
        deadline: ContinuousClock.Instant
    ) throws(PortfolioError) -> [Bool?] {
        let prepared = relaxation.prepared
        var fixed = [Bool?](repeating: nil, count: prepared.count)
        for index in 0..<prepared.count where relaxation.forcing[index] != .none {
            fixed[index] = relaxation.forcing[index] == .forcedIn
        }
        // A selection better than the incumbent scores at least incumbent + 1: scaled, this.
        let needed = Int128(incumbentValue + 1) << LagrangianRelaxation.profitShift
        for (group, answer) in zip(relaxation.groups, evaluation.answers) {
            // The group's part of the bound may drop by this much before the bound falls below `needed`.
            let allowance = evaluation.scaledBound - needed
            // The flipped knapsack's bound must be below this for the flip to be hopeless.
            let threshold = Int128(answer.upperBound) - allowance
            let items = group.members.map {
                Knapsack.Item(profit: evaluation.profits[$0], weight: prepared.requested[$0])
            }
            let linear = LinearBound(items: items, capacity: group.capacity)
            for (position, index) in group.members.enumerated() {
                let chosen = evaluation.selected[index]
                if linear.flipBelow(position, chosen: chosen, threshold: threshold) {
                    fixed[index] = chosen
                    continue
                }
                var others = items
                others[position].profit = 0
                let flipped: Int128
                if chosen {
                    flipped = Int128(
                        try Knapsack.solve(others, capacity: group.capacity, deadline: deadline).upperBound)
                } else if items[position].weight > group.capacity {
                    fixed[index] = false  // it never fits
                    continue
                } else {
                    let rest = try Knapsack.solve(
                        others, capacity: group.capacity - items[position].weight, deadline: deadline)
                    flipped = Int128(items[position].profit) + Int128(rest.upperBound)
                }
                if flipped < threshold { fixed[index] = chosen }
            }
        }
        return fixed
    }

    /// An envelope knapsack's linear relaxation (Dantzig's bound), to settle cheaply the dossiers
    /// far from its break item: flipping one against its linear value costs at least its reduced
    /// profit `|p − ρ·w|`, ρ the break item's ratio.
    struct LinearBound {
        let items: [Knapsack.Item]
        /// Positions in ratio order, best first; only positive profits.
        let order: [Int]
        /// Whether each position is taken whole by the linear relaxation.
        let taken: [Bool]
        /// The break item's profit and weight (ratio ρ = p/w), nil when everything fits.
        let breakItem: Knapsack.Item?
        /// The relaxation's value, times the break item's weight (exact).
        let scaledValue: Int128

        init(items: [Knapsack.Item], capacity: Int64) {
            self.items = items
            let positive = items.indices.filter { items[$0].profit > 0 && items[$0].weight > 0 }
            order = positive.sorted {
                let left = Int128(items[$0].profit) * Int128(items[$1].weight)
                let right = Int128(items[$1].profit) * Int128(items[$0].weight)
                return left != right ? left > right : $0 < $1
            }
            var taken = [Bool](repeating: false, count: items.count)
            var room = capacity
            var value: Int128 = 0
            var breakItem: Knapsack.Item?
            for position in order {
                if items[position].weight <= room {
                    taken[position] = true
                    room -= items[position].weight
                    value += Int128(items[position].profit)
                } else {
                    breakItem = items[position]
                    break
                }
            }
            self.taken = taken
            self.breakItem = breakItem
            if let breakItem {
                scaledValue = value * Int128(breakItem.weight) + Int128(breakItem.profit) * Int128(room)
            } else {
                scaledValue = value
            }
        }

        /// Whether flipping `position` away from `chosen` provably leaves the knapsack's bound
        /// below `threshold`, by the linear relaxation alone.
        func flipBelow(_ position: Int, chosen: Bool, threshold: Int128) -> Bool {
            let item = items[position]
            guard let breakItem else {
                // Everything worth taking fits: dropping a taken item loses its profit, adding an
                // item worth nothing or less adds its (non-positive) profit.
                if chosen, taken[position] { return scaledValue - Int128(item.profit) < threshold }
                if !chosen, item.profit <= 0 { return scaledValue + Int128(item.profit) < threshold }
                return false
            }
            let denominator = Int128(breakItem.weight)
            // Reduced profit times the break weight: p·w_b − p_b·w.
            let reduced = Int128(item.profit) * denominator - Int128(breakItem.profit) * Int128(item.weight)
            let againstLinear = chosen ? (taken[position] && reduced > 0) : (!taken[position] && reduced < 0)
            guard againstLinear else { return false }
            // ⌊LP − |reduced|⌋ < threshold  ⇔  LP·w_b − |reduced·w_b| < threshold·w_b.
            return scaledValue - reduced.magnitudeAsInt128 < threshold * denominator
        }
    }
}

extension Int128 {
    fileprivate var magnitudeAsInt128: Int128 { self < 0 ? -self : self }
}

extension LagrangianSearch {
    /// Improves a selection that keeps every rule by single moves, each checked exactly: add a
    /// dossier that fits, or swap a selected dossier for a better-scored one. Every accepted move
    /// keeps the envelopes, the shares, the département minimums and the forced dossiers, so the
    /// result still keeps them all. Best improvement first; stops at a local optimum or at `stop`.
    static func improve(
        _ prepared: PreparedPortfolio, _ granted: [Int64], until stop: ContinuousClock.Instant
    ) -> [Int64] {
        var state = SelectionState(prepared, granted: granted)
        let candidates = (0..<prepared.count).filter {
            prepared.forcing[$0] == .none && !prepared.range[$0].isPartial && prepared.score[$0] > 0
        }.sorted { prepared.score[$0] > prepared.score[$1] }
        var improved = true
        var passes = 0
        while improved, passes < 50, ContinuousClock.now < stop {
            improved = false
            passes += 1
            // Selected dossiers, worst first: the ones a swap would rather drop.
            let selected = (0..<prepared.count).filter {
                state.granted[$0] > 0 && prepared.forcing[$0] == .none
            }.sorted { prepared.score[$0] < prepared.score[$1] }
            for incoming in candidates where state.granted[incoming] == 0 {
                if keeps(state, adding: incoming, removing: nil) {
                    state.set(incoming, to: prepared.requested[incoming])
                    improved = true
                    continue
                }
                for outgoing in selected where state.granted[outgoing] > 0 {
                    guard prepared.score[outgoing] < prepared.score[incoming] else { break }
                    if keeps(state, adding: incoming, removing: outgoing) {
                        state.set(outgoing, to: 0)
                        state.set(incoming, to: prepared.requested[incoming])
                        improved = true
                        break
                    }
                }
                if ContinuousClock.now >= stop { break }
            }
        }
        return state.granted
    }

    /// Whether adding `incoming` (and removing `outgoing`) keeps every rule, from the totals alone.
    static func keeps(_ state: SelectionState, adding incoming: Int, removing outgoing: Int?) -> Bool {
        let prepared = state.prepared
        let added = prepared.requested[incoming]
        let removed = outgoing.map { prepared.requested[$0] } ?? 0
        let outgoingChain = outgoing.map { prepared.chainOf[prepared.envelopeOf[$0]] } ?? []
        for envelope in prepared.chainOf[prepared.envelopeOf[incoming]] {
            let freed = outgoingChain.contains(envelope) ? removed : 0
            if state.usage[envelope] + added - freed > prepared.remaining[envelope] { return false }
        }
        if let outgoing, let departement = prepared.departementOf[outgoing],
            prepared.departementOf[incoming] != departement,
            state.departementCount[departement] <= prepared.departementMinimum[departement]
        {
            return false
        }
        guard prepared.hasThemeShares else { return true }
        var totals = state.themeTotal
        totals[prepared.themeOf[incoming]] += added
        if let outgoing { totals[prepared.themeOf[outgoing]] -= removed }
        return state.brokenShares(themeTotal: totals, total: state.total + added - removed).isEmpty
    }
}
