import Foundation
import Testing

@testable import GuichetDomain

@Suite struct PublicationTests {
    let april = ParisTime.day("2021-04-16")!
    let june = ParisTime.day("2021-06-03")!

    func call(wave1: Date?, wave2: Date? = nil) -> Call {
        Fixtures.call(waves: [
            Wave(number: 1, label: "Première vague", announcedOn: april, publishedAt: wave1),
            Wave(number: 2, label: "Seconde vague", announcedOn: june, publishedAt: wave2),
        ])
    }

    func input(_ number: String, _ scope: Scope, theme: String = "alimentation") -> ResultsReport.Input {
        ResultsReport.Input(
            dossier: Fixtures.dossier(
                status: .retained, requested: 300_000, scope: scope, theme: theme,
                title: "Projet \(number)", filedAt: Fixtures.opensAt, number: number),
            carrier: "Association \(number)")
    }

    func retained(_ input: ResultsReport.Input, wave: Int, euros: Int64) -> Decision {
        Decision(
            dossierID: input.dossier.id, waveNumber: wave, outcome: .retained(amount: Fixtures.euros(euros)),
            decidedAt: april, simulated: false)
    }

    // MARK: - Rules of publishing

    @Test(
        arguments: [
            (1, nil, nil, 3, 0, "ok"),
            (1, Optional("published"), nil, 3, 0, "wave_frozen"),
            (2, nil, nil, 3, 0, "publication_refused"),  // the first wave is not published yet
            (2, Optional("published"), nil, 3, 2, "publication_refused"),  // staged decisions still pending
            (2, Optional("published"), nil, 0, 0, "publication_refused"),  // nothing decided
            (3, nil, nil, 3, 0, "unknown_wave"),
        ] as [(Int, String?, String?, Int, Int, String)])
    func aWaveIsPublishedInOrderOnceAndOnlyWhenItsDecisionsAreApplied(
        wave: Int, first: String?, second: String?,
        decisions: Int, staged: Int, expected: String
    ) {
        let call = call(wave1: first == nil ? nil : april, wave2: second == nil ? nil : june)
        do {
            try WavePublication.checkCanPublish(
                wave: wave, of: call, state: .init(decisions: decisions, stagedInOpenSessions: staged))
            #expect(expected == "ok")
        } catch {
            #expect(error.code == expected)
            #expect(!error.message.isEmpty)
        }
    }

    // MARK: - The frozen snapshot

    @Test func theSnapshotListsEachThemeOnceWithItsTerritoriesInOrderAcrossWaves() throws {
        let a = input("001", .departemental(departement: "59"))
        let b = input("002", .regional(region: "32"))
        let c = input("003", .departemental(departement: "59"))
        let d = input("004", .departemental(departement: "02"), theme: "insertion")
        let decisions = [
            retained(a, wave: 1, euros: 100_000), retained(b, wave: 1, euros: 50_000),
            retained(c, wave: 2, euros: 20_000), retained(d, wave: 2, euros: 30_000),
        ]
        let call = call(wave1: april, wave2: june)
        let report = try ResultsReport(call: call, dossiers: [a, b, c, d], decisions: decisions, publishedOnly: true)
        let snapshot = PublishedResults(report: report, call: call, version: 2, wave: 2, publishedAt: june)
        #expect(snapshot.retained == 4)
        #expect(snapshot.amountCents == 20_000_000)
        #expect(snapshot.waves.map(\.retained) == [2, 2])
        #expect(snapshot.themes.map(\.code) == ["alimentation", "insertion"])
        let food = try #require(snapshot.themes.first)
        #expect(food.groups.map(\.heading) == ["Au niveau régional", "Dans le Nord"])
        #expect(food.groups.last?.laureates.map(\.number) == ["001", "003"])
        #expect(food.groups.last?.laureates.map(\.wave) == [1, 2])
        #expect(food.amountCents == 17_000_000)
        // The snapshot survives a round trip through its stored form unchanged.
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(PublishedResults.self, from: encoder.encode(snapshot)) == snapshot)
    }

    // MARK: - What changed

    @Test func changesNameAddedRemovedAndRegrantedLaureatesAndTheFiguresThatMoved() throws {
        let a = input("001", .departemental(departement: "59"))
        let b = input("002", .departemental(departement: "02"))
        let c = input("003", .departemental(departement: "60"))
        let first = try PublishedResults(
            report: ResultsReport(
                call: call(wave1: april), dossiers: [a, b, c],
                decisions: [retained(a, wave: 1, euros: 100), retained(b, wave: 1, euros: 200)],
                publishedOnly: true),
            call: call(wave1: april), version: 1, wave: 1, publishedAt: april)
        let second = try PublishedResults(
            report: ResultsReport(
                call: call(wave1: april, wave2: june), dossiers: [a, b, c],
                decisions: [
                    retained(a, wave: 1, euros: 100), retained(b, wave: 2, euros: 150),
                    retained(c, wave: 2, euros: 300),
                ],
                publishedOnly: true),
            call: call(wave1: april, wave2: june), version: 2, wave: 2, publishedAt: june)
        let changes = PublicationChanges(from: first, to: second)
        #expect(changes.added.map(\.number) == ["003"])
        #expect(changes.removed.isEmpty)
        #expect(changes.amountChanged.map(\.number) == ["002"])
        #expect(changes.amountChanged.first?.fromCents == 20_000)
        #expect(changes.amountChanged.first?.toCents == 15_000)
        #expect(changes.summary.contains("Projets retenus : 2 → 3"))
        #expect(changes.summary.contains("Montant accordé : 300 € → 550 €"))
        #expect(changes.summary.contains("1 lauréat ajouté"))
        #expect(PublicationChanges(from: second, to: second).isEmpty)
        let back = PublicationChanges(from: second, to: first)
        #expect(back.removed.map(\.number) == ["003"])
    }
}

