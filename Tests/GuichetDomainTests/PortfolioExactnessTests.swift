import Foundation
import GuichetDomain
import Testing

/// The portfolio solver against exhaustive enumeration: on every small instance, the knapsack's
/// answer is feasible, proven optimal, and worth exactly the best subset.
@Suite struct PortfolioExactnessTests {
    /// The best total profit of any subset within the capacity.
    static func enumerate(_ items: [Knapsack.Item], capacity: Int64) -> Int64 {
        var best: Int64 = 0
        for mask in 0..<(1 << items.count) {
            var weight: Int64 = 0, profit: Int64 = 0
            for index in items.indices where mask & (1 << index) != 0 {
                weight += items[index].weight
                profit += items[index].profit
            }
            if weight <= capacity { best = max(best, profit) }
        }
        return best
    }

    @Test(arguments: ["independent", "ties", "zeroes and giants"])
    func theKnapsackMatchesEnumeration(family: String) throws {
        var random = SplitMix64(seed: 2021)
        for _ in 0..<600 {
            let count = Int(random.int(0...11))
            let items = (0..<count).map { _ -> Knapsack.Item in
                let weight = random.int(1...40)
                switch family {
                case "ties":
                    return Knapsack.Item(profit: random.int(1...3) * 2 * (weight % 4 + 1), weight: (weight % 4 + 1) * 3)
                case "zeroes and giants":
                    return Knapsack.Item(
                        profit: random.int(0...2) == 0 ? 0 : random.int(1...60),
                        weight: random.int(0...4) == 0 ? 400 : weight)
                default: return Knapsack.Item(profit: random.int(0...100), weight: weight)
                }
            }
            let capacity = random.int(0...150)
            let solution = try Knapsack.solve(items, capacity: capacity)
            #expect(solution.profit == Self.enumerate(items, capacity: capacity), "items \(items) capacity \(capacity)")
            #expect(solution.weight <= capacity)
            #expect(solution.chosen.reduce(Int64(0)) { $0 + items[$1].profit } == solution.profit)
            #expect(solution.isOptimal)
        }
    }

    @Test func independentEnvelopesAreSolvedExactlyWithoutTheMILP() async throws {
        var random = SplitMix64(seed: 6_600_000)
        for round in 0..<60 {
            let envelopes = [
                PortfolioEnvelope(id: "plan", parent: nil, remainingCents: 1_000_000_000),
                PortfolioEnvelope(id: "aisne", parent: "plan", remainingCents: random.int(0...60) * 10_000),
                PortfolioEnvelope(id: "nord", parent: "plan", remainingCents: random.int(0...60) * 10_000),
            ]
            let dossiers = (0..<Int(random.int(1...10))).map { index in
                PortfolioDossier(
                    id: "D\(round)-\(index)", envelope: index.isMultiple(of: 2) ? "aisne" : "nord",
                    theme: "alimentation",
                    departement: index.isMultiple(of: 2) ? "02" : "59", requestedCents: random.int(1...20) * 10_000,
                    score: Int(random.int(0...10_000)))
            }
            let problem = PortfolioProblem(name: "essai", envelopes: envelopes, dossiers: dossiers)
            let result = try await PortfolioSolver.solve(problem) { _ in
                Issue.record("independent envelopes never need the MILP")
                throw PortfolioError.solverFailed("unexpected")
            }
            var expected: Int64 = 0
            for envelope in ["aisne", "nord"] {
                let mine = dossiers.filter { $0.envelope == envelope }
                let capacity = envelopes.first { $0.id == envelope }?.remainingCents ?? 0
                expected += Self.enumerate(
                    mine.map { Knapsack.Item(profit: Int64($0.score), weight: $0.requestedCents) }, capacity: capacity)
            }
            #expect(result.provenOptimal)
            #expect(result.objective == .points(expected))
            #expect(Set(result.explanations.map(\.id)) == Set(dossiers.map(\.id)), "every dossier is explained")
            for envelope in ["aisne", "nord"] {
                let spent = result.selected.filter { grant in dossiers.first { $0.id == grant.id }?.envelope == envelope
                }
                .reduce(Int64(0)) { $0 + $1.grantedCents }
                #expect(spent <= envelopes.first { $0.id == envelope }?.remainingCents ?? 0)
            }
        }
    }

    @Test func forcedDossiersAreHonouredAndExplained() async throws {
        let envelopes = [PortfolioEnvelope(id: "hdf", parent: nil, remainingCents: 100_000)]
        let dossiers = [
            PortfolioDossier(
                id: "A", envelope: "hdf", theme: "t", departement: "02", requestedCents: 60_000, score: 9_000),
            PortfolioDossier(
                id: "B", envelope: "hdf", theme: "t", departement: "02", requestedCents: 50_000, score: 1_000),
            PortfolioDossier(
                id: "C", envelope: "hdf", theme: "t", departement: "02", requestedCents: 40_000, score: 8_000),
        ]
        var rules = PortfolioRules()
        rules.forcedIn = ["B"]
        rules.forcedOut = ["A"]
        let result = try await PortfolioSolver.solve(
            PortfolioProblem(name: "essai", envelopes: envelopes, dossiers: dossiers, rules: rules)
        ) { _ in
            throw PortfolioError.solverFailed("no MILP here")
        }
        #expect(Set(result.selected.map(\.id)) == ["B", "C"])
        #expect(result.explanations.first { $0.id == "A" }?.reason == .forcedOut)
        #expect(result.explanations.first { $0.id == "B" }?.reason == .forcedIn)
    }
}
