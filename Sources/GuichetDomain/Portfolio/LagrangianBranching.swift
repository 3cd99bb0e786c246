import Foundation

/// A branch and bound over a core — the dossiers the fixing left open — on the Lagrangian bound,
/// in process: what CBC does for a core, without a linear program and without starting a process.
///
/// Each node is a forcing (the chair's, the fixing's, the branches'). Its bound is the relaxation
/// with the node's dossiers decided (``LagrangianRelaxation``, whose knapsacks then hold only the
/// open dossiers of the envelopes they draw on), the prices improved by a few subgradient steps
/// from the parent's: each node's bound is a Lagrangian dual of its own, as strong as the linear
/// relaxation with every knapsack's convex hull, which is what CBC reaches after its cuts. A node
/// is cut when its bound does not exceed the best selection known, or when its forcing already
/// breaks a rule; a relaxed selection that keeps every rule is a selection; the dossiers the
/// node's bound settles are fixed for its subtree (the same test as ``LagrangianSearch/fix``).
/// The branching variable is the open dossier whose relaxed choice changed most during the node's
/// steps — the average of the relaxed selections estimates the linear solution (Sherali and Choi,
/// 1996), and the dossier nearest one half is the most undecided; the branch the relaxation
/// prefers is explored first, depth first, which finds selections early.
///
/// Every cut is taken on the exact integer bound, as everywhere in the search; the floating-point
/// prices only steer it. The search gives up at a node limit or the deadline, and the caller then
/// hands the core to CBC: the branching is the fast path, never the only one.
enum LagrangianBranching {
    struct Outcome {
        /// The best selection found scoring more than the floor, if any.
        var best: [Int64]?
        /// Its value, or the floor when none was found.
        var bestValue: Int64
        /// Whether the whole tree was searched: then no selection agreeing with the fixings
        /// scores more than `bestValue`.
        var complete: Bool
        var nodes: Int

        /// Keeps `selection` if it scores more than the best so far and keeps every rule, checked in full.
        mutating func offer(_ selection: [Int64], _ prepared: PreparedPortfolio) {
            let value = LagrangianSearch.points(prepared, selection)
            guard value > bestValue, SelectionState(prepared, granted: selection).violations.isEmpty else { return }
            best = selection
            bestValue = value
        }
    }

    private struct Node {
        var forcing: [Forcing]
        var prices: [LagrangianRelaxation.Rule: Double]
        var depth: Int
    }

