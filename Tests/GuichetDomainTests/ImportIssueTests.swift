import Foundation
import Testing

@testable import GuichetDomain

/// One faulty cell: what the row says, and the issue expected for it.
struct FaultyCell: CustomTestStringConvertible, Sendable {
    let overrides: [String: String]
    let code: ImportIssue.Code
    let column: String
    var regional = false
    var testDescription: String { code.rawValue }
}

@Suite struct ImportIssueTests {
    static let decision = [
        "vague": "2", "decision": "retenu", "montant_accorde": "10 000", "date_decision": "2021-05-20",
    ]

    static let cells: [FaultyCell] = [
        FaultyCell(overrides: ["titre": ""], code: .required, column: "titre"),
        FaultyCell(overrides: ["montant_demande": "12,500.00"], code: .invalidAmount, column: "montant_demande"),
        FaultyCell(overrides: ["montant_demande": "0"], code: .invalidAmount, column: "montant_demande"),
        FaultyCell(overrides: ["thematique": "culture"], code: .unknownTheme, column: "thematique"),
        FaultyCell(overrides: ["territoire": "99"], code: .unknownTerritory, column: "territoire"),
        FaultyCell(overrides: ["porteur_departement": "00"], code: .unknownTerritory, column: "porteur_departement"),
        FaultyCell(overrides: ["portee": "local"], code: .invalidScope, column: "portee"),
        FaultyCell(overrides: ["territoire": "75"], code: .scopeOutsideCall, column: "territoire", regional: true),
        FaultyCell(
            overrides: ["portee": "national", "territoire": "", "regions": "32|11"], code: .scopeOutsideCall,
            column: "portee", regional: true),
        FaultyCell(overrides: ["porteur_siret": "123 456"], code: .invalidSiret, column: "porteur_siret"),
        FaultyCell(overrides: ["porteur_rna": "X12"], code: .invalidRNA, column: "porteur_rna"),
        FaultyCell(overrides: ["porteur_siret": ""], code: .missingIdentifier, column: "porteur_siret"),
        FaultyCell(
            overrides: ["porteur_forme_juridique": "sarl"], code: .invalidLegalForm, column: "porteur_forme_juridique"),
        FaultyCell(overrides: ["date_depot": "10/01/2021"], code: .invalidDate, column: "date_depot"),
        FaultyCell(overrides: ["date_depot": "2021-01-16"], code: .filedOutsideWindow, column: "date_depot"),
        FaultyCell(
            overrides: ["date_depot": "2020-10-31T23:59:00+01:00"], code: .filedOutsideWindow, column: "date_depot"),
        FaultyCell(overrides: ["numero": "TEST-0001"], code: .duplicateNumber, column: "numero"),
        FaultyCell(overrides: decision.merging(["vague": "9"]) { $1 }, code: .unknownWave, column: "vague"),
        FaultyCell(overrides: decision.merging(["vague": "1"]) { $1 }, code: .waveFrozen, column: "vague"),
        FaultyCell(
            overrides: decision.merging(["decision": "peut-être"]) { $1 }, code: .invalidDecision, column: "decision"),
        FaultyCell(
            overrides: decision.merging(["decision": "rejete", "montant_accorde": "5"]) { $1 }, code: .invalidDecision,
            column: "montant_accorde"),
        FaultyCell(
            overrides: decision.merging(["montant_accorde": "20 000"]) { $1 }, code: .amountAboveRequest,
            column: "montant_accorde"),
        FaultyCell(
            overrides: decision.merging(["decision": "rejete", "montant_accorde": ""]) { $1 }, code: .missingMotive,
            column: "motif"),
        FaultyCell(
            overrides: decision.merging(["date_decision": "2021-13-01"]) { $1 }, code: .invalidDate,
            column: "date_decision"),
        FaultyCell(
            overrides: decision.merging(["montant_accorde": ""]) { $1 }, code: .required, column: "montant_accorde"),
    ]

    /// The faulty row follows a valid one whose summary spans three lines, so it starts on line 5.
    @Test(arguments: cells)
    func eachFaultIsReportedWithItsLineAndColumn(cell: FaultyCell) throws {
        let file = ImportFile.with(
            ["resume": "Première ligne\ndeuxième ligne\ntroisième ligne"], cell.overrides, decisions: true)
        let call = cell.regional ? ImportFixtures.regionalCall : ImportFixtures.call
        let report = try #require(ImportFixtures.report(file, call: call, existing: ["TEST-0001"], decisions: true))
        #expect(report.issues.map(\.code) == [cell.code])
        #expect(report.issues.first?.line == 5)
        #expect(report.issues.first?.column == cell.column)
        #expect(report.issues.first?.message.hasPrefix("Ligne 5, colonne \(cell.column) : ") == true)
        #expect(report.rowsRead == 2)
        #expect(report.validRows == 1)
    }

