import Foundation

/// Computes the committee's proposal: the selection with the highest total score that respects
/// the envelopes and the chair's rules, proven optimal or with its gap.
///
/// The problem is first checked and indexed. When nothing ties the envelopes together (see
/// ``PortfolioDecomposition``) each leaf envelope is an exact knapsack, solved in parallel. Otherwise
/// the problem is written as a mixed-integer program and handed to `milp` — in the app, COIN-OR CBC —
/// starting from the knapsack answers repaired to satisfy the rules. Whatever the path, the selection
/// is checked again in exact integers before it is explained.
public enum PortfolioSolver {
    /// Runs a MILP solver on a model; the app injects CBC, tests inject an exhaustive search.
    public typealias MILPRunner = @Sendable (MILPModel) async throws -> MILPSolution

    /// Computes the proposal for `problem`.
    /// - Parameter milp: called only when the problem does not split into knapsacks.
    /// - Throws: the ``PortfolioError`` of an invalid problem, forced dossiers over budget, or a
    ///   solver that failed; anything `milp` throws.
    public static func solve(_ problem: PortfolioProblem, milp: MILPRunner) async throws -> PortfolioResult {
        try await solve(problem, branchingNodeLimit: branchingNodeLimit, milp: milp)
    }

    /// `solve`, with the nodes the branching may open on each core (zero hands every core to
    /// `milp`, which the tests use to check both paths).
    static func solve(
        _ problem: PortfolioProblem, branchingNodeLimit: Int, milp: MILPRunner
    ) async throws -> PortfolioResult {
        let clock = ContinuousClock()
        let started = clock.now
        let prepared = try PreparedPortfolio(problem)
        try prepared.checkForcedFit()
        let deadline = started.advanced(by: .milliseconds(Int64(problem.timeLimitSeconds * 1000)))
        if let conflict = RuleConflictFinder.conflict(in: prepared) {
            return try await infeasible(prepared, conflict: conflict, started: started, milp: milp)
        }
        let couplings = PortfolioDecomposition.couplings(prepared)
        let reference = try await PortfolioDecomposition.solveEnvelopes(prepared, deadline: deadline)
        var outcome: Outcome
        if couplings.isEmpty {
            outcome = Outcome(
                method: .knapsack, granted: reference.granted, proven: reference.isOptimal,
                bound: Double(reference.upperBound), infeasible: false)
        } else if LagrangianRelaxation.applies(to: prepared) {
            outcome = try await lagrangian(
                prepared, started: started, deadline: deadline, branchingNodeLimit: branchingNodeLimit, milp: milp)
        } else {
            outcome = try await partialFunding(prepared, reference: reference.granted, deadline: deadline, milp: milp)
        }
        let explanations = PortfolioExplanation.explain(
            prepared, granted: outcome.granted, reference: reference.granted,
            proven: outcome.proven, infeasible: outcome.infeasible)
        return outcome.result(prepared, explanations: explanations, seconds: (clock.now - started) / .seconds(1))
    }

    /// The mixed-integer model `solve` would hand to the MILP solver, with its warm start, or
    /// `nil` when the problem splits into knapsacks; for inspection and for other solvers.
    /// - Throws: the ``PortfolioError`` of an invalid problem.
    public static func model(for problem: PortfolioProblem) async throws -> MILPModel? {
        let prepared = try PreparedPortfolio(problem)
        try prepared.checkForcedFit()
        guard !PortfolioDecomposition.couplings(prepared).isEmpty else { return nil }
        let reference = try await PortfolioDecomposition.solveEnvelopes(prepared, deadline: nil)
        let warmStart = WarmStart.repair(prepared, reference: reference.granted)
        return try MILPModel(prepared, start: warmStart, timeLimitSeconds: problem.timeLimitSeconds)
    }

    /// A selection and what is known of it, before explanations.
    struct Outcome {
        var method: PortfolioResult.Method
        /// Amounts per dossier; `nil` when there is no selection.
        var granted: [Int64]?
        var proven: Bool
        var bound: Double?
        var infeasible: Bool
        var search: PortfolioResult.Search? = nil

