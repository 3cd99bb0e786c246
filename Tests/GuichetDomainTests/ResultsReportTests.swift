import Foundation
import Testing

@testable import GuichetDomain

@Suite struct ResultsReportTests {
    let published = ParisTime.day("2021-04-16")!

    func call(publishWave1: Bool = true) -> Call {
        Fixtures.call(waves: [
            Wave(number: 1, label: "Vague 1", announcedOn: published, publishedAt: publishWave1 ? published : nil),
            Wave(number: 2, label: "Vague 2", announcedOn: ParisTime.day("2021-06-01")!, publishedAt: nil),
        ])
    }

    func laureate(
        _ scope: Scope, theme: String = "alimentation", number: String, status: DossierStatus = .retained
    ) -> ResultsReport.Input {
        ResultsReport.Input(
            dossier: Fixtures.dossier(
                status: status, requested: 200_000, scope: scope, theme: theme,
                title: "Projet \(number)", filedAt: Fixtures.opensAt, number: number),
            carrier: "Association \(number)")
    }

    @Test func groupsLaureatesByThemeThenTerritoryInTheCallsOrder() throws {
        let inputs = [
            laureate(.departemental(departement: "59"), number: "001"),
            laureate(.regional(region: "32"), number: "002"),
            laureate(.departemental(departement: "02"), number: "003"),
            laureate(.departemental(departement: "60"), theme: "insertion", number: "004"),
            ResultsReport.Input(
                dossier: Fixtures.dossier(status: .reviewed, filedAt: Fixtures.opensAt), carrier: "Autre"),
            ResultsReport.Input(dossier: Fixtures.dossier(status: .draft), carrier: "Brouillon"),
        ]
        let decisions = inputs.prefix(4).map {
            Decision(
                dossierID: $0.dossier.id, waveNumber: 1, outcome: .retained(amount: Fixtures.euros(100_000)),
                decidedAt: published, simulated: true)
        }
        let report = try ResultsReport(call: call(), dossiers: inputs, decisions: decisions, publishedOnly: true)
        #expect(report.filed == 5)
        #expect(report.retained == 4)
        #expect(report.retainedAmount == Fixtures.euros(400_000))
        let food = try #require(report.waves.first?.themes.first)
        #expect(food.theme.code == "alimentation")
        #expect(food.retained == 3)
        #expect(food.groups.map(\.heading) == ["Au niveau régional", "Dans l'Aisne", "Dans le Nord"])
        #expect(report.byTheme.map(\.retained) == [3, 1])
        #expect(report.byTerritory.first?.territory == TerritoryKey(level: .region, code: "32"))
        #expect(report.byTerritory.map(\.code) == ["32", "02", "60", "59"])
        #expect(report.containsSimulatedData)
    }

    @Test func unpublishedWavesStayPrivate() throws {
        let input = laureate(.departemental(departement: "02"), number: "001")
        let decision = Decision(
            dossierID: input.dossier.id, waveNumber: 1, outcome: .retained(amount: Fixtures.euros(10)),
            decidedAt: published, simulated: false)
        let publicReport = try ResultsReport(
            call: call(publishWave1: false), dossiers: [input], decisions: [decision], publishedOnly: true)
        #expect(publicReport.retained == 0)
        #expect(publicReport.waves.isEmpty)
        let staffReport = try ResultsReport(
            call: call(publishWave1: false), dossiers: [input], decisions: [decision], publishedOnly: false)
        #expect(staffReport.retained == 1)
    }

    @Test func aDecisionCountsOnlyWhileTheDossierIsStillRetained() throws {
        let input = laureate(.departemental(departement: "02"), number: "001", status: .rejected)
        let decision = Decision(
            dossierID: input.dossier.id, waveNumber: 1, outcome: .retained(amount: Fixtures.euros(10)),
            decidedAt: published, simulated: false)
        let report = try ResultsReport(call: call(), dossiers: [input], decisions: [decision], publishedOnly: true)
        #expect(report.retained == 0)
    }

    @Test func theLatestWaveDecides() throws {
        let input = laureate(.departemental(departement: "02"), number: "001")
        let decisions = [
            Decision(
                dossierID: input.dossier.id, waveNumber: 1, outcome: .waitingList, decidedAt: published,
                simulated: false),
            Decision(
                dossierID: input.dossier.id, waveNumber: 2, outcome: .retained(amount: Fixtures.euros(10)),
                decidedAt: published, simulated: false),
        ]
        let report = try ResultsReport(call: call(), dossiers: [input], decisions: decisions, publishedOnly: false)
        #expect(report.waves.map(\.retained) == [0, 1])
    }
}