    @Test func anAmountMessageNamesTheValueAndTheExpectedForm() throws {
        let report = try #require(ImportFixtures.report(ImportFile.with(["montant_demande": "12,500.00"])))
        #expect(
            report.issues.first?.message
                == "Ligne 2, colonne montant_demande : Le montant « 12,500.00 » n'est pas un montant en euros valide (exemple : 12 500 ou 12 500,50)."
        )
    }

    @Test func aNumberRepeatedInTheFilePointsAtTheFirstLine() throws {
        let report = try #require(
            ImportFixtures.report(ImportFile.with(["numero": "A-1"], ["numero": "B-2"], ["numero": "A-1"])))
        #expect(report.issues.map(\.code) == [.duplicateNumber])
        #expect(report.issues.first?.line == 4)
        #expect(report.issues.first?.message.contains("ligne 2") == true)
    }

    @Test func everyIssueOfEveryRowIsReported() throws {
        let file = ImportFile.with(
            ["titre": "", "montant_demande": "beaucoup"], [:], ["thematique": "culture"],
            ["date_depot": "hier", "porteur_rna": "W1"])
        let report = try #require(ImportFixtures.report(file))
        #expect(report.rowsRead == 4)
        #expect(report.validRows == 1)
        #expect(report.faultyLines == [2, 4, 5])
        #expect(report.issuesByLine.map(\.issues.count) == [2, 1, 2])
        #expect(report.issues.map(\.code) == [.required, .invalidAmount, .unknownTheme, .invalidRNA, .invalidDate])
    }

    @Test func headerFaultsAreReportedTogetherOnLineOne() throws {
        var file = ImportFile.with([:])
        file.headers =
            file.headers.filter { $0 != "titre" }.map { $0 == "montant_demande" ? "montant_demnde" : $0 } + [
                "Numéro", "commentaire",
            ]
        let report = try #require(ImportFixtures.report(file))
        let header = report.issuesByLine.first
        #expect(header?.line == 1)
        #expect(
            header?.issues.map(\.code) == [
                .unknownColumn, .duplicateColumn, .unknownColumn, .missingColumn, .missingColumn,
            ])
        #expect(
            header?.issues.map(\.column) == ["montant_demnde", "Numéro", "commentaire", "titre", "montant_demande"])
        #expect(header?.issues.first?.message.contains("Vouliez-vous dire « montant_demande » ?") == true)
    }

    @Test func aDecisionColumnBringsTheRestOfItsGroup() throws {
        var file = ImportFile.with([:])
        file.headers.append("decision")
        let report = try #require(ImportFixtures.report(file, decisions: true))
        #expect(report.issues.map(\.column) == ["vague", "date_decision"])
        #expect(report.codes == [.missingColumn])
    }

    @Test func aRowOfTheWrongWidthAndAnUnclosedQuoteAreReported() throws {
        let text = ImportFile.with([:]).text + "trop,court\n"
        let wide = Result { () throws(ImportReport) in
            try ImportReader.read(text: text, call: ImportFixtures.call, existingNumbers: [], allowDecisions: false)
        }
        #expect(wide.failure?.issues.map(\.code) == [.columnCount])
        #expect(wide.failure?.issues.first?.line == 3)
        let unclosed = Result { () throws(ImportReport) in
            try ImportReader.read(
                text: ImportFile.with([:]).text + "\"ouvert,\n", call: ImportFixtures.call, existingNumbers: [],
                allowDecisions: false)
        }
        #expect(unclosed.failure?.issues.map(\.code) == [.invalidCSV])
        #expect(unclosed.failure?.issues.first?.line == 3)
    }

    @Test(arguments: ["", "\u{FEFF}", "\n\n", "numero,titre\n"])
    func aFileWithoutDossiersIsRefused(text: String) throws {
        let result = Result { () throws(ImportReport) in
            try ImportReader.read(text: text, call: ImportFixtures.call, existingNumbers: [], allowDecisions: false)
        }
        #expect(result.failure?.codes.contains(.emptyFile) == true)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
