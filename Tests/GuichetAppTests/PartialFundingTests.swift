import Foundation
import Testing

@testable import GuichetApp
@testable import GuichetDomain

/// Partial funding solved by CBC with continuous amounts rounded to the euro
/// (`PortfolioSolver.partialFunding`), held against every selection in whole euros: on random
/// small instances with a floor, theme shares and a département minimum, the proposal keeps every
/// rule, is proven optimal within the tolerance, and no selection in whole euros does better.
@Suite struct PartialFundingTests {
    @Test func theProposalIsTheBestSelectionInWholeEuros() async throws {
        var random = SplitMix64(seed: 2026_12_07)
        func number(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(random.next() % UInt64(range.count))
        }
        var optimal = 0
        var infeasible = 0
        for round in 0..<60 {
            let envelopes = [
                PortfolioEnvelope(id: "plan", parent: nil, remainingCents: Int64(number(20...60)) * 100),
                PortfolioEnvelope(id: "nord", parent: "plan", remainingCents: Int64(number(10...40)) * 100 + 37),
                PortfolioEnvelope(id: "sud", parent: "plan", remainingCents: Int64(number(10...40)) * 100),
            ]
            let dossiers = (0..<4).map { position in
                PortfolioDossier(
                    id: "D\(position)", envelope: position < 2 ? "nord" : "sud",
                    theme: number(0...1) == 0 ? "insertion" : "alimentation",
                    departement: ["59", "62"][number(0...1)],
                    // Some requests have cents: funded in full, they are paid to the cent.
                    requestedCents: Int64(number(6...20)) * 100 + (number(0...2) == 0 ? 50 : 0),
                    score: number(0...10_000))
            }
            var rules = PortfolioRules()
            rules.partialFundingFloorPercent = try Percentage(hundredths: [3_000, 5_000, 7_500][number(0...2)])
            if number(0...1) == 0 {
                rules.themeShares["insertion"] = ThemeShare(
                    minPercent: try Percentage(hundredths: number(20...60) * 100))
            }
            if number(0...2) == 0 {
                rules.themeShares["alimentation"] = ThemeShare(
                    maxPercent: try Percentage(hundredths: number(40...80) * 100))
            }
            if number(0...1) == 0 { rules.minPerDepartement = 1 }
            let problem = PortfolioProblem(
                name: "partiel-\(round)", envelopes: envelopes, dossiers: dossiers, rules: rules)
            let prepared = try PreparedPortfolio(problem)

            // Every amount each dossier may receive, every combination checked in integers.
            let choices = prepared.range.map { range in
                [Int64(0), range.requested]
                    + (range.isPartial ? (range.lowEuros...range.highEuros).map { $0 * 100 } : [])
            }
            var best: Double? = nil
            var granted = [Int64](repeating: 0, count: dossiers.count)
            func walk(_ position: Int) {
                guard position < dossiers.count else {
                    guard SelectionState(prepared, granted: granted).violations.isEmpty else { return }
                    let value = PortfolioObjective(prepared, granted: granted).value
                    if value > (best ?? -1) { best = value }
                    return
                }
                for amount in Set(choices[position]) {
                    granted[position] = amount
                    walk(position + 1)
                }
            }
            walk(0)

            let result = try await PortfolioSolver.solve(problem, milp: cbcMILPRunner(nil))
            guard let best else {
                #expect(result.status == .infeasible, "round \(round): no selection keeps the rules")
                infeasible += 1
                continue
            }
            #expect(result.status == .optimal, "round \(round)")
            #expect(result.method == .partialFunding || result.method == .knapsack, "round \(round): \(result.method)")
            let amounts = Dictionary(uniqueKeysWithValues: result.selected.map { ($0.id, $0.grantedCents) })
            let proposal = dossiers.map { amounts[$0.id] ?? 0 }
            #expect(SelectionState(prepared, granted: proposal).violations.isEmpty, "round \(round): the rules hold")
            let value = PortfolioObjective(prepared, granted: proposal).value
            let tolerance = PortfolioSolver.partialTolerance * max(best, 1)
            #expect(abs(value - best) <= tolerance, "round \(round): \(value) for a best of \(best)")
            #expect((result.bound ?? .infinity) >= best - tolerance, "round \(round): the bound is a bound")
            optimal += 1
        }
        #expect(optimal > 30 && infeasible > 0, "\(optimal) proven, \(infeasible) infeasible")
    }
}