@Suite struct WebhookEventTests {
    func entry(_ type: String, _ action: String, from: String? = nil, to: String? = nil) -> AuditEntry {
        AuditEntry(
            at: Date(), actor: Fixtures.instructor, action: action, entityType: type, entityID: UUID(), from: from,
            to: to, reason: nil)
    }

    @Test(
        arguments: [
            ("dossier", "file", "draft", "filed", "dossier.filed"),
            ("dossier", "decide", "reviewed", "retained", "dossier.retained"),
            ("dossier", "withdraw", "filed", "withdrawn", "dossier.withdrawn"),
            ("dossier", "create_draft", nil, "draft", nil),
            ("dossier", "score", nil, nil, nil),
            ("dossier", "label", "filed", "filed", nil),
            ("call", "publish_wave", nil, "vague 2", "wave.published"),
            ("call", "open_wave", nil, "3", "wave.opened"),
            ("committee_session", "apply_wave", nil, nil, "wave.applied"),
            ("envelope", "revise_envelope", "100", "200", "envelope.revised"),
            ("user", "create_staff", nil, nil, nil),
        ] as [(String, String, String?, String?, String?)])
    func onlyStateChangesAreEvents(type: String, action: String, from: String?, to: String?, expected: String?) {
        #expect(WebhookEvent.type(of: entry(type, action, from: from, to: to)) == expected)
    }

    @Test func retriesGrowThenStopAfterEightAttempts() {
        let delays = (1...8).map { WebhookEvent.retryDelay(afterAttempts: $0) }
        #expect(delays.compactMap { $0 }.count == 7)
        #expect(WebhookEvent.retryDelay(afterAttempts: 8) == nil)
        let known = delays.compactMap { $0 }
        #expect(zip(known, known.dropFirst()).allSatisfy { $0 < $1 })
        #expect(known.reduce(0, +) < 2 * 86_400)
        #expect(WebhookEvent.catalogue.map(\.type).contains("wave.published"))
    }
}

@Suite struct GrantedSubsidiesTests {
    func laureate(_ number: String, cents: Int64) -> PublishedResults.Laureate {
        PublishedResults.Laureate(
            dossierID: UUID(), number: number, title: "Épicerie, solidaire \"mobile\"",
            carrier: "Association \(number)",
            description: "", amountCents: cents, themeCode: "alimentation", territoryCode: "02",
            heading: "Dans l'Aisne", wave: 1, simulated: false)
    }

    @Test func grantedDossiersBecomeValidSCDLRowsDatedTheDecisionDayInParis() throws {
        // 22:30 UTC on 15 April is already 16 April in Paris.
        let decided = try #require(ISO8601DateFormatter().date(from: "2021-04-15T22:30:00Z"))
        let grants = [
            GrantedSubsidies.Grant(
                laureate: laureate("HDF-1", cents: 1_250_050), decidedAt: decided, beneficiarySiret: "73282932000074",
                beneficiaryRNA: nil, grantorName: "Préfecture de la région Hauts-de-France",
                grantorSiret: "73282932000074"),
            GrantedSubsidies.Grant(
                laureate: laureate("HDF-2", cents: 10_000_000), decidedAt: decided, beneficiarySiret: nil,
                beneficiaryRNA: "W595012345", grantorName: "Préfecture de la région Hauts-de-France",
                grantorSiret: "73282932000074"),
        ]
        let rows = GrantedSubsidies.rows(grants, callReference: "hdf-2021", callTitle: "Plan de soutien")
        let csv = SCDLSubventionsFile.csv(rows)
        let report = SCDLValidator.validateSubventions(csv)
        #expect(report.isValid, "\(report.issues)")
        #expect(report.recordCount == 2)
        #expect(csv.contains(",2021-04-16,hdf-2021 — vague 1 — HDF-1,"))
        #expect(csv.contains(",12500.5,aide en numéraire,unique,2021-04-16,"))
        #expect(csv.contains("\"Épicerie, solidaire \"\"mobile\"\"\""))
    }

    @Test func aMissingGrantorSiretIsLeftEmptyAndTheValidatorNamesTheRow() {
        let grant = GrantedSubsidies.Grant(
            laureate: laureate("HDF-3", cents: 100), decidedAt: Date(), beneficiarySiret: "73282932000074",
            beneficiaryRNA: nil, grantorName: "Ministère", grantorSiret: nil)
        let report = SCDLValidator.validateSubventions(
            SCDLSubventionsFile.csv(GrantedSubsidies.rows([grant], callReference: "x", callTitle: "y")))
        #expect(!report.isValid)
        #expect(report.faultyLines == [2])
        #expect(report.issues.contains { $0.column == "idAttribuant" })
    }
}
