import Foundation
import Testing

@testable import GuichetDomain

/// Coupled rules (theme shares, département minimums, forced dossiers, an inner envelope that
/// binds) against exhaustive enumeration: the Lagrangian search's fixings must never cut the
/// optimum, and its answer must be proven optimal and worth exactly the best subset.
@Suite struct PortfolioCoupledTests {
    /// The rules checked independently of the solver, in exact integers.
    struct Checker {
        let problem: PortfolioProblem

        func chain(_ envelope: String) -> [String] {
            var chain = [envelope]
            while let parent = problem.envelopes.first(where: { $0.id == chain[chain.count - 1] })?.parent {
                chain.append(parent)
            }
            return chain
        }

        func keeps(_ selected: Set<Int>) -> Bool {
            let rules = problem.rules
            let dossiers = problem.dossiers
            for (index, dossier) in dossiers.enumerated() {
                if rules.forcedIn.contains(dossier.id), !selected.contains(index) { return false }
                if rules.forcedOut.contains(dossier.id), selected.contains(index) { return false }
            }
            var usage: [String: Int64] = [:]
            var themes: [String: Int64] = [:]
            var total: Int64 = 0
            var counts: [String: Int] = [:]
            for index in selected {
                let dossier = dossiers[index]
                for envelope in chain(dossier.envelope) { usage[envelope, default: 0] += dossier.requestedCents }
                themes[dossier.theme, default: 0] += dossier.requestedCents
                total += dossier.requestedCents
                if let departement = dossier.departement { counts[departement, default: 0] += 1 }
            }
            for envelope in problem.envelopes where (usage[envelope.id] ?? 0) > envelope.remainingCents { return false }
            for (theme, share) in rules.themeShares {
                let part = themes[theme] ?? 0
                if let low = share.minPercent, 10_000 * part < Int64(low.hundredths) * total { return false }
                if let high = share.maxPercent, 10_000 * part > Int64(high.hundredths) * total { return false }
            }
            var candidates: [String: Int] = [:]
            for dossier in dossiers where !rules.forcedOut.contains(dossier.id) {
                if let departement = dossier.departement { candidates[departement, default: 0] += 1 }
            }
            for (departement, available) in candidates {
                let wanted = min(rules.departementMinimums[departement] ?? rules.minPerDepartement ?? 0, available)
                if (counts[departement] ?? 0) < wanted { return false }
            }
            return true
        }

        func score(_ selected: Set<Int>) -> Int64 {
            selected.reduce(Int64(0)) { $0 + Int64(problem.dossiers[$1].score) }
        }

        /// The best score of any subset keeping every rule, or nil when none does.
        func best() -> Int64? {
            var best: Int64?
            for mask in 0..<(1 << problem.dossiers.count) {
                let selected = Set(problem.dossiers.indices.filter { mask & (1 << $0) != 0 })
                if keeps(selected) { best = max(best ?? -1, score(selected)) }
            }
            return best
        }
    }

