import Foundation

/// A reason why the envelopes cannot be decided one at a time.
///
/// Each one ties dossiers of different envelopes together, so that the proposal becomes one
/// mixed-integer program rather than independent knapsacks.
public enum PortfolioCoupling: Equatable, Sendable {
    /// Theme shares are shares of the whole selection.
    case themeShares
    /// A département's dossiers may draw on several envelopes (its own and the region's).
    case departementMinimum
    /// A partial amount is a choice between many amounts, not in or out.
    case partialFunding
    /// An inner envelope whose children could together commit more than it has left.
    case bindingEnvelope(String)
    /// Dossiers drawing directly on an envelope that has children.
    case dossiersOnInnerEnvelope(String)
}

/// Splits a proposal into one knapsack per envelope when nothing ties the envelopes together.
///
/// Without cross-envelope rules, and when no inner envelope can run short (its children's
/// *effective caps* — what they can possibly commit — fit in what it has left), the best selection
/// is the best selection of each leaf envelope on its own. Those are independent, so they are
/// solved in parallel.
public enum PortfolioDecomposition {
    /// Why `problem` does not split; empty when it does.
    /// - Throws: the ``PortfolioError`` of an invalid problem.
    public static func couplings(of problem: PortfolioProblem) throws(PortfolioError) -> [PortfolioCoupling] {
        couplings(try PreparedPortfolio(problem))
    }

    static func couplings(_ prepared: PreparedPortfolio) -> [PortfolioCoupling] {
        var found: [PortfolioCoupling] = []
        if prepared.hasThemeShares { found.append(.themeShares) }
        if prepared.hasDepartementMinimum { found.append(.departementMinimum) }
        if prepared.partial { found.append(.partialFunding) }
        var hasDirect = Array(repeating: false, count: prepared.envelopeCount)
        for index in 0..<prepared.count where prepared.forcing[index] != .forcedOut {
            hasDirect[prepared.envelopeOf[index]] = true
        }
        let caps = effectiveCaps(prepared)
        for envelope in prepared.postorder where !prepared.childrenOf[envelope].isEmpty {
            if hasDirect[envelope] {
                found.append(.dossiersOnInnerEnvelope(prepared.envelopeIDs[envelope]))
                continue
            }
            let children = prepared.childrenOf[envelope].reduce(Int64(0)) { $0 + caps[$1] }
            if children > prepared.remaining[envelope] {
                found.append(.bindingEnvelope(prepared.envelopeIDs[envelope]))
            }
        }
        return found
    }

    /// The most each envelope can commit in any selection: a leaf commits at most its forced
    /// dossiers plus every other dossier worth something that fits on its own, and never more
    /// than it has left; an inner envelope at most what its children can, and what it has left.
    static func effectiveCaps(_ prepared: PreparedPortfolio) -> [Int64] {
        let forced = prepared.forcedFloorUnder
        var usable = Array(repeating: Int64(0), count: prepared.envelopeCount)
        for index in 0..<prepared.count {
            let envelope = prepared.envelopeOf[index]
            switch prepared.forcing[index] {
            case .forcedOut: continue
            case .forcedIn: usable[envelope] += prepared.range[index].floorCents
            case .none:
                let room = prepared.remaining[envelope] - forced[envelope]
                if prepared.score[index] > 0, prepared.requested[index] <= room {
                    usable[envelope] += prepared.requested[index]
                }
            }
        }
        var caps = Array(repeating: Int64(0), count: prepared.envelopeCount)
        for envelope in prepared.postorder {
            let children = prepared.childrenOf[envelope].reduce(Int64(0)) { $0 + caps[$1] }
            caps[envelope] = min(prepared.remaining[envelope], usable[envelope] + children)
        }
        return caps
    }

    /// The best selection of each envelope on its own, ignoring every other envelope and rule.
    ///
    /// This is the whole answer when ``couplings(of:)`` is empty; otherwise it is the reference
    /// the warm start repairs and the explanations compare with ("selected on merit").
    static func solveEnvelopes(
        _ prepared: PreparedPortfolio, deadline: ContinuousClock.Instant?
    ) async throws -> EnvelopeAnswers {
        var groups: [Group] = []
        var members = Array(repeating: [Int](), count: prepared.envelopeCount)
        var forcedFull = Array(repeating: Int64(0), count: prepared.envelopeCount)
        for index in 0..<prepared.count {
            switch prepared.forcing[index] {
            case .forcedOut: continue
            case .forcedIn: forcedFull[prepared.envelopeOf[index]] += prepared.requested[index]
            case .none: members[prepared.envelopeOf[index]].append(index)
            }
        }
        for envelope in 0..<prepared.envelopeCount where !members[envelope].isEmpty {
            let items = members[envelope].map {
                Knapsack.Item(profit: prepared.score[$0], weight: prepared.requested[$0])
            }
            groups.append(
                Group(
                    envelope: envelope, capacity: max(0, prepared.remaining[envelope] - forcedFull[envelope]),
                    dossiers: members[envelope], items: items))
        }
        // Largest first, so that the last task to start is a short one.
        groups.sort { $0.items.count > $1.items.count }
        let solutions = try await withThrowingTaskGroup(of: (Int, Knapsack.Solution).self) { taskGroup in
            for (position, group) in groups.enumerated() {
                taskGroup.addTask {
                    (position, try Knapsack.solve(group.items, capacity: group.capacity, deadline: deadline))
                }
            }
            var solutions = Array(repeating: Knapsack.Solution?.none, count: groups.count)
            for try await (position, solution) in taskGroup { solutions[position] = solution }
            return solutions
        }

        var granted = Array(repeating: Int64(0), count: prepared.count)
        for index in 0..<prepared.count where prepared.forcing[index] == .forcedIn {
            granted[index] = prepared.requested[index]
        }
        var forcedScore: Int64 = 0
        for index in 0..<prepared.count where prepared.forcing[index] == .forcedIn {
            forcedScore += prepared.score[index]
        }
        var profit = forcedScore
        var bound = forcedScore
        var nodes = 0
        for (group, solution) in zip(groups, solutions) {
            guard let solution else { continue }
            for position in solution.chosen {
                granted[group.dossiers[position]] = prepared.requested[group.dossiers[position]]
            }
            profit += solution.profit
            bound += solution.upperBound
            nodes += solution.nodes
        }
        return EnvelopeAnswers(granted: granted, profit: profit, upperBound: bound, nodes: nodes)
    }

    struct Group: Sendable {
        let envelope: Int
        let capacity: Int64
        let dossiers: [Int]
        let items: [Knapsack.Item]
    }

    /// Every envelope's own best selection, put together.
    struct EnvelopeAnswers: Sendable {
        /// Amount per dossier: its request or zero.
        let granted: [Int64]
        let profit: Int64
        let upperBound: Int64
        let nodes: Int
        var isOptimal: Bool { profit >= upperBound }
    }
}
