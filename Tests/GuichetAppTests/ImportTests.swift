import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// Importing dossiers from CSV through the administrators' page and the service the command uses.
@Suite struct ImportHTTPTests {
    let practice = PracticeCall.reference
    static let header =
        "numero;titre;resume;thematique;portee;territoire;montant_demande;porteur_nom;porteur_siret;porteur_forme_juridique;date_depot;vague;decision;montant_accorde;motif;date_decision"

    var today: String { ParisTime.isoDay(Date()) }

    /// A row of the practice call's file, `;`-separated.
    func row(
        _ number: String, title: String = "Épicerie solidaire", theme: String = "alimentation",
        territory: String = "02",
        amount: String = "12 500,50", siret: String = "73282932000074", decision: String = "", granted: String = "",
        motive: String = "", filed: String? = nil
    ) -> String {
        let decided = decision.isEmpty ? ";;;;" : "1;\(decision);\(granted);\(motive);\(filed ?? today)"
        return
            "\(number);\(title);\"Un camion dessert douze villages;\nle mardi et le jeudi.\";\(theme);departemental;\(territory);\(amount);Association \(number);\(siret);association_declaree;\(filed ?? today);\(decided)"
    }

    func upload(_ browser: Browser, _ text: String, mode: String) async throws -> TestingHTTPResponse {
        try await browser.get(SiteURL.importDossiers(practice).path)
        return try await browser.postMultipart(
            SiteURL.importDossiers(practice).path, [("mode", mode)],
            files: [(name: "file", fileName: "dossiers.csv", data: Data(("\u{FEFF}" + text).utf8))])
    }

    func counts(_ app: Application) async throws -> (dossiers: Int, decisions: Int, organisations: Int) {
        (
            try await DossierModel.query(on: app.db).count(), try await DecisionModel.query(on: app.db).count(),
            try await OrganisationModel.query(on: app.db).count()
        )
    }