    /// A MILP solver by enumeration, reading only the model's LP text (objective, rows, fixings)
    /// and its minimum objective, so that it solves whatever problem the search hands over — a
    /// core against its target, a relaxed proposal.
    static func enumerate(_ model: MILPModel) -> MILPSolution {
        struct Row {
            var terms: [(Double, String)] = []
            var sense = ""
            var rhs = 0.0
        }
        var section = ""
        var tokens: [String] = []
        var objective: [(Double, String)] = []
        var rows: [Row] = []
        var fixedIn = Set<String>()
        var columns = Set<String>()
        func flush() {
            // tokens: name: (± c x)* [sense rhs]
            var row = Row()
            var position = 1
            while position < tokens.count {
                let token = tokens[position]
                if token == "+" || token == "-", position + 2 < tokens.count + 1 {
                    let value = (Double(tokens[position + 1]) ?? 0) * (token == "-" ? -1 : 1)
                    row.terms.append((value, tokens[position + 2]))
                    columns.insert(tokens[position + 2])
                    position += 3
                } else {
                    row.sense = token
                    row.rhs = Double(tokens[position + 1]) ?? 0
                    position += 2
                }
            }
            if section == "Maximize" { objective = row.terms } else if !row.sense.isEmpty { rows.append(row) }
            tokens = []
        }
        for line in model.lpText.split(separator: "\n").map(String.init) {
            if ["Maximize", "Subject To", "Bounds", "Generals", "Binaries", "End"].contains(line) {
                if !tokens.isEmpty { flush() }
                section = line
                continue
            }
            let parts = line.split(separator: " ").map(String.init)
            switch section {
            case "Maximize", "Subject To":
                if let first = parts.first, first.hasSuffix(":"), !tokens.isEmpty { flush() }
                tokens += parts
            case "Bounds":
                if parts.count == 3, parts[1] == "=", parts[2] == "1" { fixedIn.insert(parts[0]) }
            default: break
            }
        }
        let open = columns.subtracting(fixedIn).filter { $0 != "dummy" }.sorted()
        var best: (Double, Set<String>)?
        for mask in 0..<(1 << open.count) {
            let chosen = fixedIn.union(open.indices.filter { mask & (1 << $0) != 0 }.map { open[$0] })
            func value(_ terms: [(Double, String)]) -> Double {
                terms.reduce(0) { $0 + (chosen.contains($1.1) ? $1.0 : 0) }
            }
            let keeps = rows.allSatisfy { row in
                let left = value(row.terms)
                return row.sense == "<=" ? left <= row.rhs + 1e-9 : left >= row.rhs - 1e-9
            }
            guard keeps else { continue }
            let score = value(objective)
            if best.map({ score > $0.0 }) ?? true { best = (score, chosen) }
        }
        // Like CBC's cutoff: nothing scoring below the minimum asked for is an answer.
        guard let best, best.0 >= Double(model.minimumObjective ?? Int64.min) else {
            return MILPSolution(status: .infeasible, objective: nil, bound: nil, values: [:])
        }
        return MILPSolution(
            status: .optimal, objective: best.0, bound: best.0,
            values: Dictionary(uniqueKeysWithValues: best.1.map { ($0, 1.0) }))
    }

    static func randomProblem(_ random: inout SplitMix64, round: Int) throws -> PortfolioProblem {
        let envelopes = [
            PortfolioEnvelope(id: "plan", parent: nil, remainingCents: random.int(20...90) * 10_000),
            PortfolioEnvelope(id: "nord", parent: "plan", remainingCents: random.int(10...60) * 10_000),
            PortfolioEnvelope(id: "sud", parent: "plan", remainingCents: random.int(10...60) * 10_000),
        ]
        let themes = ["alimentation", "insertion", "droits"]
        let count = Int(random.int(3...11))
        let dossiers = (0..<count).map { index in
            let north = random.int(0...1) == 0
            let departements = north ? ["59", "62"] : ["13", "83"]
            return PortfolioDossier(
                id: "D\(round)-\(index)", envelope: north ? "nord" : "sud", theme: themes[Int(random.int(0...2))],
                departement: random.int(0...4) == 0 ? nil : departements[Int(random.int(0...1))],
                requestedCents: random.int(2...25) * 10_000,
                score: random.int(0...9) == 0 ? 0 : Int(random.int(1_000...9_000)))
        }
        var rules = PortfolioRules()
        if random.int(0...2) > 0 {
            rules.themeShares["alimentation"] = ThemeShare(
                minPercent: try Percentage(hundredths: Int(random.int(0...40)) * 100),
                maxPercent: random.int(0...1) == 0 ? nil : try Percentage(hundredths: Int(random.int(50...90)) * 100))
        }
        if random.int(0...2) == 0 {
            rules.themeShares["droits"] = ThemeShare(
                maxPercent: try Percentage(hundredths: Int(random.int(10...40)) * 100))
        }
        if random.int(0...1) == 0 { rules.minPerDepartement = Int(random.int(1...2)) }
        if random.int(0...3) == 0 { rules.forcedIn = [dossiers[0].id] }
        if random.int(0...3) == 0, count > 1 { rules.forcedOut = [dossiers[count - 1].id] }
        return PortfolioProblem(name: "couplé \(round)", envelopes: envelopes, dossiers: dossiers, rules: rules)
    }