        func result(
            _ prepared: PreparedPortfolio, explanations: [PortfolioExplanation], seconds: Double
        ) -> PortfolioResult {
            let status: PortfolioResult.Status = infeasible ? .infeasible : (proven ? .optimal : .timeLimit)
            guard let granted else {
                return PortfolioResult(
                    name: prepared.problem.name, status: status, provenOptimal: false, objective: nil,
                    bound: bound, gap: nil, method: method, seconds: seconds, selected: [],
                    explanations: explanations, search: search)
            }
            let objective = PortfolioObjective(prepared, granted: granted)
            var best = bound.map { max($0, objective.value) } ?? objective.value
            // A proportional objective is proven within a tolerance: its bound is kept.
            if proven, case .points = objective { best = objective.value }
            // A bound on an integer objective may be rounded down to an integer.
            if case .points = objective, !proven { best = (best + 1e-6).rounded(.down) }
            let gap = (best - objective.value) / max(abs(best), 1e-9)
            let selected = granted.indices.filter { granted[$0] > 0 }.map {
                PortfolioResult.Grant(id: prepared.dossiers[$0].id, grantedCents: granted[$0])
            }
            return PortfolioResult(
                name: prepared.problem.name, status: status, provenOptimal: proven, objective: objective,
                bound: best, gap: gap, method: method, seconds: seconds, selected: selected,
                explanations: explanations, search: search)
        }
    }

    /// The answer when the rules conflict: no selection, the conflict explained, and the proposal
    /// with the conflict's rules relaxed.
    static func infeasible(
        _ prepared: PreparedPortfolio, conflict: PortfolioConflict, started: ContinuousClock.Instant,
        milp: MILPRunner
    ) async throws -> PortfolioResult {
        let clock = ContinuousClock()
        let explanations = PortfolioExplanation.explain(
            prepared, granted: nil, reference: [], proven: false, infeasible: true)
        var result = Outcome(method: .knapsack, granted: nil, proven: false, bound: nil, infeasible: true)
            .result(prepared, explanations: explanations, seconds: (clock.now - started) / .seconds(1))
        // Relaxing one conflict may reveal another (each département short in turn): each is
        // relaxed the same way until the rules fit, at most once per rule.
        var relaxedProblem = prepared.problem
        var relaxed = conflict
        var relaxations = [conflict.relaxation]
        for _ in 0...(prepared.departementIDs.count + prepared.problem.rules.forcedIn.count) {
            relaxedProblem.rules = relaxed.relaxedRules
            guard let relaxedPrepared = try? PreparedPortfolio(relaxedProblem) else { break }
            guard let next = RuleConflictFinder.conflict(in: relaxedPrepared) else {
                relaxedProblem.timeLimitSeconds = max(1, prepared.problem.timeLimitSeconds - result.seconds)
                let answer = try await solve(relaxedProblem, milp: milp)
                result.relaxed = PortfolioResult.RelaxedProposal(rules: relaxedProblem.rules, result: answer)
                break
            }
            guard next.relaxedRules != relaxed.relaxedRules else { break }
            relaxed = next
            relaxations.append(next.relaxation)
        }
        result.conflict = conflict
        result.conflict?.relaxedRules = relaxedProblem.rules
        result.conflict?.relaxation = relaxations.joined(separator: " ; ")
        result.seconds = (clock.now - started) / .seconds(1)
        return result
    }

