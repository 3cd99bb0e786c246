import Foundation

/// An exact 0-1 knapsack solver for one capacity: Pisinger's *expknap*.
///
/// Items are ranked by profit per unit of weight. The greedy prefix that fits (the *break
/// solution*) is almost optimal; the optimum differs from it only around the *break item*, the
/// first one that does not fit. The search therefore starts there and branches outwards — adding
/// items after the break item while the selection fits, removing items before it while it does
/// not — and sorts the items only as far as the search reaches (the *expanding core*): the rest is
/// merely partitioned, which is what makes 14 000-item envelopes cheap.
///
/// Every node is pruned with the Dantzig bound (the linear relaxation restricted to the next item's
/// ratio), tested in exact 128-bit integer arithmetic as `(ps − z − 1)·w − ws·p < 0`: a node is
/// abandoned only when it provably cannot beat the incumbent by one unit of profit. When the search
/// ends, the incumbent is therefore optimal; when a deadline stops it, the root Dantzig bound is
/// returned so the caller can report the gap honestly.
public enum Knapsack {
    /// One candidate: what it brings and what it uses.
    public struct Item: Equatable, Sendable {
        /// The profit (a score in hundredths); items worth nothing are never chosen.
        public var profit: Int64
        /// The weight (an amount in cents).
        public var weight: Int64

        /// Creates an item.
        public init(profit: Int64, weight: Int64) {
            self.profit = profit
            self.weight = weight
        }
    }

    /// The best selection found and what proves it.
    public struct Solution: Equatable, Sendable {
        /// Positions of the chosen items in the input, ascending.
        public var chosen: [Int]
        /// Their total profit.
        public var profit: Int64
        /// Their total weight.
        public var weight: Int64
        /// No selection can exceed this profit; equal to ``profit`` once optimality is proven.
        public var upperBound: Int64
        /// Search nodes explored, for the benchmarks.
        public var nodes: Int

        /// Whether the bound proves that no better selection exists.
        public var isOptimal: Bool { profit >= upperBound }
    }

    /// Solves one knapsack exactly, or until `deadline`.
    ///
    /// Items with no profit are left out (a tie with leaving them out is always broken towards
    /// committing less money); items heavier than the capacity are left out; items of zero or
    /// negative weight with a profit are always taken.
    /// - Throws: ``PortfolioError/amountOverflow`` when total profits or weights do not fit in 64 bits.
    public static func solve(
        _ items: [Item], capacity: Int64, deadline: ContinuousClock.Instant? = nil
    ) throws(PortfolioError) -> Solution {
        var free: [Int] = []
        var room = capacity
        var freeProfit: Int64 = 0
        for (index, item) in items.enumerated() where item.profit > 0 && item.weight <= 0 {
            free.append(index)
            room = try add(room, -item.weight)
            freeProfit = try add(freeProfit, item.profit)
        }
        var entries: [Entry] = []
        var totalProfit: Int64 = 0
        var totalWeight: Int64 = 0
        if room >= 0 {
            for (index, item) in items.enumerated() where item.profit > 0 && item.weight > 0 && item.weight <= room {
                entries.append(Entry(profit: item.profit, weight: item.weight, index: index))
                totalProfit = try add(totalProfit, item.profit)
                totalWeight = try add(totalWeight, item.weight)
            }
        }
        let fixedWeight = capacity - room  // the free items' weight, zero or negative
        if totalWeight <= room {
            let chosen = (free + entries.map(\.index)).sorted()
            let profit = try add(freeProfit, totalProfit)
            return Solution(
                chosen: chosen, profit: profit, weight: totalWeight + fixedWeight, upperBound: profit, nodes: 0)
        }
        var search = Search(entries: entries, capacity: room, deadline: deadline)
        search.run()
        let chosen = (free + search.chosenIndices()).sorted()
        return Solution(
            chosen: chosen, profit: freeProfit + search.best, weight: search.bestWeight + fixedWeight,
            upperBound: freeProfit + (search.finished ? search.best : max(search.best, search.rootBound)),
            nodes: search.nodes)
    }