    @Test func coupledRulesAreSolvedExactly() async throws {
        var random = SplitMix64(seed: 19)
        var lagrangian = 0
        var infeasible = 0
        var cbcCores = 0
        var branched = 0
        for round in 0..<250 {
            let problem = try Self.randomProblem(&random, round: round)
            let checker = Checker(problem: problem)
            let result: PortfolioResult
            // Every other round, each core goes to the MILP runner instead of the branching.
            let nodeLimit = round.isMultiple(of: 2) ? PortfolioSolver.branchingNodeLimit : 0
            do {
                result = try await PortfolioSolver.solve(problem, branchingNodeLimit: nodeLimit) { model in
                    Self.enumerate(model)
                }
            } catch PortfolioError.forcedOverBudget {
                #expect(checker.best() == nil, "forced dossiers over budget, yet a selection exists (\(round))")
                continue
            }
            let best = checker.best()
            guard let best else {
                #expect(result.status == .infeasible, "round \(round): no subset keeps the rules")
                infeasible += 1
                continue
            }
            #expect(result.provenOptimal, "round \(round)")
            #expect(result.objective == .points(best), "round \(round): \(problem.rules)")
            let selected = Set(
                result.selected.compactMap { grant in problem.dossiers.firstIndex { $0.id == grant.id } })
            #expect(checker.keeps(selected), "round \(round): the selection keeps every rule")
            if result.method == .lagrangian {
                lagrangian += 1
                let search = try #require(result.search)
                #expect(search.lagrangianBound >= best, "round \(round): the bound is a bound")
                if search.coreDossiers > 0 {
                    if nodeLimit == 0 { cbcCores += search.cbcCores } else { branched += search.branchingNodes }
                    #expect(nodeLimit == 0 || search.cbcCores == 0, "round \(round): the branching settles small cores")
                }
            }
        }
        #expect(lagrangian > 100, "the coupled instances go through the Lagrangian search")
        #expect(cbcCores > 10 && branched > 10, "both ways of solving a core are exercised")
        #expect(infeasible > 0, "some instances have conflicting rules")
    }

