import Foundation
import GuichetDomain
import Testing

/// The instruction's opinions in the committee's proposal: an unfavourable opinion keeps a dossier
/// out unless the chair imposes it, a proposed amount caps what the proposal grants.
@Suite struct InstructionAdviceTests {
    /// Three dossiers in one envelope that holds them all at their requests: without opinions,
    /// all are selected at their requests.
    static func problem(rules: PortfolioRules = PortfolioRules()) -> PortfolioProblem {
        PortfolioProblem(
            name: "avis", envelopes: [PortfolioEnvelope(id: "aisne", parent: nil, remainingCents: 30_000_000)],
            dossiers: [
                PortfolioDossier(
                    id: "A", envelope: "aisne", theme: "t", departement: "02", requestedCents: 7_650_000, score: 900),
                PortfolioDossier(
                    id: "B", envelope: "aisne", theme: "t", departement: "02", requestedCents: 4_000_000, score: 500),
                PortfolioDossier(
                    id: "C", envelope: "aisne", theme: "t", departement: "02", requestedCents: 3_000_000, score: 800),
            ], rules: rules)
    }

    static let advice: [String: InstructionAdvice] = [
        "A": InstructionAdvice(kind: .reservations, proposedCents: 5_355_000),
        "B": InstructionAdvice(kind: .unfavourable, proposedCents: 0),
        "C": InstructionAdvice(kind: .favourable, proposedCents: 3_000_000),
    ]

    static func noMILP(_ model: MILPModel) async throws -> MILPSolution {
        Issue.record("one envelope never needs the MILP")
        throw PortfolioError.solverFailed("unexpected")
    }

    @Test func withoutOpinionsEveryDossierGetsItsRequest() async throws {
        let result = try await PortfolioSolver.solve(Self.problem(), milp: Self.noMILP)
        #expect(result.grantedByID == ["A": 7_650_000, "B": 4_000_000, "C": 3_000_000])
    }

    @Test func anUnfavourableOpinionExcludesAndAProposedAmountCaps() async throws {
        let (problem, effects) = Self.problem().honouring(Self.advice)
        #expect(problem.rules.forcedOut == ["B"])
        #expect(problem.dossiers.map(\.requestedCents) == [5_355_000, 4_000_000, 3_000_000])
        #expect(effects == ["A": .capped(proposedCents: 5_355_000, requestedCents: 7_650_000), "B": .excluded])
        let result = try await PortfolioSolver.solve(problem, milp: Self.noMILP).noting(effects)
        #expect(result.grantedByID == ["A": 5_355_000, "C": 3_000_000])
        let byID = Dictionary(uniqueKeysWithValues: result.explanations.map { ($0.id, $0) })
        #expect(byID["B"]?.reason == .unfavourableOpinion)
        #expect(byID["B"]?.detail.contains("Avis défavorable de l'instruction") == true)
        #expect(byID["B"]?.detail.contains("présidence du comité") == false)
        #expect(byID["A"]?.detail.contains("53 550 € proposés sur 76 500 € demandés") == true)
        #expect(byID["C"]?.detail.contains("plafonné") == false)
    }

    @Test func theChairMayImposeADossierTheInstructionAdvisedAgainst() async throws {
        let (problem, effects) = Self.problem(rules: PortfolioRules(forcedIn: ["B"])).honouring(Self.advice)
        #expect(problem.rules.forcedOut.isEmpty)
        #expect(effects["B"] == .imposedDespiteOpinion)
        let result = try await PortfolioSolver.solve(problem, milp: Self.noMILP).noting(effects)
        #expect(result.grantedByID["B"] == 4_000_000)
        let explanation = try #require(result.explanations.first { $0.id == "B" })
        #expect(explanation.reason == .forcedIn)
        #expect(explanation.detail.contains("retenu à la demande de la présidence"))
    }

    @Test func aChairsExclusionStaysTheChairs() {
        let (problem, effects) = Self.problem(rules: PortfolioRules(forcedOut: ["B"])).honouring(Self.advice)
        #expect(problem.rules.forcedOut == ["B"])
        #expect(effects["B"] == .excluded)
        #expect(Self.problem().honouring([:]).problem == Self.problem())
    }
}