    /// The coupled all-or-nothing proposal through ``LagrangianSearch``.
    ///
    /// After the prices, the best selection known and the bound, the search looks for a selection
    /// scoring at least a *target* below the bound: every dossier whose opposite choice would
    /// bring the bound under the target is fixed, and CBC searches the few left open. If it finds
    /// one at or above the target, it is the best of every selection that high — the optimum. If
    /// it proves there is none, the bound drops below the target, and the next target is twice
    /// as far down; the last target is the incumbent plus one point, where the fixing is the
    /// classic one. The targets keep each core small even when the incumbent is far below the
    /// optimum, which is where the greedy repairs leave it at national size.
    static func lagrangian(
        _ prepared: PreparedPortfolio, started: ContinuousClock.Instant, deadline: ContinuousClock.Instant,
        branchingNodeLimit: Int, milp: MILPRunner
    ) async throws -> Outcome {
        let clock = ContinuousClock()
        let relaxation = try LagrangianRelaxation(prepared)
        let limit = prepared.problem.timeLimitSeconds
        // The prices rarely improve after a few hundred steps; the cores get the rest of the time.
        var reduction = try LagrangianSearch.reduce(relaxation, budget: min(limit * 0.2, 10), deadline: deadline)
        var search = PortfolioResult.Search(
            lagrangianBound: reduction.bound, iterations: reduction.iterations, fixedDossiers: prepared.count,
            coreDossiers: 0)
        if reduction.proven, let incumbent = reduction.incumbent {
            return Outcome(
                method: .lagrangian, granted: tidy(prepared, incumbent), proven: true,
                bound: Double(reduction.incumbentValue), infeasible: false, search: search)
        }
        guard let evaluation = reduction.evaluation else {
            return Outcome(
                method: .lagrangian, granted: reduction.incumbent.map { tidy(prepared, $0) }, proven: false,
                bound: nil, infeasible: false, search: search)
        }
        var upper = reduction.bound
        var step = max(1, (upper - reduction.incumbentValue) / 8)
        var proven = false
        var stoppedBound: Double?
        var nodeLimit = branchingNodeLimit
        while !proven {
            let remaining = (deadline - clock.now) / .seconds(1)
            guard remaining > 0.2 else { break }
            let target = max(reduction.incumbentValue + 1, upper - step + 1)
            let fixed = try LagrangianSearch.fix(relaxation, evaluation, incumbentValue: target - 1, deadline: deadline)
            search.fixedDossiers = fixed.count { $0 != nil }
            search.coreDossiers = prepared.count - search.fixedDossiers
            // The core, first by the branching on the Lagrangian bound, in process; by CBC when
            // the branching gives up, with half of the time it had.
            let last = target == reduction.incumbentValue + 1
            let share = max(1, last ? remaining : remaining * 0.4)
            let coreStarted = clock.now
            let branching = try LagrangianBranching.search(
                prepared, fixed: fixed, prices: reduction.prices, floor: reduction.incumbentValue,
                nodeLimit: search.coreDossiers <= Self.branchingCoreLimit ? nodeLimit : 0,
                deadline: min(deadline, clock.now.advanced(by: .milliseconds(Int64(share * 500)))))
            search.branchingNodes += branching.nodes
            var coreValue: Int64 = -1
            if let best = branching.best {
                reduction.offer(best, value: branching.bestValue)
                coreValue = branching.bestValue
            }
            if !branching.complete {
                // A bound too weak for one core is as weak for the next: CBC takes them all.
                nodeLimit = 0
                search.cbcCores += 1
                let solution = try await cbcCore(
                    prepared, fixed: fixed, reduction: reduction,
                    seconds: max(1, share - (clock.now - coreStarted) / .seconds(1)), milp: milp)
                if let (core, value) = solution.selection {
                    reduction.offer(core, value: value)
                    coreValue = max(coreValue, value)
                }
                guard solution.status == .optimal || solution.status == .infeasible else {
                    // Every selection reaching the target is in this core, the others are below it.
                    stoppedBound = solution.bound.map { max(Double(target - 1), $0) }
                    break
                }
            }
            // The core holds every selection scoring at least the target: its best settles it.
            if coreValue >= target {
                proven = true
            } else {
                upper = target - 1
                proven = upper <= reduction.incumbentValue
                step *= 2
            }
        }
        guard let granted = reduction.incumbent else {
            return Outcome(
                method: .lagrangian, granted: nil, proven: false, bound: nil, infeasible: proven, search: search)
        }
        let value = reduction.incumbentValue
        var bound = Double(upper)
        if let stoppedBound { bound = min(bound, max(Double(value), stoppedBound)) }
        return Outcome(
            method: .lagrangian, granted: tidy(prepared, granted), proven: proven,
            bound: proven ? Double(value) : bound, infeasible: false, search: search)
    }