    @Test func aDryRunReportsEveryFaultyRowWithItsLineAndImportsNothing() async throws {
        try await withGuichet { app in
            // setup
            let admin = try await Factory.staff(
                app, "admin@exemple.fr", role: .administrator, scopes: ["region:32"])
            let before = try await counts(app)
            let text = [
                Self.header, row("IMP-1"), row("IMP-2", theme: "jardinage"), row("IMP-3", amount: "12,500.00"),
                row("IMP-4", siret: "12345678901234"), row("IMP-1"),
            ].joined(separator: "\n")
            // act: the multi-line summaries put row n on line 2n
            let checked = try await upload(admin, text, mode: "importer")
            // validate
            #expect(checked.status == .unprocessableEntity)
            #expect(checked.headers.first(name: "X-Guichet-Error") == "import_refused")
            let page = checked.visibleText
            #expect(page.contains("4 lignes en défaut sur 5"))
            #expect(page.contains("Ligne 4, colonne thematique"))
            #expect(page.contains("jardinage"))
            #expect(page.contains("Ligne 6, colonne montant_demande"))
            #expect(page.contains("Ligne 8, colonne porteur_siret"))
            #expect(page.contains("Ligne 10, colonne numero"))
            #expect(!page.contains("Ligne 2,"))
            #expect(page.contains("Rien n'a été importé"))
            let after = try await counts(app)
            #expect(
                after.dossiers == before.dossiers && after.decisions == before.decisions
                    && after.organisations == before.organisations)
        }
    }

    @Test func aRealRunImportsEverythingWithDecisionsAndReusesKnownOrganisations() async throws {
        try await withGuichet { app in
            // setup
            let admin = try await Factory.staff(
                app, "admin@exemple.fr", role: .administrator, scopes: ["region:32"])
            let known = try #require(try await OrganisationModel.query(on: app.db).filter(\.$siret != nil).first())
            let before = try await counts(app)
            let text = [
                Self.header, row("", siret: known.siret ?? ""), row("IMP-2", decision: "retenu", granted: "10 000"),
                row(
                    "IMP-3", territory: "59", siret: DemoIdentifiers.siret(for: "IMP-3"), decision: "rejete",
                    motive: "Hors du champ de l'appel."),
            ].joined(separator: "\n")
            // A dry run first changes nothing and says what would be imported.
            let dry = try await upload(admin, text, mode: "verifier")
            #expect(dry.status == .ok)
            #expect(dry.visibleText.contains("3 dossiers, 2 décisions, 2 nouvelles organisations seraient importés"))
            #expect(try await counts(app).dossiers == before.dossiers)
            // act
            let done = try await upload(admin, text, mode: "importer")
            // validate
            #expect(done.status == .ok)
            #expect(done.visibleText.contains("est importé : 3 dossiers, 2 décisions, 2 nouvelles organisations"))
            let after = try await counts(app)
            #expect(after.dossiers == before.dossiers + 3)
            #expect(after.decisions == before.decisions + 2)
            #expect(after.organisations == before.organisations + 2)
            let call = try await CallRepository(database: app.db).find(practice)
            let imported = try await DossierModel.query(on: app.db).filter(\.$call.$id == call.requireID()).all()
            #expect(imported.count == 3)
            #expect(imported.contains { $0.number?.hasPrefix("ESSAI-") == true && $0.$organisation.id == known.id })
            let retained = try #require(imported.first { $0.number == "IMP-2" })
            #expect(retained.status == "retained")
            #expect(retained.instructorGroup == "departement:02")
            #expect(retained.summary.contains("\n"))
            #expect(
                try await DecisionModel.query(on: app.db).filter(\.$dossier.$id == retained.requireID()).first()?
                    .grantedCents == 1_000_000)
            #expect(try await AuditEntryModel.query(on: app.db).filter(\.$action == "import").count() == 3)
            // Importing the same numbers again is refused: nothing is duplicated.
            let again = try await upload(admin, text, mode: "importer")
            #expect(again.status == .unprocessableEntity)
            #expect(try await counts(app).dossiers == after.dossiers)
        }
    }

    @Test func retainedAmountsThatOverspendTheEnvelopeAreRefusedByLine() async throws {
        try await withGuichet { app in
            let admin = try await Factory.staff(
                app, "admin@exemple.fr", role: .administrator, scopes: ["region:32"])
            let before = try await counts(app)
            // The practice envelope holds 1 000 000 €: the third grant of 400 000 € does not fit.
            let rows = (1...3).map { row("BIG-\($0)", amount: "400 000", decision: "retenu", granted: "400 000") }
            let refused = try await upload(admin, ([Self.header] + rows).joined(separator: "\n"), mode: "verifier")
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.visibleText.contains("Ligne 6, colonne montant_accorde"))
            #expect(!refused.visibleText.contains("Ligne 4, colonne montant_accorde"))
            #expect(try await counts(app).decisions == before.decisions)
        }
    }

    @Test func aCallWhoseCommitteeSitsInGuichetTakesNoDecisionFromAFile() async throws {
        try await withGuichet { app in
            let call = try await CallRepository(database: app.db).load("hdf-2021")
            let text = [Self.header, row("X-1", decision: "retenu", granted: "100", filed: "2021-01-10")].joined(
                separator: "\n")
            do {
                _ = try await ImportService(database: app.db, now: Date()).run(
                    call, source: .text(text), dryRun: true, by: Agent.system())
                Issue.record("the decision columns must be refused")
            } catch let report as ImportReport {
                #expect(report.codes.contains(.decisionNotAllowed))
            }
        }
    }

    /// Follows a background import's page until it stops refreshing; returns the last page.
    func follow(_ browser: Browser, _ location: String) async throws -> TestingHTTPResponse {
        for _ in 0..<300 {
            let page = try await browser.get(location)
            if page.headers.first(name: "Refresh") == nil { return page }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("the import did not finish within a minute")
        return try await browser.get(location)
    }

    @Test func aJobWhoseInstanceStoppedIsEndedAsInterruptedAndItsFileDeleted() async throws {
        try await withGuichet { app in
            // setup: two running jobs, one silent for two minutes (its instance stopped), one alive.
            let admin = try await Factory.user(app, "ddets-aisne@demo.guichet.invalid")
            let call = try await CallRepository(database: app.db).load(DemoCall.reference)
            func job(_ heartbeat: Date) async throws -> UUID {
                let job = ImportJobModel()
                job.$call.id = call.id
                job.$user.id = try admin.requireID()
                job.fileName = "dossiers.csv"
                job.content = "titre,resume"
                job.dryRun = false
                job.status = ImportJobModel.Status.running.rawValue
                job.total = 3_000
                job.processed = 1_200
                job.createdAt = heartbeat
                job.heartbeatAt = heartbeat
                try await job.create(on: app.db)
                return try job.requireID()
            }
            let now = Date()
            let abandoned = try await job(now.addingTimeInterval(-120))
            let alive = try await job(now.addingTimeInterval(-2))
            // act: any instance's background loop.
            let ended = try await ImportJobs.endAbandoned(on: app.db, now: now)
            // validate
            #expect(ended == 1)
            let stopped = try #require(try await ImportJobModel.find(abandoned, on: app.db))
            #expect(stopped.status == ImportJobModel.Status.failed.rawValue)
            #expect(stopped.content == "", "the file is not kept")
            #expect(stopped.outcome?.contains("interrompu") == true)
            #expect(try await ImportJobModel.find(alive, on: app.db)?.status == ImportJobModel.Status.running.rawValue)
            #expect(try await ImportJobs.endAbandoned(on: app.db, now: now) == 0, "ended once")
        }
    }

    @Test func aLongFileRunsInTheBackgroundWithItsProgressThenItsOutcome() async throws {
        try await withGuichet { app in
            // setup: 2 100 rows, each summary on two lines
            let admin = try await Factory.staff(
                app, "admin@exemple.fr", role: .administrator, scopes: ["region:32"])
            let before = try await counts(app)
            let rows = (1...2_100).map { row("BULK-\($0)", amount: "1 000") }
            // act
            let started = try await upload(admin, ([Self.header] + rows).joined(separator: "\n"), mode: "importer")
            // validate
            #expect(started.status == .seeOther)
            let location = try #require(started.headers.first(name: .location))
            #expect(location.contains("/suivi/"))
            let running = try await admin.get(location)
            #expect(running.status == .ok)
            let done = try await follow(admin, location)
            #expect(done.visibleText.contains("est importé : 2100 dossiers"))
            #expect(try await counts(app).dossiers == before.dossiers + 2_100)
            #expect(try await ImportJobModel.query(on: app.db).first()?.content == "", "the file is not kept")
            // Someone else's job is not theirs to follow.
            let other = try await Factory.staff(
                app, "admin2@exemple.fr", role: .administrator, scopes: ["region:32"])
            #expect(try await other.get(location).status == .notFound)
            // A long faulty file is refused with its rows, in the background too.
            let faulty = (1...2_100).map { row("BAD-\($0)", theme: $0 == 1_500 ? "jardinage" : "alimentation") }
            let again = try await upload(admin, ([Self.header] + faulty).joined(separator: "\n"), mode: "importer")
            let refused = try await follow(admin, try #require(again.headers.first(name: .location)))
            #expect(refused.visibleText.contains("1 ligne en défaut sur 2100"))
            #expect(refused.visibleText.contains("Ligne 3000, colonne thematique"))
            #expect(try await counts(app).dossiers == before.dossiers + 2_100)
        }
    }

    @Test func onlyAdministratorsOfTheCallsTerritoryImport() async throws {
        try await withGuichet { app in
            let elsewhere = try await Factory.staff(
                app, "admin-idf@exemple.fr", role: .administrator, scopes: ["region:11"])
            #expect(try await elsewhere.get(SiteURL.importDossiers(practice).path).status == .forbidden)
            let instructor = try await Factory.staff(app, "ddets@exemple.fr", scopes: ["departement:02"])
            #expect(try await instructor.get(SiteURL.importDossiers(practice).path).status == .notFound)
            let form = try await Factory.staff(
                app, "admin@exemple.fr", role: .administrator, scopes: ["region:32"]
            )
            .get(SiteURL.importDossiers(practice).path)
            #expect(form.status == .ok)
            #expect(form.visibleText.contains("montant_demande"))
            #expect(form.visibleText.contains("Correspondance des colonnes"))
        }
    }
}

/// A file read a block at a time and written a batch at a time: what the command does with a
/// national file, here with blocks and batches small enough that a few hundred rows cross many.
@Suite struct ImportStreamingTests {
    let tests = ImportHTTPTests()

    /// Writes `rows` to a file of its own and returns its path.
    func file(_ rows: [String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString).csv").path
        try Data(([ImportHTTPTests.header] + rows).joined(separator: "\r\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func service(_ app: Application) -> ImportService {
        ImportService(database: app.db, now: Date(), batchRows: 40, blockSize: 1_000)
    }

    @Test func aFaultInTheLastBatchRollsBackEveryBatchWrittenBefore() async throws {
        try await withGuichet { app in
            let call = try await CallRepository(database: app.db).load(PracticeCall.reference)
            let before = try await tests.counts(app)
            var rows = (1...300).map { tests.row("S-\($0)", siret: DemoIdentifiers.siret(for: "S-\($0)")) }
            rows.append(tests.row("S-301", theme: "jardinage"))
            let path = try file(rows)
            defer { try? FileManager.default.removeItem(atPath: path) }
            do {
                _ = try await service(app).run(call, source: .file(path), dryRun: false, by: Agent.system())
                Issue.record("a faulty last row must refuse the file")
            } catch let report as ImportReport {
                #expect(report.rowsRead == 301 && report.validRows == 300)
                #expect(report.faultyLines == [602])
                #expect(report.codes == [.unknownTheme])
            }
            let after = try await tests.counts(app)
            #expect(after.dossiers == before.dossiers && after.organisations == before.organisations)
            #expect(try await AuditEntryModel.query(on: app.db).filter(\.$action == "import").count() == 0)
        }
    }

    @Test func everyBatchIsWrittenAndAnOrganisationMetAgainIsTheSame() async throws {
        try await withGuichet { app in
            let call = try await CallRepository(database: app.db).load(PracticeCall.reference)
            let before = try await tests.counts(app)
            // Rows 1 and 250 have the same carrier, batches apart; the others have their own.
            let rows = (1...300).map { index in
                tests.row("T-\(index)", siret: DemoIdentifiers.siret(for: index == 250 ? "T-1" : "T-\(index)"))
            }
            let path = try file(rows)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let progress = ProgressLog()
            let dry = try await service(app).run(call, source: .file(path), dryRun: true, by: Agent.system())
            #expect(dry.rows == 300 && dry.newOrganisations == 299)
            #expect(try await tests.counts(app).dossiers == before.dossiers)
            let summary = try await service(app).run(
                call, source: .file(path), dryRun: false, by: Agent.system(), progress: progress.record)
            #expect(summary.rows == 300 && summary.newOrganisations == 299 && !summary.dryRun)
            let after = try await tests.counts(app)
            #expect(after.dossiers == before.dossiers + 300)
            #expect(after.organisations == before.organisations + 299)
            let first = try #require(try await DossierModel.query(on: app.db).filter(\.$number == "T-1").first())
            let again = try #require(try await DossierModel.query(on: app.db).filter(\.$number == "T-250").first())
            #expect(first.$organisation.id == again.$organisation.id)
            // The audit chain runs through every batch, in file order.
            #expect(try await AuditEntryModel.query(on: app.db).filter(\.$action == "import").count() == 300)
            let entry = try #require(
                try await AuditEntryModel.query(on: app.db).filter(\.$action == "import").first())
            let chain = try await AuditChainStore.verify(try #require(entry.chainKey), on: app.db)
            #expect(chain.problem == nil)
            // Progress came batch by batch against the file's 300 records, and ended at 300.
            let steps = progress.steps
            #expect(steps.count > 3 && steps.last?.done == 300 && steps.allSatisfy { $0.total == 300 })
        }
    }

    @Test func aFileThatIsNotUTF8IsRefusedWithItsLine() async throws {
        try await withGuichet { app in
            let call = try await CallRepository(database: app.db).load(PracticeCall.reference)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("latin1-\(UUID().uuidString).csv")
                .path
            let text = ([ImportHTTPTests.header, tests.row("L-1")].joined(separator: "\n") + "\n")
            try (Data(text.utf8) + Data([0x63, 0x61, 0x66, 0xE9, 0x0A])).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            do {
                _ = try await service(app).run(call, source: .file(path), dryRun: true, by: Agent.system())
                Issue.record("Latin-1 bytes must be refused")
            } catch let report as ImportReport {
                #expect(report.codes == [.invalidCSV])
                #expect(report.issues.first?.line == 4)
                #expect(report.issues.first?.message.contains("UTF-8") == true)
            }
        }
    }

    @Test func aMissingFileIsAClearError() async throws {
        try await withGuichet { app in
            let call = try await CallRepository(database: app.db).load(PracticeCall.reference)
            await #expect(throws: AppError.self) {
                try await service(app).run(
                    call, source: .file("/nonexistent/dossiers.csv"), dryRun: true, by: Agent.system())
            }
        }
    }
}

/// Progress calls, recorded from whichever task makes them.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [(done: Int, total: Int)] = []

    var steps: [(done: Int, total: Int)] { lock.withLock { recorded } }

    var record: @Sendable (Int, Int) -> Void {
        { [self] done, total in lock.withLock { recorded.append((done, total)) } }
    }
}

@Suite struct RandomUUIDsTests {
    @Test func identifiersAreVersionFourAndDistinct() {
        var uuids = RandomUUIDs()
        var seen = Set<UUID>()
        // Past several refills of the buffer.
        for _ in 0..<1_000 {
            let uuid = uuids.next()
            #expect(uuid.uuid.6 >> 4 == 4)
            #expect(uuid.uuid.8 >> 6 == 2)
            seen.insert(uuid)
        }
        #expect(seen.count == 1_000)
    }
}