    /// The branching alone, on random cores: with random dossiers fixed and a random floor, it
    /// finds the best selection agreeing with the fixings that scores above the floor, or proves
    /// there is none; with a node limit of one it says it did not finish.
    @Test func theBranchingFindsTheBestSelectionOfACore() async throws {
        var random = SplitMix64(seed: 1996)
        var found = 0
        var none = 0
        for round in 0..<200 {
            let problem = try Self.randomProblem(&random, round: round)
            guard let prepared = try? PreparedPortfolio(problem), (try? prepared.checkForcedFit()) != nil else {
                continue
            }
            let checker = Checker(problem: problem)
            var fixed = [Bool?](repeating: nil, count: prepared.count)
            for index in 0..<prepared.count where random.int(0...3) == 0 && prepared.forcing[index] == .none {
                fixed[index] = random.int(0...1) == 0
            }
            var best: Int64?
            for mask in 0..<(1 << problem.dossiers.count) {
                let selected = Set(problem.dossiers.indices.filter { mask & (1 << $0) != 0 })
                let agrees = fixed.indices.allSatisfy { index in
                    fixed[index].map { $0 == selected.contains(index) } ?? true
                }
                if agrees, checker.keeps(selected) { best = max(best ?? -1, checker.score(selected)) }
            }
            let lowered = random.int(0...3) == 0 ? 0 : random.int(1...3_000)
            let floor = best.map { $0 - lowered } ?? -1
            let outcome = try LagrangianBranching.search(
                prepared, fixed: fixed, prices: [:], floor: floor, nodeLimit: 100_000,
                deadline: ContinuousClock.now.advanced(by: .seconds(60)))
            #expect(outcome.complete, "round \(round)")
            if let best, best > floor {
                #expect(outcome.bestValue == best, "round \(round): the best of the core")
                let selection = try #require(outcome.best)
                let selected = Set(selection.indices.filter { selection[$0] > 0 })
                #expect(checker.keeps(selected), "round \(round): it keeps every rule")
                #expect(
                    fixed.indices.allSatisfy { index in fixed[index].map { $0 == selected.contains(index) } ?? true })
                found += 1
            } else {
                #expect(outcome.best == nil, "round \(round): nothing above the floor")
                none += 1
            }
        }
        #expect(found > 60 && none > 30, "both answers are exercised (\(found) found, \(none) none)")
    }

    /// Corsica's case: two dossiers at least in each of its two départements need more than its envelope holds.
    static func corsica(minimum: Int = 2) -> PortfolioProblem {
        let envelopes = [
            PortfolioEnvelope(id: "plan", parent: nil, remainingCents: 10_000_000_00),
            PortfolioEnvelope(id: "region-94", parent: "plan", remainingCents: 90_165_00),
            PortfolioEnvelope(id: "region-32", parent: "plan", remainingCents: 200_000_00),
        ]
        var dossiers: [PortfolioDossier] = []
        for (number, (departement, euros)) in [
            ("2A", 30_000), ("2A", 45_000), ("2A", 60_000), ("2B", 35_000), ("2B", 50_264), ("2B", 70_000),
        ].enumerated() {
            dossiers.append(
                PortfolioDossier(
                    id: "C\(number)", envelope: "region-94", theme: "alimentation", departement: departement,
                    requestedCents: Int64(euros) * 100, score: 6_000 + number * 100))
        }
        for number in 0..<6 {
            dossiers.append(
                PortfolioDossier(
                    id: "H\(number)", envelope: "region-32", theme: number < 3 ? "alimentation" : "insertion",
                    departement: number.isMultiple(of: 2) ? "59" : "02",
                    requestedCents: Int64(40_000 + number * 1_000) * 100,
                    score: 5_000 + number * 300))
        }
        var rules = PortfolioRules(minPerDepartement: minimum)
        rules.themeShares["insertion"] = ThemeShare(minPercent: try? Percentage(hundredths: 1_000))
        return PortfolioProblem(name: "corse", envelopes: envelopes, dossiers: dossiers, rules: rules)
    }

    @Test func conflictingRulesAreNamedWithTheEnvelopeAndRelaxed() async throws {
        let problem = Self.corsica()
        let result = try await PortfolioSolver.solve(problem) { model in Self.enumerate(model) }
        #expect(result.status == .infeasible)
        #expect(result.selected.isEmpty)
        let conflict = try #require(result.conflict)
        #expect(
            conflict.rules == [
                .departementMinimum(departement: "2A", count: 2), .departementMinimum(departement: "2B", count: 2),
            ])
        #expect(conflict.envelope == "region-94")
        #expect(conflict.neededCents == (30_000 + 45_000 + 35_000 + 50_264) * 100)
        #expect(conflict.remainingCents == 90_165_00)
        #expect(conflict.message.contains("160 264"), "\(conflict.message)")
        #expect(conflict.message.contains("90 165"))
        #expect(conflict.message.contains("2A") && conflict.message.contains("2B"))
        // Irreducible: either minimum alone fits.
        for departement in ["2A", "2B"] {
            var lifted = problem
            lifted.rules.departementMinimums[departement] = 0
            let alone = try await PortfolioSolver.solve(lifted) { model in Self.enumerate(model) }
            #expect(alone.status == .optimal, "without \(departement)'s minimum the rules fit")
        }
        // The relaxed proposal: one dossier in each, proven optimal, every relaxed rule kept.
        #expect(conflict.relaxedRules.departementMinimums == ["2A": 1, "2B": 1])
        #expect(conflict.relaxation.contains("ramené à 1"))
        let relaxed = try #require(result.relaxed)
        #expect(relaxed.result.provenOptimal)
        var relaxedProblem = problem
        relaxedProblem.rules = relaxed.rules
        let checker = Checker(problem: relaxedProblem)
        #expect(relaxed.result.objective == checker.best().map { .points($0) })
        let json = try result.jsonString()
        #expect(json.contains(#""kind":"departement_minimum""#) && json.contains(#""relaxed":{"#))
    }

    @Test func anImposedDossierInTheConflictIsNamedAndReleased() async throws {
        var problem = Self.corsica(minimum: 1)
        // 70 000 € imposed in 2B plus the cheapest of 2A (30 000 €) exceed 90 165 €.
        problem.rules.forcedIn = ["C5"]
        let checker = Checker(problem: problem)
        let result = try await PortfolioSolver.solve(problem) { model in Self.enumerate(model) }
        let conflict = try #require(result.conflict)
        #expect(Set(conflict.rules) == [.departementMinimum(departement: "2A", count: 1), .forcedIn(dossier: "C5")])
        #expect(conflict.neededCents == (70_000 + 30_000) * 100)
        let relaxed = try #require(result.relaxed)
        #expect(relaxed.result.status == .optimal)
    }

    @Test func rulesThatFitHaveNoConflict() async throws {
        let problem = Self.corsica(minimum: 1)
        let result = try await PortfolioSolver.solve(problem) { model in Self.enumerate(model) }
        #expect(result.conflict == nil)
        #expect(result.status == .optimal)
        #expect(result.method == .lagrangian)
        #expect(result.objective == Checker(problem: problem).best().map { .points($0) })
    }
}
