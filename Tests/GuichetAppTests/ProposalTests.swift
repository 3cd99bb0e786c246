import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// The portfolio proposal through the committee's pages and the command line's service.
@Suite(
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: "/usr/bin/cbc")
            || ProcessInfo.processInfo.environment["GUICHET_CBC_PATH"] != nil,
        "COIN-OR CBC (coinor-cbc) is needed for rules that couple envelopes"))
struct ProposalTests {
    @Test func theProposalIsProvenOptimalExplainedAndAdoptedAsStagedDecisions() async throws {
        try await withGuichet { app in
            let (chair, session) = try await Factory.juneSession(app)
            let base = SiteURL.committeeSession(session).path + "/proposition"
            let form = try await chair.get(base)
            #expect(form.status == .ok)
            #expect(form.visibleText.contains("Calculer la proposition"))
            let page = try await chair.get(base + "?budget=1%20000%20000&whatif=2%20000%20000&calculer=1")
            #expect(page.status == .ok)
            #expect(page.visibleText.contains("optimum prouvé"))
            #expect(page.visibleText.contains("Et si"))
            // The outcome comes first, with the action to adopt it; the rules form after.
            let text = page.visibleText
            let outcome = try #require(text.range(of: "dossier(s) retenu(s) pour"))
            let adopt = try #require(text.range(of: "Préparer ces décisions dans la séance"))
            let rules = try #require(text.range(of: "Règles de la proposition"))
            #expect(outcome.lowerBound < adopt.lowerBound && adopt.upperBound < rules.lowerBound)
            #expect(text.contains("Ce qui a décidé"))
            #expect(text.contains("Par enveloppe"))
            // The explained list is paginated, each page keeping the rules.
            #expect(text.contains("Dossiers 1 à"))
            if text.contains("(page 1 sur 2)") || text.contains("sur 3)") {
                let second = try await chair.get(base + "?budget=1%20000%20000&whatif=2%20000%20000&calculer=1&page=2")
                #expect(second.visibleText.contains("Dossiers 51 à"))
            }
            let staged = try await StagedDecisionModel.query(on: app.db).filter(\.$session.$id == session).count()
            #expect(staged == 0)
            let adopted = try await chair.post(base, ["budget": "1 000 000", "whatif": "2 000 000"])
            #expect(adopted.headers.first(name: "X-Guichet-Error") == nil)
            let rows = try await StagedDecisionModel.query(on: app.db).filter(\.$session.$id == session).all()
            #expect(!rows.isEmpty)
            #expect(rows.allSatisfy { $0.outcome == "retained" })
            #expect(rows.reduce(0) { $0 + $1.grantedCents } <= 100_000_000)
            // Once the wave is applied, the page says so instead of computing an empty proposal.
            let applied = try await chair.post(
                SiteURL.committeeApplication(session).path, ["confirmer": "oui"])
            #expect(applied.headers.first(name: "X-Guichet-Error") == nil)
            let after = try await chair.get(base + "?calculer=1")
            #expect(after.status == .ok)
            #expect(after.visibleText.contains("Les décisions de cette séance sont appliquées"))
            #expect(!after.visibleText.contains("Calculer la proposition"))
        }
    }

