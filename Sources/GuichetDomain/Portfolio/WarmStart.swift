import Foundation

/// Repairs the envelopes' own best selections into one that satisfies every rule, greedily.
///
/// CBC proves optimality faster when it starts from a good feasible selection: every node whose
/// bound cannot beat it is cut at once. The knapsack answers are nearly that selection; what they
/// ignore (ancestors' limits, département minimums, theme shares) is repaired by taking out the
/// dossiers with the worst score per euro and adding those with the best, then the room left is
/// filled. The repair may fail (rules that only a search can reconcile): CBC then starts cold.
enum WarmStart {
    /// - Parameter ranking: ``ranking(_:)``, when the caller repairs many selections of one problem.
    static func repair(_ prepared: PreparedPortfolio, reference: [Int64], ranking: [Int]? = nil) -> [Int64]? {
        var repair = Repair(
            prepared: prepared, state: SelectionState(prepared, granted: reference),
            bestFirst: ranking ?? WarmStart.ranking(prepared))
        guard repair.fitEnvelopes(), repair.reachDepartementMinimums(), repair.balanceThemes() else { return nil }
        repair.fill()
        return repair.state.violations.isEmpty ? repair.state.granted : nil
    }

    /// Dossiers by score per euro, best first; ties by smaller request, then instance order.
    static func ranking(_ prepared: PreparedPortfolio) -> [Int] {
        (0..<prepared.count).sorted { a, b in
            let left = prepared.score[a].multipliedFullWidth(by: prepared.requested[b])
            let right = prepared.score[b].multipliedFullWidth(by: prepared.requested[a])
            if left != right { return left > right }
            if prepared.requested[a] != prepared.requested[b] { return prepared.requested[a] < prepared.requested[b] }
            return a < b
        }
    }

    struct Repair {
        let prepared: PreparedPortfolio
        var state: SelectionState
        let bestFirst: [Int]

        init(prepared: PreparedPortfolio, state: SelectionState, bestFirst: [Int]) {
            self.prepared = prepared
            self.state = state
            self.bestFirst = bestFirst
        }

        private func isUnder(_ envelope: Int, _ index: Int) -> Bool {
            prepared.chainOf[prepared.envelopeOf[index]].contains(envelope)
        }

        private func removable(_ index: Int) -> Bool {
            state.granted[index] > 0 && prepared.forcing[index] != .forcedIn && state.departementAllowsRemoving(index)
        }

        /// The largest allowed amount for `index` that fits where it draws, if any.
        private func fittingAmount(_ index: Int) -> Int64? {
            let range = prepared.range[index]
            let room = state.room(for: index).cents + state.granted[index]
            if range.requested <= room { return range.requested }
            guard range.isPartial else { return nil }
            let euros = min(range.highEuros, room / 100)
            return euros >= range.lowEuros ? euros * 100 : nil
        }

        /// Takes out (or lowers to their floor) the worst dossiers of every overspent envelope.
        mutating func fitEnvelopes() -> Bool {
            for envelope in prepared.postorder where state.usage[envelope] > prepared.remaining[envelope] {
                for index in bestFirst.reversed() where state.usage[envelope] > prepared.remaining[envelope] {
                    guard isUnder(envelope, index), state.granted[index] > 0 else { continue }
                    if prepared.forcing[index] == .forcedIn {
                        state.set(index, to: prepared.range[index].floorCents)
                    } else {
                        state.set(index, to: 0)
                    }
                }
                if state.usage[envelope] > prepared.remaining[envelope] { return false }
            }
            return true
        }

        /// Adds each short département's best dossiers that fit, making room when none does.
        mutating func reachDepartementMinimums() -> Bool {
            for departement in prepared.departementIDs.indices {
                let wanted = prepared.departementMinimum[departement]
                var candidates = bestFirst.filter {
                    prepared.departementOf[$0] == departement && state.granted[$0] == 0
                        && prepared.forcing[$0] != .forcedOut
                }[...]
                while state.departementCount[departement] < wanted {
                    guard let index = candidates.popFirst() else { return false }
                    if let amount = fittingAmount(index) {
                        state.set(index, to: amount)
                        continue
                    }
                    // Make room in the tightest envelope with dossiers not needed elsewhere.
                    let tight = state.room(for: index).envelope
                    for other in bestFirst.reversed() where fittingAmount(index) == nil {
                        if isUnder(tight, other), prepared.departementOf[other] != departement, removable(other) {
                            state.set(other, to: 0)
                        }
                    }
                    if let amount = fittingAmount(index) { state.set(index, to: amount) }
                }
            }
            return true
        }

        /// Moves the selection towards every theme share, one dossier at a time.
        mutating func balanceThemes() -> Bool {
            var steps = 0
            while let broken = state.brokenShares.first {
                steps += 1
                // Each step scans the dossiers: past a few thousand steps CBC is better off starting cold.
                guard steps <= min(4 * prepared.count + 64, 2_000) else { return false }
                switch broken {
                case .themeAboveMaximum(let theme):
                    // Lower the theme: its worst dossier goes to its floor, or out.
                    if let index = bestFirst.reversed().first(where: { prepared.themeOf[$0] == theme && removable($0) })
                    {
                        let floor = prepared.range[index].floorCents
                        state.set(index, to: state.granted[index] > floor ? floor : 0)
                    } else if let index = bestFirst.first(where: {
                        prepared.themeOf[$0] != theme && state.granted[$0] == 0 && prepared.forcing[$0] != .forcedOut
                            && fittingAmount($0) != nil
                    }),
                        let amount = fittingAmount(index)
                    {
                        state.set(index, to: amount)
                    } else {
                        return false
                    }
                case .themeBelowMinimum(let theme):
                    if let index = bestFirst.first(where: {
                        prepared.themeOf[$0] == theme && state.granted[$0] == 0 && prepared.forcing[$0] != .forcedOut
                            && fittingAmount($0) != nil
                    }),
                        let amount = fittingAmount(index)
                    {
                        state.set(index, to: amount)
                    } else if let index = bestFirst.reversed().first(where: {
                        prepared.themeOf[$0] != theme && removable($0)
                    }) {
                        state.set(index, to: 0)
                    } else {
                        return false
                    }
                default:
                    return false
                }
            }
            return true
        }

        /// Adds, best first, every dossier that still fits without breaking a share.
        mutating func fill() {
            for index in bestFirst
            where state.granted[index] == 0 && prepared.forcing[index] != .forcedOut && prepared.score[index] > 0 {
                guard let amount = fittingAmount(index) else { continue }
                state.set(index, to: amount)
                if !state.brokenShares.isEmpty { state.set(index, to: 0) }
            }
        }
    }
}