    static func add(_ lhs: Int64, _ rhs: Int64) throws(PortfolioError) -> Int64 {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        guard !overflow else { throw .amountOverflow }
        return sum
    }

    struct Entry {
        var profit: Int64
        var weight: Int64
        var index: Int
    }

    /// Whether `a` comes before `b`: better ratio, then lighter, then earlier — a total order, so
    /// the result never depends on how the partitioning happened to go.
    @inline(__always)
    static func precedes(_ a: Entry, _ b: Entry) -> Bool {
        let left = a.profit.multipliedFullWidth(by: b.weight)
        let right = b.profit.multipliedFullWidth(by: a.weight)
        if left != right { return left > right }
        if a.weight != b.weight { return a.weight < b.weight }
        return a.index < b.index
    }

    /// The sign of `a1·b2 − a2·b1` without overflow: Pisinger's `DET`.
    @inline(__always)
    static func determinantIsNegative(_ a1: Int64, _ a2: Int64, _ b1: Int64, _ b2: Int64) -> Bool {
        a1.multipliedFullWidth(by: b2) < a2.multipliedFullWidth(by: b1)
    }
}

extension Knapsack {
    /// The branch and bound proper, over entries partially sorted around the break item.
    struct Search {
        var entries: [Entry]
        let capacity: Int64
        let deadline: ContinuousClock.Instant?

        /// Sorted positions `core` ⊂ entries; intervals beyond it are only partitioned.
        var coreLow = 0
        var coreHigh = -1
        var lowerIntervals: [ClosedRange<Int>] = []
        var upperIntervals: [ClosedRange<Int>] = []

        var breakItem = 0
        var breakProfit: Int64 = 0
        var breakWeight: Int64 = 0
        var rootBound: Int64 = 0

        var best: Int64 = 0
        var bestWeight: Int64 = 0
        /// Positions flipped from the break solution in the incumbent: removed below the break
        /// item, added at or above it. Always inside the core, whose entries never move again.
        var bestFlips: [Int] = []
        var nodes = 0
        var finished = false

        init(entries: [Entry], capacity: Int64, deadline: ContinuousClock.Instant?) {
            self.entries = entries
            self.capacity = capacity
            self.deadline = deadline
        }

        /// Finds the break item by repeated partitioning (linear on average), keeping the
        /// untouched intervals on two stacks, nearest to the break item on top.
        mutating func partitionAroundBreak() {
            var low = 0
            var high = entries.count - 1
            var weightBelow: Int64 = 0
            while high - low > 16 {
                let pivot = partition(low, high)
                var leftWeight: Int64 = 0
                for position in low..<pivot { leftWeight += entries[position].weight }
                if weightBelow + leftWeight > capacity {
                    upperIntervals.append(pivot...high)
                    high = pivot - 1
                } else if weightBelow + leftWeight + entries[pivot].weight > capacity {
                    if pivot > low { lowerIntervals.append(low...(pivot - 1)) }
                    if pivot < high { upperIntervals.append((pivot + 1)...high) }
                    weightBelow += leftWeight
                    low = pivot
                    high = pivot
                } else {
                    weightBelow += leftWeight + entries[pivot].weight
                    lowerIntervals.append(low...pivot)
                    low = pivot + 1
                }
            }
            entries[low...high].sort(by: Knapsack.precedes)
            coreLow = low
            coreHigh = high
            var position = low
            while position <= high, weightBelow + entries[position].weight <= capacity {
                weightBelow += entries[position].weight
                position += 1
            }
            breakItem = position
            breakWeight = weightBelow
            breakProfit = 0
            for below in 0..<position { breakProfit += entries[below].profit }
        }