    @Test func rulesAreRespectedAndBadRulesRefused() async throws {
        try await withGuichet { app in
            let (chair, session) = try await Factory.juneSession(app)
            let base = SiteURL.committeeSession(session).path + "/proposition"
            let bad = try await chair.get(base + "?floor=abc&min_dept=-2&calculer=1")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.visibleText.contains("Un pourcentage entre 0 et 100 est attendu."))
            let ruled = try await chair.get(
                base
                    + "?budget=800%20000&min_dept=1&min_theme_insertion=20&max_theme_alimentation=40&floor=50&calculer=1"
            )
            #expect(ruled.status == .ok)
            #expect(ruled.visibleText.contains("optimum prouvé") || ruled.visibleText.contains("écart prouvé"))
            // Partial funding: the page names the method (amounts relaxed, then rounded to the euro).
            #expect(ruled.visibleText.contains("montants continus arrondis à l'euro"))
            // The same settings through the service, checked rule by rule.
            let sessionModel = try #require(
                try await CommitteeSessionModel.query(on: app.db).filter(\.$id == session).with(\.$members).first())
            let board = try await CommitteeBoard.load(sessionModel, theme: nil, territory: nil, on: app.db)
            let input = ProposalInput(
                query: "budget=800000&min_dept=1&min_theme_insertion=20&max_theme_alimentation=40&floor=50")
            let proposal = try await PortfolioService(database: app.db).propose(
                board, settings: try input.settings(), milp: cbcMILPRunner(nil))
            let granted = proposal.result.grantedByID
            let total = granted.values.reduce(0, +)
            #expect(total <= 80_000_000)
            let byTheme = granted.reduce(into: [String: Int64]()) {
                $0[proposal.dossiers[$1.key]?.themeCode ?? "", default: 0] += $1.value
            }
            #expect((byTheme["insertion"] ?? 0) * 100 >= total * 20)
            #expect((byTheme["alimentation"] ?? 0) * 100 <= total * 40)
            let departements = Set(proposal.problem.dossiers.compactMap(\.departement))
            let covered = Set(
                granted.keys.compactMap { id in proposal.problem.dossiers.first { $0.id == id }?.departement })
            #expect(departements.isSubset(of: covered))
            // The floor applies to what the proposal may grant: the request, or the instruction's
            // proposed amount when it is lower.
            let grantable = Dictionary(
                uniqueKeysWithValues: proposal.problem.dossiers.map { ($0.id, $0.requestedCents) })
            for (id, cents) in granted {
                let requested = try #require(proposal.dossiers[id]?.requestedCents)
                let cap = try #require(grantable[id])
                #expect(cap <= requested)
                #expect(cents * 100 >= cap * 50 && cents <= cap)
            }
        }
    }

    @Test func conflictingRulesAreNamedAndTheRelaxedProposalMayBeAdopted() async throws {
        try await withGuichet { app in
            let (chair, session) = try await Factory.juneSession(app)
            let base = SiteURL.committeeSession(session).path + "/proposition"
            let page = try await chair.get(base + "?budget=50%20000&min_dept=3&calculer=1")
            #expect(page.status == .ok)
            let text = page.visibleText
            #expect(text.contains("Les règles ne peuvent pas toutes tenir"))
            #expect(text.contains("dans le département"))
            #expect(text.contains("qui n'a plus que"))
            #expect(text.contains("règles assouplies"))
            #expect(text.contains("minimum ramené à"))
            #expect(text.contains("optimum prouvé"), "the relaxed proposal is proven optimal")
            // Adopting the rules as they stand is refused and stages nothing.
            let refused = try await chair.post(base, ["budget": "50 000", "min_dept": "3"])
            #expect(refused.headers.first(name: "X-Guichet-Error") != nil)
            #expect(try await StagedDecisionModel.query(on: app.db).filter(\.$session.$id == session).count() == 0)
            // The relaxed proposal the page offered is adopted within the budget.
            let adopted = try await chair.post(base, ["budget": "50 000", "min_dept": "3", "assouplir": "1"])
            #expect(adopted.headers.first(name: "X-Guichet-Error") == nil)
            let rows = try await StagedDecisionModel.query(on: app.db).filter(\.$session.$id == session).all()
            #expect(!rows.isEmpty)
            #expect(rows.reduce(0) { $0 + $1.grantedCents } <= 5_000_000)
        }
    }

    @Test func theSeedsRetrospectiveWithinFourPointFourMillionAndTheDoubling() async throws {
        try await withGuichet { app in
            let call = try await CallRepository(database: app.db).load(DemoCall.reference)
            var settings = PortfolioService.Settings()
            settings.budgetCents = 440_000_000
            settings.whatIfCents = 660_000_000
            let proposal = try await PortfolioService(database: app.db).retrospective(
                call, settings: settings, milp: cbcMILPRunner(nil))
            #expect(proposal.result.provenOptimal)
            #expect(proposal.result.selected.reduce(0) { $0 + $1.grantedCents } <= 440_000_000)
            let comparison = try #require(proposal.comparison)
            #expect(comparison.after.provenOptimal)
            #expect(!comparison.added.isEmpty)
            #expect(comparison.after.selected.reduce(0) { $0 + $1.grantedCents } <= 660_000_000)
            #expect(ProposalText.render(proposal).contains("Ajoutés"))
        }
    }

    @Test func theProposalFollowsTheInstructionsOpinions() async throws {
        try await withGuichet { app in
            let (chair, session) = try await Factory.juneSession(app)
            let sessionModel = try #require(
                try await CommitteeSessionModel.query(on: app.db).filter(\.$id == session).with(\.$members).first())
            let author = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "president@exemple.fr").first())
            let before = try await CommitteeBoard.load(sessionModel, theme: nil, territory: nil, on: app.db)
            // Two candidates the board ranks highest: one advised against, one capped at half.
            let ranked = before.rows.filter { ($0.score?.score ?? 0) > 0 }
                .filter { DossierLifecycle.statuses(from: .decide).contains($0.domain.status) }
                .sorted { ($0.score?.score ?? 0) > ($1.score?.score ?? 0) }
            try #require(ranked.count >= 2)
            let (against, capped) = (ranked[0], ranked[1])
            let half = try Money(cents: capped.domain.requestedAmount.cents / 200 * 100)
            for (row, opinion) in [
                (
                    against,
                    try Opinion(
                        kind: .unfavourable, proposedAmount: .zero, motive: "Hors sujet.",
                        requested: against.domain.requestedAmount)
                ),
                (
                    capped,
                    try Opinion(
                        kind: .reservations, proposedAmount: half, motive: "Budget surévalué.",
                        requested: capped.domain.requestedAmount)
                ),
            ] {
                let model = OpinionModel(
                    opinion, dossier: row.domain.id, author: try author.requireID(), simulated: false)
                model.createdAt = Date().addingTimeInterval(60)
                try await model.create(on: app.db)
            }
            let againstID = PortfolioService.identifier(against.dossier)
            let cappedID = PortfolioService.identifier(capped.dossier)
            let board = try await CommitteeBoard.load(sessionModel, theme: nil, territory: nil, on: app.db)
            // A budget that holds every candidate: only the opinions can keep them out or cut them.
            let everything = board.rows.reduce(Int64(0)) { $0 + $1.domain.requestedAmount.cents }
            let input = ProposalInput(query: "budget=\(everything / 100)")
            let proposal = try await PortfolioService(database: app.db).propose(
                board, settings: try input.settings(), milp: cbcMILPRunner(nil))
            let granted = proposal.result.grantedByID
            #expect(granted[againstID] == nil)
            #expect(granted[cappedID] == half.cents)
            let explanations = Dictionary(uniqueKeysWithValues: proposal.result.explanations.map { ($0.id, $0) })
            #expect(explanations[againstID]?.reason == .unfavourableOpinion)
            #expect(explanations[cappedID]?.detail.contains("plafonné à la proposition de l'instruction") == true)
            // Every dossier's grant stays within its latest opinion's proposed amount.
            for row in board.rows {
                guard let opinion = row.opinion, let cents = granted[PortfolioService.identifier(row.dossier)] else {
                    continue
                }
                #expect(opinion.kind != OpinionKind.unfavourable.rawValue)
                #expect(cents <= opinion.proposedCents)
            }

            // The page says it, and the chair can impose the dossier all the same.
            let base = SiteURL.committeeSession(session).path + "/proposition"
            let page = try await chair.get(base + "?budget=\(everything / 100)&calculer=1")
            #expect(page.status == .ok)
            #expect(page.visibleText.contains("dossier(s) écarté(s) : avis défavorable de l'instruction"))
            #expect(page.visibleText.contains("dossier(s) plafonné(s) au montant proposé par l'instruction"))
            let imposed = try await PortfolioService(database: app.db).propose(
                board, settings: try ProposalInput(query: "budget=\(everything / 100)&inclure=\(againstID)").settings(),
                milp: cbcMILPRunner(nil))
            #expect(imposed.result.grantedByID[againstID] == against.domain.requestedAmount.cents)
            #expect(
                imposed.result.explanations.first { $0.id == againstID }?.detail.contains(
                    "retenu à la demande de la présidence")
                    == true)
        }
    }

    /// A core is searched against a target: CBC must keep a selection scoring exactly the minimum
    /// asked for and answer "infeasible" one point above the optimum (its cutoff, in the
    /// maximisation's own sense).
    @Test func cbcKeepsOnlySelectionsReachingTheMinimumObjective() async throws {
        let envelopes = [
            PortfolioEnvelope(id: "plan", parent: nil, remainingCents: 100_000_00),
            PortfolioEnvelope(id: "nord", parent: "plan", remainingCents: 60_000_00),
            PortfolioEnvelope(id: "sud", parent: "plan", remainingCents: 60_000_00),
        ]
        let dossiers = (0..<12).map { number in
            PortfolioDossier(
                id: "D\(number)", envelope: number < 6 ? "nord" : "sud",
                theme: number.isMultiple(of: 3) ? "insertion" : "alimentation", departement: nil,
                requestedCents: Int64(9_000 + number * 1_300) * 100, score: 4_000 + (number * 7_919) % 5_000)
        }
        var rules = PortfolioRules()
        rules.themeShares["insertion"] = ThemeShare(minPercent: try Percentage(hundredths: 3_000))
        let problem = PortfolioProblem(name: "seuil", envelopes: envelopes, dossiers: dossiers, rules: rules)
        var model = try #require(try await PortfolioSolver.model(for: problem))
        let runner = try CBCRunner.locate(configured: ProcessInfo.processInfo.environment["GUICHET_CBC_PATH"])
        let free = try await runner.solve(model)
        #expect(free.status == .optimal)
        let best = try #require(free.objective)
        model.minimumObjective = Int64(best)
        let reached = try await runner.solve(model)
        #expect(reached.status == .optimal)
        #expect(reached.objective == best)
        model.minimumObjective = Int64(best) + 1
        let beyond = try await runner.solve(model)
        #expect(beyond.status == .infeasible)
    }
}