    /// Partial funding, by the MILP solver, with the amounts first relaxed to continuous values.
    ///
    /// With whole euros as integer variables the solver branches on amounts whose every unit moves
    /// the objective by a few hundredths of a point, and does not close its gap: on
    /// `national-2610-rules` neither CBC nor HiGHS proved the optimum in 60 s. With continuous
    /// amounts only the selection is branched on (each amount is then a linear choice between the
    /// floor and the request), and CBC proves that relaxation's optimum in about 3 s. Its optimum
    /// bounds every selection in whole euros; its amounts are rounded down to the euro (a basic
    /// solution has few fractional amounts: one per envelope and rule at most), which keeps every
    /// envelope and every floor. When the rounding breaks a theme share, the same selection goes
    /// back to the solver with whole euros and the dossiers fixed: only amounts are left to choose.
    /// The result is proven optimal when it is within ``partialTolerance`` of the bound — rounding
    /// costs hundredths of a point where the tolerance is several points at national size. Where
    /// it costs more (requests of a few euros, where a euro is a tenth of a score), the model in
    /// whole euros is solved from the rounded selection, as before: small, it is proven at once.
    static func partialFunding(
        _ prepared: PreparedPortfolio, reference: [Int64], deadline: ContinuousClock.Instant, milp: MILPRunner
    ) async throws -> Outcome {
        let clock = ContinuousClock()
        let warmStart = WarmStart.repair(prepared, reference: reference)
        func seconds() -> Double { max(1, (deadline - clock.now) / .seconds(1)) }
        let model = try MILPModel(prepared, start: warmStart, timeLimitSeconds: seconds(), continuousAmounts: true)
        let solution = try await milp(model)
        switch solution.status {
        case .infeasible:
            // No selection with continuous amounts, none in whole euros.
            return Outcome(method: .partialFunding, granted: nil, proven: false, bound: nil, infeasible: true)
        case .stoppedWithoutSolution:
            return Outcome(
                method: .partialFunding, granted: warmStart.map { tidy(prepared, $0) }, proven: false,
                bound: solution.bound, infeasible: false)
        case .optimal, .stoppedWithSolution:
            break
        }
        var best: [Int64]? = model.grants(from: solution.values)
        if let rounded = best, !SelectionState(prepared, granted: rounded).violations.isEmpty {
            let euros = try MILPModel(prepared, start: nil, timeLimitSeconds: seconds(), fixed: rounded.map { $0 > 0 })
            best = try await checkedSelection(try await milp(euros), model: euros)?.granted
        }
        // The start was checked too: if CBC's tolerances made it return something worse, keep it.
        if let warmStart {
            let startValue = PortfolioObjective(prepared, granted: warmStart).value
            if best.map({ PortfolioObjective(prepared, granted: $0).value < startValue }) ?? true { best = warmStart }
        }
        var value = best.map { PortfolioObjective(prepared, granted: $0).value } ?? -.infinity
        // The relaxation's optimum, or its bound when stopped, bounds every selection in whole euros.
        let relaxed = solution.status == .optimal ? (solution.objective ?? solution.bound) : solution.bound
        var bound = max(value, relaxed ?? .infinity)
        var proven =
            best != nil && solution.status == .optimal && bound - value <= partialTolerance * max(abs(bound), 1)
        if !proven && solution.status == .optimal {
            // Small requests, where a euro is a large share of a score and the rounding may cost
            // more than the tolerance, or no selection rounded: the model in whole euros settles it.
            let euros = try MILPModel(prepared, start: best, timeLimitSeconds: seconds())
            let answer = try await milp(euros)
            if let found = try checkedSelection(answer, model: euros), found.value > value {
                (best, value) = (found.granted, found.value)
            }
            switch answer.status {
            case .optimal: (proven, bound) = (true, value)
            case .infeasible where best == nil:
                return Outcome(method: .partialFunding, granted: nil, proven: false, bound: nil, infeasible: true)
            default: if let stopped = answer.bound { bound = max(value, min(bound, stopped)) }
            }
        }
        guard let best else {
            return Outcome(method: .partialFunding, granted: nil, proven: false, bound: relaxed, infeasible: false)
        }
        return Outcome(
            method: .partialFunding, granted: tidy(prepared, best), proven: proven, bound: bound, infeasible: false)
    }

    /// The selection in a MILP answer, checked against every rule in exact integers; `nil` when
    /// the answer holds none.
    /// - Throws: ``PortfolioError/solutionInconsistent(_:)`` when the solver's selection breaks a rule.
    static func checkedSelection(
        _ answer: MILPSolution, model: MILPModel
    ) throws(PortfolioError) -> (granted: [Int64], value: Double)? {
        guard answer.status == .optimal || answer.status == .stoppedWithSolution else { return nil }
        let granted = model.grants(from: answer.values)
        let broken = SelectionState(model.prepared, granted: granted).violations
        guard broken.isEmpty else { throw .solutionInconsistent(describe(broken[0], model.prepared)) }
        return (granted, PortfolioObjective(model.prepared, granted: granted).value)
    }

