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
        let clock = ContinuousClock()
        let started = clock.now
        let prepared = try PreparedPortfolio(problem)
        try prepared.checkForcedFit()
        let deadline = started.advanced(by: .milliseconds(Int64(problem.timeLimitSeconds * 1000)))
        let couplings = PortfolioDecomposition.couplings(prepared)
        let reference = try await PortfolioDecomposition.solveEnvelopes(prepared, deadline: deadline)
        var outcome: Outcome
        if couplings.isEmpty {
            outcome = Outcome(
                method: .knapsack, granted: reference.granted, proven: reference.isOptimal,
                bound: Double(reference.upperBound), infeasible: false)
        } else {
            let warmStart = WarmStart.repair(prepared, reference: reference.granted)
            let elapsed = (clock.now - started) / .seconds(1)
            let model = try MILPModel(
                prepared, start: warmStart, timeLimitSeconds: max(1, problem.timeLimitSeconds - elapsed))
            outcome = try interpret(try await milp(model), model: model, warmStart: warmStart)
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

        func result(
            _ prepared: PreparedPortfolio, explanations: [PortfolioExplanation], seconds: Double
        ) -> PortfolioResult {
            let status: PortfolioResult.Status = infeasible ? .infeasible : (proven ? .optimal : .timeLimit)
            guard let granted else {
                return PortfolioResult(
                    name: prepared.problem.name, status: status, provenOptimal: false, objective: nil,
                    bound: bound, gap: nil, method: method, seconds: seconds, selected: [],
                    explanations: explanations)
            }
            let objective = PortfolioObjective(prepared, granted: granted)
            var best = bound.map { max($0, objective.value) } ?? objective.value
            if proven { best = objective.value }
            // A bound on an integer objective may be rounded down to an integer.
            if case .points = objective, !proven { best = (best + 1e-6).rounded(.down) }
            let gap = proven ? 0 : (best - objective.value) / max(abs(best), 1e-9)
            let selected = granted.indices.filter { granted[$0] > 0 }.map {
                PortfolioResult.Grant(id: prepared.dossiers[$0].id, grantedCents: granted[$0])
            }
            return PortfolioResult(
                name: prepared.problem.name, status: status, provenOptimal: proven, objective: objective,
                bound: best, gap: gap, method: method, seconds: seconds, selected: selected,
                explanations: explanations)
        }
    }

    /// Turns a MILP answer into a checked selection.
    static func interpret(
        _ solution: MILPSolution, model: MILPModel, warmStart: [Int64]?
    ) throws(PortfolioError) -> Outcome {
        let prepared = model.prepared
        switch solution.status {
        case .infeasible:
            return Outcome(method: .milp, granted: nil, proven: false, bound: nil, infeasible: true)
        case .stoppedWithoutSolution:
            // CBC may drop a start it cannot complete; ours was checked, so it still stands.
            return Outcome(
                method: .milp, granted: warmStart.map { tidy(prepared, $0) }, proven: false, bound: solution.bound,
                infeasible: false)
        case .optimal, .stoppedWithSolution:
            var granted = model.grants(from: solution.values)
            let broken = SelectionState(prepared, granted: granted).violations
            guard broken.isEmpty else { throw .solutionInconsistent(describe(broken[0], prepared)) }
            // The start is checked too: if CBC's tolerances made it return something worse, keep ours.
            if let warmStart,
                PortfolioObjective(prepared, granted: warmStart).value
                    > PortfolioObjective(prepared, granted: granted).value
            {
                granted = warmStart
            }
            return Outcome(
                method: .milp, granted: tidy(prepared, granted), proven: solution.status == .optimal,
                bound: solution.bound, infeasible: false)
        }
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
