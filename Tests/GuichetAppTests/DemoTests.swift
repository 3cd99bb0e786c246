import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Testing

@testable import GuichetApp

@Suite struct DemoTests {
    @Test func demoHistoryIsInTheAuditLog() async throws {
        try await withGuichet { app in
            let dossiers = try await DossierModel.query(on: app.db).all()
            #expect(dossiers.count == 287)
            #expect(dossiers.allSatisfy { $0.filedAt != nil && $0.number != nil })
            #expect(try await AuditEntryModel.query(on: app.db).filter(\.$action == "file").count() == 287)
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$action == "decide").count()
                    == DecisionModel.query(on: app.db).count())
            // The calls were created from their files, each once, by the demo's loader.
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$action == "create_call").all().map(\.actorName)
                    == ["Chargement de la démonstration", "Chargement de la démonstration"])
            // Generated dossiers say so; the press kit's laureates are real, their amounts simulated.
            #expect(try await DossierModel.query(on: app.db).filter(\.$simulated == true).count() == 250)
            #expect(try await DecisionModel.query(on: app.db).filter(\.$simulated == false).count() == 0)
            let deadline = DemoCall.closesAt
            #expect(dossiers.allSatisfy { ($0.filedAt ?? .distantFuture) < deadline })
        }
    }

    @Test func demoServicesGaveSimulatedOpinions() async throws {
        try await withGuichet { app in
            let staff = try await UserModel.query(on: app.db).filter(\.$email ~~ DemoStaff.members.map(\.email)).all()
            #expect(staff.count == 9)
            #expect(staff.contains { $0.role == Role.administrator.rawValue })
            // The nine services, and the regional committee's four seats, each with its territory.
            #expect(try await StaffScopeModel.query(on: app.db).count() == 13)
            let opinions = try await OpinionModel.query(on: app.db).all()
            #expect(opinions.allSatisfy { $0.simulated })
            let laureates = DossierStatus.laureate.map(\.rawValue)
            let reviewed = try await DossierModel.query(on: app.db)
                .filter(\.$status ~~ (["reviewed", "waiting_list"] + laureates)).count()
            #expect(opinions.count == reviewed)
            let laureateIDs = try await DossierModel.query(on: app.db).filter(\.$status ~~ laureates).all(\.$id)
            let laureateOpinions = opinions.filter { laureateIDs.contains($0.$dossier.id) }
            #expect(laureateOpinions.count == 37 && laureateOpinions.allSatisfy { $0.kind == "favourable" })
            #expect(Set(opinions.map(\.kind)).count == 3, "a realistic spread")
            let reviews = try await ReviewModel.query(on: app.db).all()
            #expect(reviews.count == opinions.count && reviews.allSatisfy { $0.simulated })
            let laureateScores = reviews.filter { laureateIDs.contains($0.$dossier.id) }.map(\.score)
            #expect(laureateScores.allSatisfy { $0 >= 7_500 }, "laureates score at least 3/4 on every criterion")
            // Locked until their owner sets a password.
            let browser = Browser(app)
            try await browser.get(SiteURL.login.path)
            #expect(
                try await browser.post(
                    SiteURL.login.path, ["email": "ddets-aisne@demo.guichet.invalid", "password": "!demo-locked-"]
                ).status == .unauthorized)
        }
    }

    @Test func demoIsDeterministic() throws {
        let csv = try AppResources.laureatesCSV()
        let a = try DemoDataset.make(laureatesCSV: csv)
        let b = try DemoDataset.make(laureatesCSV: csv)
        #expect(a.dossiers.map(\.dossier.title) == b.dossiers.map(\.dossier.title))
        #expect(a.dossiers.map(\.filedAt) == b.dossiers.map(\.filedAt))
        #expect(a.dossiers.map(\.dossier.requestedAmount) == b.dossiers.map(\.dossier.requestedAmount))
        let grants = a.dossiers.compactMap { plan -> Int64? in
            if case .laureate(let cents) = plan.fate { return cents }
            return nil
        }
        #expect(grants.count == 37)
        #expect(grants.reduce(0, +) == 440_000_000)
        #expect(grants.allSatisfy { $0 > 0 })
    }

    @Test func loadingTwiceLoadsOnce() async throws {
        try await withGuichet { app in
            let loaded = try await DemoLoader(database: app.db, laureatesCSV: AppResources.laureatesCSV())
                .loadIfAbsent()
            #expect(!loaded)
            #expect(try await DossierModel.query(on: app.db).count() == 287)
        }
    }

    @Test func generatedDossiersBeyondTheSeedsRegionFillTheNationalCallOverTheWholeCountry() async throws {
        try await withGuichet { app in
            // act: 600 generated dossiers: the region keeps its 250, the national call takes 350.
            var loader = DemoLoader(database: app.db, laureatesCSV: try AppResources.laureatesCSV())
            loader.generated = 600
            try await loader.reset()
            // validate
            #expect(NationalDemo.split(2_573) == (250, 2_323))
            #expect(NationalDemo.split(260_963).region + NationalDemo.split(260_963).national == 260_963)
            let seed = try await CallRepository(database: app.db).load(DemoCall.reference)
            let national = try await CallRepository(database: app.db).load(NationalDemo.reference)
            #expect(try await DossierModel.query(on: app.db).filter(\.$call.$id == seed.id).count() == 287)
            let dossiers = try await DossierModel.query(on: app.db).filter(\.$call.$id == national.id).all()
            #expect(dossiers.count == 350)
            #expect(dossiers.allSatisfy { $0.simulated && $0.drawCode != nil && $0.filedAt != nil })
            let scopes = try dossiers.map { try $0.domain().scope }
            let departements = Set(
                scopes.compactMap { scope -> String? in
                    if case .departemental(let code) = scope { return code }
                    return nil
                })
            let regions = Set(dossiers.compactMap(\.drawCode)).subtracting(["FR"])
            #expect(departements.count > 60, "spread over the country: \(departements.count) départements")
            #expect(regions.count >= 12)
            #expect(scopes.contains { if case .national = $0 { true } else { false } })
            // Instructed and scored; the national session is open on them.
            let reviewed = dossiers.filter { $0.status == DossierStatus.reviewed.rawValue }
            #expect(reviewed.count > 250)
            let sql = try #require(app.db as? any SQLDatabase)
            let scored = try await sql.raw(
                "SELECT COUNT(*) AS n FROM dossiers WHERE call_id = \(bind: national.id) AND aggregate_score IS NOT NULL"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(scored == reviewed.count)
            let session = try #require(
                try await CommitteeSessionModel.query(on: app.db).filter(\.$call.$id == national.id).with(\.$members)
                    .first())
            #expect(session.isOpen)
            let board = try await CommitteeBoard.page(
                session, theme: nil, territory: nil, page: 1, perPage: 100, on: app.db)
            #expect(board.total == reviewed.count)
            #expect(board.rows.count == 100)
            // Every envelope the dossiers draw on exists: the statement computes.
            let statement = try await ResultsService(database: app.db).statement(national, publishedOnly: false)
            #expect(statement.lines.count == 21)
            // A reset removes the national call too, then loads the seed alone.
            try await DemoLoader(database: app.db, laureatesCSV: try AppResources.laureatesCSV()).reset()
            #expect(try await CallModel.query(on: app.db).filter(\.$reference == NationalDemo.reference).count() == 0)
        }
    }

    @Test func resetRestoresTheSeed() async throws {
        try await withGuichet { app in
            // setup: damage the demo.
            try await DecisionModel.query(on: app.db).delete()
            try await DossierModel.query(on: app.db).set(\.$status, to: "withdrawn").update()
            // act
            try await DemoLoader(database: app.db, laureatesCSV: AppResources.laureatesCSV()).reset()
            try await DemoPublication.publishFirstWave(app)
            // validate
            #expect(
                try await PublicationModel.query(on: app.db).count() == 1,
                "the reset demo publishes its first wave again, once")
            #expect(try await CallModel.query(on: app.db).count() == 2, "the seed and the open practice call")
            #expect(try await DossierModel.query(on: app.db).count() == 287)
            #expect(try await DecisionModel.query(on: app.db).filter(\.$outcome == "retained").count() == 37)
            let dossierIDs = try await DossierModel.query(on: app.db).all(\.$id)
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$action == "file").filter(
                    \.$entityID ~~ dossierIDs
                ).count() == 287)
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$action == "file").count() == 2 * 287,
                "the old history stays")
            #expect(try await AuditEntryModel.query(on: app.db).filter(\.$action == "reset_demo").count() == 2)
            #expect(try await EnvelopeRevisionModel.query(on: app.db).count() == 6)
        }
    }

    @Test func theLaureatesCarrySimulatedGrantsOneLeftAtItsDecisionPerGroup() async throws {
        try await withGuichet { app in
            let call = try await CallRepository(database: app.db).load(DemoCall.reference)
            let laureates = try await DossierModel.query(on: app.db).filter(\.$call.$id == call.id)
                .filter(\.$status ~~ DossierStatus.laureate.map(\.rawValue)).all()
            #expect(laureates.count == 37)
            let groups = Set(laureates.compactMap(\.instructorGroup))
            let waiting = laureates.filter { $0.status == DossierStatus.retained.rawValue }
            #expect(waiting.count == groups.count)
            #expect(Set(waiting.compactMap(\.instructorGroup)) == groups)
            let acts = try await GrantActModel.query(on: app.db).filter(\.$callID == call.id).all()
            #expect(acts.count == 37 - groups.count)
            #expect(acts.allSatisfy { $0.simulated && $0.signedAt != nil })
            let movements = try await GrantMovementModel.query(on: app.db).filter(\.$callID == call.id).all()
            let allSimulated = movements.allSatisfy { movement in movement.simulated }
            #expect(allSimulated)
            // Advances in 2021, balances in 2022, one recovery.
            let years = Set(movements.filter { $0.movementKind == .payment }.map { ParisTime.isoDay($0.day).prefix(4) })
            #expect(years == ["2021", "2022"])
            #expect(movements.filter { $0.movementKind == .recovery }.count == 1)
            let reports = try await GrantReportModel.query(on: app.db).filter(\.$callID == call.id).all()
            #expect(reports.contains { $0.reportStatus == .validated })
            #expect(reports.contains { $0.reportStatus == .filed })
            // Some reports are late: signed acts without a filed report, their due day passed.
            let filed = Set(reports.map(\.actID))
            #expect(acts.filter { !filed.contains($0.id ?? UUID()) && $0.reportDueOn < Date() }.count >= 2)
            // The envelopes still hold what the decisions commit, less what was claimed back.
            let report = try await IntegrityCheck(app: app).run()
            #expect(report.problems.isEmpty, "\(report.problems)")
        }
    }

    @Test func textReportFollowsThePressKit() async throws {
        try await withGuichet { app in
            let call = try await CallRepository(database: app.db).load("hdf-2021")
            let text = TextReport.render(try await ResultsService(database: app.db).results(call, publishedOnly: true))
            #expect(text.contains("287 projets déposés ; 37 projets retenus pour 4,4 M€."))
            #expect(text.contains("19 projets retenus"))
            #expect(text.contains("Dans l'Oise :"))
            #expect(text.contains("Hauts-de-France : 3 300 000 € / 6 600 000 € / 4 400 000 € / 2 200 000 €"))
            #expect(text.contains("(montant simulé)"))
        }
    }
}
