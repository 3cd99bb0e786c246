import Foundation
import Testing

@testable import GuichetDomain

/// Builds import files for tests: a header and rows of defaults that each test overrides.
struct ImportFile {
    static let dossierHeaders: [String] = [
        "numero", "titre", "resume", "thematique", "portee", "territoire", "regions", "montant_demande",
        "porteur_nom", "porteur_siret", "porteur_rna", "porteur_forme_juridique", "porteur_departement", "date_depot",
    ]
    static let decisionHeaders = ["vague", "decision", "montant_accorde", "motif", "date_decision"]

    static let defaults: [String: String] = [
        "titre": "Épicerie solidaire", "resume": "Un camion-épicerie.", "thematique": "alimentation",
        "portee": "departemental", "territoire": "02", "montant_demande": "12 500,50", "porteur_nom": "Association",
        "porteur_siret": "732 829 320 00074", "porteur_forme_juridique": "association_declaree",
        "date_depot": "2021-01-10",
    ]

    var headers = ImportFile.dossierHeaders
    var delimiter: Character = ","
    var rows: [[String: String]] = []

    /// A file whose rows start from the defaults, with the given overrides.
    static func with(
        _ overrides: [String: String]..., decisions: Bool = false, delimiter: Character = ","
    ) -> ImportFile {
        var file = ImportFile(headers: dossierHeaders + (decisions ? decisionHeaders : []), delimiter: delimiter)
        file.rows = overrides.map { defaults.merging($0) { _, new in new } }
        return file
    }

    var text: String {
        let lines = [headers.map(quoted)] + rows.map { row in headers.map { quoted(row[$0] ?? "") } }
        return lines.map { $0.joined(separator: String(delimiter)) }.joined(separator: "\n") + "\n"
    }