    /// Searches every selection agreeing with `fixed` for one scoring more than `floor`.
    /// - Parameters:
    ///   - fixed: per dossier, fixed in, out, or open (forced dossiers are fixed whatever it says).
    ///   - prices: the starting prices, by rule (the search's best).
    ///   - nodeLimit: the nodes it may open before giving up.
    static func search(
        _ prepared: PreparedPortfolio, fixed: [Bool?], prices: [LagrangianRelaxation.Rule: Double], floor: Int64,
        nodeLimit: Int, deadline: ContinuousClock.Instant
    ) throws(PortfolioError) -> Outcome {
        var root = prepared.forcing
        for index in 0..<prepared.count where root[index] == .none {
            if let choice = fixed[index] { root[index] = choice ? .forcedIn : .forcedOut }
        }
        var stack = [Node(forcing: root, prices: prices, depth: 0)]
        var outcome = Outcome(best: nil, bestValue: floor, complete: false, nodes: 0)
        while var node = stack.popLast() {
            guard outcome.nodes < nodeLimit, ContinuousClock.now < deadline else { return outcome }
            outcome.nodes += 1
            let relaxation = try LagrangianRelaxation(prepared, forcing: node.forcing)
            if relaxation.impossible { continue }
            let dual = try Self.dual(
                relaxation, from: node.prices, floor: outcome.bestValue, iterations: node.depth == 0 ? 60 : 15,
                deadline: deadline)
            if let selection = dual.selection { outcome.offer(selection, prepared) }
            let evaluation = dual.evaluation
            if evaluation.bound <= outcome.bestValue { continue }
            // The dossiers this node's bound settles are settled for its whole subtree.
            let settled = try LagrangianSearch.fix(
                relaxation, evaluation, incumbentValue: outcome.bestValue, deadline: deadline)
            var open: [Int] = []
            for index in 0..<prepared.count where node.forcing[index] == .none {
                if let choice = settled[index] {
                    node.forcing[index] = choice ? .forcedIn : .forcedOut
                } else {
                    open.append(index)
                }
            }
            guard !open.isEmpty else {
                // Every dossier decided: one selection, checked in full.
                outcome.offer(
                    node.forcing.indices.map { node.forcing[$0] == .forcedIn ? prepared.requested[$0] : 0 }, prepared)
                continue
            }
            let broken = Set(
                relaxation.rows.indices.filter { evaluation.slack[$0] < 0 }.flatMap { relaxation.rows[$0].members })
            let branch = open.min { left, right in
                let (l, r) = (abs(dual.average[left] - 0.5), abs(dual.average[right] - 0.5))
                if l != r { return l < r }
                let (inLeft, inRight) = (broken.contains(left), broken.contains(right))
                if inLeft != inRight { return inLeft }
                return prepared.requested[left] > prepared.requested[right]
            }
            guard let branch else { continue }
            let preferred = dual.average[branch] >= 0.5
            for choice in [!preferred, preferred] {
                var child = node
                child.forcing[branch] = choice ? .forcedIn : .forcedOut
                child.prices = dual.prices
                child.depth += 1
                stack.append(child)
            }
        }
        outcome.complete = true
        return outcome
    }

    private struct Dual {
        /// The evaluation with the lowest bound.
        var evaluation: LagrangianRelaxation.Evaluation
        /// Its prices, by rule.
        var prices: [LagrangianRelaxation.Rule: Double]
        /// Per dossier, the share of the steps whose relaxed selection took it.
        var average: [Double]
        /// The best relaxed selection that kept every rule, if any.
        var selection: [Int64]?
    }

    /// A few subgradient steps from `start`, aiming the bound at `floor` (the node is cut once it
    /// gets there).
    private static func dual(
        _ relaxation: LagrangianRelaxation, from start: [LagrangianRelaxation.Rule: Double], floor: Int64,
        iterations: Int, deadline: ContinuousClock.Instant
    ) throws(PortfolioError) -> Dual {
        let prepared = relaxation.prepared
        var lambda = relaxation.lambda(start)
        var best = try relaxation.evaluate(lambda, deadline: deadline)
        var bestLambda = lambda
        var current = best
        var counts = [Int](repeating: 0, count: prepared.count)
        var steps = 0
        var selection: [Int64]?
        var selectionValue = Int64.min
        var theta = 1.0
        var stalled = 0
        while true {
            steps += 1
            for index in 0..<prepared.count where current.selected[index] { counts[index] += 1 }
            if current.keepsEveryRow {
                let granted = current.granted(prepared)
                let value = LagrangianSearch.points(prepared, granted)
                if value > selectionValue {
                    selection = granted
                    selectionValue = value
                }
            }
            guard steps < iterations, best.bound > max(floor, selectionValue) else { break }
            guard LagrangianSearch.step(relaxation, &lambda, current, towards: Double(floor), theta: theta) else {
                break
            }
            current = try relaxation.evaluate(lambda, deadline: deadline)
            if current.scaledBound < best.scaledBound {
                best = current
                bestLambda = lambda
                stalled = 0
            } else {
                stalled += 1
                if stalled >= 3 {
                    theta /= 2
                    stalled = 0
                }
            }
        }
        let prices = relaxation.prices(bestLambda, over: start)
        let average = counts.map { Double($0) / Double(steps) }
        return Dual(evaluation: best, prices: prices, average: average, selection: selection)
    }
}
