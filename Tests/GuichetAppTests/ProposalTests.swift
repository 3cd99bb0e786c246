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
            let staged = try await StagedDecisionModel.query(on: app.db).filter(\.$session.$id == session).count()
            #expect(staged == 0)
            let adopted = try await chair.post(base, ["budget": "1 000 000", "whatif": "2 000 000"])
            #expect(adopted.headers.first(name: "X-Guichet-Error") == nil)
            let rows = try await StagedDecisionModel.query(on: app.db).filter(\.$session.$id == session).all()
            #expect(!rows.isEmpty)
            #expect(rows.allSatisfy { $0.outcome == "retained" })
            #expect(rows.reduce(0) { $0 + $1.grantedCents } <= 100_000_000)
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
            for (id, cents) in granted {
                let requested = try #require(proposal.dossiers[id]?.requestedCents)
                #expect(cents * 100 >= requested * 50 && cents <= requested)
            }
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
}