    private func quoted(_ value: String) -> String {
        guard value.contains(where: { $0 == delimiter || $0 == "\"" || $0 == "\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

enum ImportFixtures {
    static let waves = [
        Wave(
            number: 1, label: "Vague 1", announcedOn: ParisTime.day("2021-04-16")!,
            publishedAt: ParisTime.day("2021-04-16")!),
        Wave(number: 2, label: "Vague 2", announcedOn: ParisTime.day("2021-06-01")!, publishedAt: nil),
    ]
    static let call = Fixtures.call(waves: waves)
    static let regionalCall = Call(
        reference: "HDF", title: "Appel Hauts-de-France", themes: call.themes, objectives: [],
        opensAt: call.opensAt, closesAt: call.closesAt, waves: waves, territoryOrder: [], regionCode: "32")

    static func read(
        _ file: ImportFile, call: Call = call, existing: Set<String> = [], decisions: Bool = false
    ) -> Result<ImportPlan, ImportReport> {
        Result { () throws(ImportReport) in
            try ImportReader.read(text: file.text, call: call, existingNumbers: existing, allowDecisions: decisions)
        }
    }

    static func report(
        _ file: ImportFile, call: Call = call, existing: Set<String> = [], decisions: Bool = false
    ) -> ImportReport? {
        if case .failure(let report) = read(file, call: call, existing: existing, decisions: decisions) {
            return report
        }
        return nil
    }
}

@Suite struct ImportFileTests {
    @Test func aValidCommaFileGivesTypedRows() throws {
        let file = ImportFile.with(
            ["numero": "TEST-0001"],
            ["portee": "regional", "territoire": "32", "porteur_siret": "", "porteur_rna": "w595012345"])
        let plan = try ImportFixtures.read(file).get()
        #expect(plan.delimiter == ",")
        #expect(plan.rows.count == 2)
        let first = plan.rows[0]
        #expect(first.line == 2)
        #expect(first.number == "TEST-0001")
        #expect(first.scope == .departemental(departement: "02"))
        #expect(first.requested.cents == 1_250_050)
        #expect(first.carrier.siret?.value == "73282932000074")
        #expect(first.carrier.legalForm == .declaredAssociation)
        #expect(first.filedAt == ParisTime.calendar.date(from: DateComponents(year: 2021, month: 1, day: 10, hour: 12)))
        #expect(first.decision == nil)
        #expect(plan.rows[1].scope == .regional(region: "32"))
        #expect(plan.rows[1].carrier.rna?.value == "W595012345")
        #expect(plan.rows[1].number == nil)
    }

    @Test func aSemicolonFileWithABOMReadsTheSameAsTheCommaFile() throws {
        let overrides: [String: String] = ["resume": "Paniers, fruits; légumes", "montant_demande": "12 500,50"]
        let comma = try ImportFixtures.read(ImportFile.with(overrides)).get()
        var semicolon = ImportFile.with(overrides, delimiter: ";")
        semicolon.headers = ImportFile.dossierHeaders
        let text = "\u{FEFF}" + semicolon.text
        let plan = try ImportReader.read(
            text: text, call: ImportFixtures.call, existingNumbers: [], allowDecisions: false)
        #expect(plan.delimiter == ";")
        #expect(plan.rows == comma.rows)
        #expect(plan.rows[0].summary == "Paniers, fruits; légumes")
    }

    @Test func headersAreMatchedWhateverTheirCaseAccentsAndAliases() throws {
        var file = ImportFile.with(["thematique": "ALIMENTATION"])
        file.headers = [
            "Numéro", "Titre", "Résumé", "Thématique", "Portée", "Territoire", "Régions", "Montant demandé (€)",
            "Porteur nom", "SIRET", "porteur-rna", "Forme juridique", "PORTEUR_DÉPARTEMENT", "Date de dépôt",
        ]
        file.rows = file.rows.map { row in
            Dictionary(uniqueKeysWithValues: zip(file.headers, ImportFile.dossierHeaders.map { row[$0] ?? "" }))
        }
        let plan = try ImportFixtures.read(file).get()
        #expect(plan.rows[0].themeCode == "alimentation")
        #expect(plan.rows[0].requested.cents == 1_250_050)
    }

    @Test func themesMatchByLabelAndLegalFormsByLabel() throws {
        let file = ImportFile.with(
            ["thematique": "insertion", "porteur_forme_juridique": "fondation"],
            ["thematique": "Insértion", "porteur_forme_juridique": "Association déclarée (loi 1901)"])
        let plan = try ImportFixtures.read(file).get()
        #expect(plan.rows.map(\.themeCode) == ["insertion", "insertion"])
        #expect(plan.rows.map(\.carrier.legalForm) == [.foundation, .declaredAssociation])
    }

    @Test func aNationalScopeCarriesItsRegions() throws {
        let file = ImportFile.with(["portee": "National", "territoire": "", "regions": "32 | 11|2"])
        let plan = try ImportFixtures.read(file).get()
        #expect(plan.rows[0].scope == .national(regions: ["32", "11", "02"]))
    }

    @Test func aNationalScopeNeedsTwoRegionsAsEverywhereInGuichet() {
        let report = ImportFixtures.report(ImportFile.with(["portee": "national", "territoire": "", "regions": "32"]))
        #expect(report?.issues.map(\.code) == [.invalidScope])
        #expect(report?.issues.first?.column == "regions")
    }

    @Test func blankLinesAndBareDelimiterLinesAreSkipped() throws {
        let file = ImportFile.with([:], [:])
        var lines = file.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.insert("", at: 2)
        lines.insert(",,,,,,,,,,,,,", at: 3)
        let plan = try ImportReader.read(
            text: lines.joined(separator: "\n"), call: ImportFixtures.call, existingNumbers: [], allowDecisions: false)
        #expect(plan.rows.map(\.line) == [2, 5])
    }

    @Test func decisionsAreReadWhenAllowed() throws {
        let file = ImportFile.with(
            ["vague": "2", "decision": "retenu", "montant_accorde": "10 000", "date_decision": "2021-05-20"],
            ["vague": "2", "decision": "Liste d'attente", "date_decision": "2021-05-20T10:00:00Z"],
            ["vague": "2", "decision": "rejeté", "motif": "Hors champ.", "date_decision": "2021-05-20"],
            [:], decisions: true)
        let plan = try ImportFixtures.read(file, decisions: true).get()
        #expect(plan.decisionCount == 3)
        #expect(plan.rows[0].decision?.outcome == .retained(amount: Fixtures.euros(10_000)))
        #expect(plan.rows[1].decision?.outcome == .waitingList)
        #expect(plan.rows[2].decision?.outcome == .rejected(motive: "Hors champ."))
        #expect(plan.rows[3].decision == nil)
        #expect(plan.rows[0].dossier(id: UUID(), number: nil).status == .retained)
        #expect(plan.rows[3].dossier(id: UUID(), number: "X").status == .filed)
    }

    @Test func decisionsAreRefusedForACallRunInGuichet() {
        let file = ImportFile.with(
            ["vague": "2", "decision": "retenu", "montant_accorde": "10 000", "date_decision": "2021-05-20"],
            [:], decisions: true)
        let report = ImportFixtures.report(file, decisions: false)
        #expect(report?.issues.map(\.code) == [.decisionNotAllowed])
        #expect(report?.issues.first?.line == 2)
        #expect(report?.issues.first?.column == "vague")
        #expect(report?.validRows == 1)
    }

    @Test func progressIsReportedEveryIntervalAndAtTheEnd() throws {
        let file = ImportFile.with([:], [:], [:], [:], [:])
        var calls: [[Int]] = []
        _ = try ImportReader.read(
            text: file.text, call: ImportFixtures.call, existingNumbers: [], allowDecisions: false,
            progressInterval: 2
        ) { done, total in calls.append([done, total]) }
        #expect(calls == [[2, 5], [4, 5], [5, 5]])
    }
}