        /// Lomuto partition of `low...high` around a median-of-three pivot; returns its position.
        mutating func partition(_ low: Int, _ high: Int) -> Int {
            let middle = low + (high - low) / 2
            if Knapsack.precedes(entries[middle], entries[low]) { entries.swapAt(middle, low) }
            if Knapsack.precedes(entries[high], entries[low]) { entries.swapAt(high, low) }
            if Knapsack.precedes(entries[middle], entries[high]) { entries.swapAt(middle, high) }
            let pivot = entries[high]
            var store = low
            for position in low..<high where Knapsack.precedes(entries[position], pivot) {
                entries.swapAt(position, store)
                store += 1
            }
            entries.swapAt(store, high)
            return store
        }

        /// Sorts the next interval above the core when the search reaches it.
        @inline(__always)
        mutating func reachUp(to position: Int) {
            while position > coreHigh, let next = upperIntervals.popLast() {
                entries[next].sort(by: Knapsack.precedes)
                coreHigh = next.upperBound
            }
        }

        /// Sorts the next interval below the core when the search reaches it.
        @inline(__always)
        mutating func reachDown(to position: Int) {
            while position < coreLow, let next = lowerIntervals.popLast() {
                entries[next].sort(by: Knapsack.precedes)
                coreLow = next.lowerBound
            }
        }

        /// One node of the search: the break solution with items removed above `s` and added below `t`.
        struct Frame {
            var profit: Int64
            /// Weight minus capacity: ≤ 0 when the selection fits.
            var excess: Int64
            var s: Int
            var t: Int
        }

        mutating func run() {
            partitionAroundBreak()
            let count = entries.count
            let item = entries[breakItem]
            let residual = capacity - breakWeight
            let (quotient, _) = item.weight.dividingFullWidth(residual.multipliedFullWidth(by: item.profit))
            rootBound = breakProfit + quotient
            best = breakProfit
            bestWeight = breakWeight
            if best >= rootBound {
                finished = true
                return
            }

            var frames = [Frame(profit: breakProfit, excess: breakWeight - capacity, s: breakItem - 1, t: breakItem)]
            var path: [Int] = []
            var z = best
            while let frame = frames.last {
                nodes += 1
                if nodes & 4095 == 0, let deadline, ContinuousClock.now >= deadline { return }
                let child: Frame
                if frame.excess <= 0 {
                    // The selection fits: try adding the next item after the break item.
                    let t = frame.t
                    reachUp(to: t)
                    if t >= count
                        || Knapsack.determinantIsNegative(
                            frame.profit - z - 1, frame.excess, entries[t].profit, entries[t].weight)
                    {
                        frames.removeLast()
                        if !path.isEmpty { path.removeLast() }
                        continue
                    }
                    frames[frames.count - 1].t = t + 1
                    child = Frame(
                        profit: frame.profit + entries[t].profit, excess: frame.excess + entries[t].weight, s: frame.s,
                        t: t + 1)
                    path.append(t)
                } else {
                    // Too heavy: try removing the next item before the break item.
                    let s = frame.s
                    reachDown(to: s)
                    if s < 0
                        || Knapsack.determinantIsNegative(
                            frame.profit - z - 1, frame.excess, entries[s].profit, entries[s].weight)
                    {
                        frames.removeLast()
                        if !path.isEmpty { path.removeLast() }
                        continue
                    }
                    frames[frames.count - 1].s = s - 1
                    child = Frame(
                        profit: frame.profit - entries[s].profit, excess: frame.excess - entries[s].weight, s: s - 1,
                        t: frame.t)
                    path.append(s)
                }
                frames.append(child)
                if child.excess <= 0, child.profit > z {
                    z = child.profit
                    best = z
                    bestWeight = child.excess + capacity
                    bestFlips = path
                    if z >= rootBound { break }
                }
            }
            finished = true
        }

        /// The input positions of the incumbent's items.
        func chosenIndices() -> [Int] {
            let flipped = Set(bestFlips)
            var chosen: [Int] = []
            for position in entries.indices where (position < breakItem) != flipped.contains(position) {
                chosen.append(entries[position].index)
            }
            return chosen
        }
    }
}
