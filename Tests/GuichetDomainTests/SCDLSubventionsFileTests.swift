import Foundation
import Testing

@testable import GuichetDomain

/// Writing SCDL files: amounts, shares, quoting, line numbers, and the validator round trip.
@Suite struct SCDLSubventionsFileTests {
    static func day(_ text: String) throws -> CalendarDay { try #require(CalendarDay(iso: text)) }

    static func realistic() throws -> [SCDLSubsidy] {
        [
            SCDLSubsidy(
                nomAttribuant: "Commune d'Antibes", idAttribuant: "21060004500392",
                dateConvention: try day("2024-03-15"),
                referenceDecision: "DEL-2024-03-112",
                nomBeneficiaire: "Les Petits Débrouillards, antenne \"Côte d'Azur\"",
                idBeneficiaire: "52499120500013", objet: "Ateliers scientifiques\nen quartiers prioritaires, été 2024",
                montantCents: 1_250_050, nature: .cashAndInKind, conditionsVersement: .staggered,
                datesPeriodeVersement: .period(start: try day("2024-04-01"), end: try day("2024-12-31")),
                notificationUE: false, pourcentageSubvention: try #require(SCDLShare(basisPoints: 4_500)),
                dispositifAide: "65d5b6c7-102c-4440-ac3b-768f708edc0a"
            ),
            SCDLSubsidy(
                nomAttribuant: "Commune d'Antibes", idAttribuant: "21060004500392",
                dateConvention: try day("2024-02-29"),
                nomBeneficiaire: "Club nautique", rnaBeneficiaire: "W061234567", objet: "Prêt de locaux",
                montantCents: 150_000, nature: .inKind,
                conditionsVersement: .other(description: "mise à disposition gracieuse"),
                datesPeriodeVersement: .day(try day("2024-05-02")), idRAE: "12345", notificationUE: true
            ),
        ]
    }

    @Test(arguments: [
        (Int64(150_000), "1500"), (150_050, "1500.5"), (150_055, "1500.55"), (150_005, "1500.05"),
        (0, "0"), (1, "0.01"), (10, "0.1"), (99, "0.99"), (-150_050, "-1500.5"),
        (Int64.max, "92233720368547758.07"), (Int64.min, "-92233720368547758.08"),
    ])
    func amounts(cents: Int64, text: String) {
        #expect(SCDLSubventionsFile.amount(cents: cents) == text)
    }

    @Test(arguments: [
        (10_000, "1.00"), (4_500, "0.45"), (4_550, "0.455"), (3_333, "0.3333"), (100, "0.01"), (1_010, "0.101"),
    ])
    func shares(basisPoints: Int, text: String) throws {
        #expect(try #require(SCDLShare(basisPoints: basisPoints)).text == text)
    }

    @Test func sharesOutsideTheSchemaBoundsCannotBeBuilt() {
        #expect(SCDLShare(basisPoints: 99) == nil)
        #expect(SCDLShare(basisPoints: 10_001) == nil)
        #expect(SCDLShare(basisPoints: 0) == nil)
    }

    @Test(arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("cr\r\nlf", "\"cr\r\nlf\""), ("", ""), ("=SUM(A1)", "=SUM(A1)"), ("-12", "-12"),
    ])
    func quoting(cell: String, written: String) {
        // No formula defusing: open data must say exactly what was decided (see the type's doc).
        #expect(SCDLSubventionsFile.quote(cell) == written)
    }

    @Test func writesHeaderInSchemaOrderWithLFLineEnds() throws {
        let text = SCDLSubventionsFile.csv(try Self.realistic())
        let schema = try SCDLSchema.subventions.get()
        #expect(text.hasPrefix(schema.fieldNames.joined(separator: ",") + "\n"))
        #expect(!text.contains("\r"))
        #expect(text.hasSuffix("\n"))
        #expect(SCDLSubventionsFile.csv([]) == SCDLSubventionsFile.columns.joined(separator: ",") + "\n")
        let second = try #require(text.split(separator: "\n").last)
        #expect(
            second
                == "Commune d'Antibes,21060004500392,2024-02-29,,Club nautique,,W061234567,Prêt de locaux,1500,aide en nature,mise à disposition gracieuse,2024-05-02,12345,oui,1.00,"
        )
    }

    @Test func roundTripPassesTheValidatorAndReadsBack() throws {
        let rows = try Self.realistic()
        let text = SCDLSubventionsFile.csv(rows)
        let report = try SCDLTestSupport.validator().validate(text)
        #expect(report.isValid, "\(report.issues)")
        #expect(report.recordCount == 2)
        let read = try CSV.numberedRows(text)
        #expect(read.map(\.line) == [1, 2, 4])  // the first record's objet spans lines 2–3
        #expect(read[1].fields == SCDLSubventionsFile.cells(rows[0]))
        #expect(read[1].fields[4] == "Les Petits Débrouillards, antenne \"Côte d'Azur\"")
        #expect(read[1].fields[8] == "12500.5")
    }

    @Test func lineNumbersCountPhysicalLinesAfterMultiLineFields() throws {
        var first = try Self.realistic()[0]
        first.objet = "trois\nlignes\r\nde texte"
        let second = try Self.realistic()[1]
        let text = SCDLSubventionsFile.csv([first, first, second])
        #expect(try SCDLTestSupport.validator().validate(text).isValid)
        // Records start on lines 2, 5 and 8: a mistake in the third record is reported on
        // line 8, where the person will find it, not on « record 3 » (line 4).
        let bad = text.replacingOccurrences(of: "Club nautique,,W061234567", with: "Club nautique,,")
        #expect(try CSV.numberedRows(bad).map(\.line) == [1, 2, 5, 8])
        let report = try SCDLTestSupport.validator().validate(bad)
        #expect(report.issues.map(SCDLTriple.init) == [SCDLTriple(8, nil, .oneOfRequired)])
        #expect(report.faultyLines == [8])
    }

    @Test func csvReaderKeepsTheStartLineOfEachRecord() throws {
        let rows = try CSV.numberedRows("a,b\r\n\"x\ny\",1\n\"\",\"q\"\"\"\nlast,2")
        #expect(
            rows == [
                CSV.Row(line: 1, fields: ["a", "b"]), CSV.Row(line: 2, fields: ["x\ny", "1"]),
                CSV.Row(line: 4, fields: ["", "q\""]), CSV.Row(line: 5, fields: ["last", "2"]),
            ])
        #expect(try CSV.rows("a,b\n1,2\n") == [["a", "b"], ["1", "2"]])
        #expect(throws: DomainError.invalidCSV(line: 2, reason: "guillemet ouvrant jamais refermé")) {
            try CSV.numberedRows("a\n\"open\nstill open")
        }
    }
}