    /// How close to the bound a selection with partial funding is proven optimal, relative: the
    /// objective is then a sum of fractions of scores, and whole euros cost hundredths of a point.
    public static let partialTolerance = 1e-6

    /// The nodes the branching may open on a core before it hands the core to CBC: about a
    /// second's work. The cores it settles take a few hundred (724 for both of
    /// `national-2610-shares`'s); where the Lagrangian bound is weak against the rules (one
    /// regional envelope with shares, `hdf-287-shares` from seed 778: 20 000 nodes without
    /// settling) CBC's cuts do better, and the branching should give up early.
    static let branchingNodeLimit = 2_000
    /// The largest core the branching takes on. Its nodes cost in proportion to the core (each
    /// fixing solves a knapsack again per open dossier): at 1 129 open dossiers (x10 with theme
    /// shares) a node takes seconds, where CBC's cuts do better.
    static let branchingCoreLimit = 400

    /// A core solved by CBC: the best selection agreeing with `fixed` that beats the incumbent.
    ///
    /// The incumbent is the start when it agrees with the fixings. Otherwise only selections
    /// better than it are asked for, so that CBC prunes the rest from the first node (with a
    /// start, CBC prunes against it by itself, and proves faster than with a cutoff alone). Not
    /// the target: the best of a core below its target is often the optimum, and finding it makes
    /// the next core the last and smallest.
    static func cbcCore(
        _ prepared: PreparedPortfolio, fixed: [Bool?], reduction: LagrangianSearch.Reduction, seconds: Double,
        milp: MILPRunner
    ) async throws -> (status: MILPSolution.Status, bound: Double?, selection: ([Int64], Int64)?) {
        let start = reduction.incumbent.flatMap { incumbent in
            incumbent.indices.allSatisfy { index in
                fixed[index].map { fixedIn in fixedIn == (incumbent[index] > 0) } ?? true
            } ? incumbent : nil
        }
        let model = try MILPModel(
            prepared, start: start, timeLimitSeconds: seconds, fixed: fixed,
            minimumObjective: start == nil && reduction.incumbent != nil ? reduction.incumbentValue + 1 : nil)
        let solution = try await milp(model)
        guard let (core, _) = try checkedSelection(solution, model: model) else {
            return (solution.status, solution.bound, nil)
        }
        return (solution.status, solution.bound, (core, LagrangianSearch.points(prepared, core)))
    }

    /// Leaves out, or lowers to their floor, zero-score dossiers no rule needs: they add no points,
    /// and CBC is indifferent to them.
    static func tidy(_ prepared: PreparedPortfolio, _ granted: [Int64]) -> [Int64] {
        var state = SelectionState(prepared, granted: granted)
        for index in granted.indices
        where granted[index] > 0 && prepared.score[index] == 0 && prepared.forcing[index] != .forcedIn {
            for amount in [0, prepared.range[index].floorCents] where amount < state.granted[index] {
                let before = state.granted[index]
                state.set(index, to: amount)
                if state.violations.isEmpty { break }
                state.set(index, to: before)
            }
        }
        return state.granted
    }

    static func describe(_ violation: RuleViolation, _ prepared: PreparedPortfolio) -> String {
        switch violation {
        case .amountNotAllowed(let index): "montant non autorisé pour le dossier « \(prepared.dossiers[index].id) »"
        case .forcedInMissing(let index): "dossier imposé « \(prepared.dossiers[index].id) » absent"
        case .forcedOutSelected(let index): "dossier écarté « \(prepared.dossiers[index].id) » retenu"
        case .envelopeOverspent(let envelope): "enveloppe « \(prepared.envelopeIDs[envelope]) » dépassée"
        case .themeBelowMinimum(let theme): "thème « \(prepared.themeIDs[theme]) » sous sa part minimale"
        case .themeAboveMaximum(let theme): "thème « \(prepared.themeIDs[theme]) » au-delà de sa part maximale"
        case .departementBelowMinimum(let departement):
            "département \(prepared.departementIDs[departement]) sous son minimum"
        }
    }
}
