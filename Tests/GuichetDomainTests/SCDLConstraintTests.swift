import Foundation
import Testing

@testable import GuichetDomain

/// Patterns, enums, lengths, custom checks, header and record shape.
@Suite struct SCDLConstraintTests {
    @Test(arguments: [
        ("rnaBeneficiaire", "W123456789", true), ("rnaBeneficiaire", "W12345678", false),
        ("rnaBeneficiaire", "w123456789", false), ("rnaBeneficiaire", "XW123456789", false),
        ("rnaBeneficiaire", "W1234567890", false), ("rnaBeneficiaire", "W123456789\n", false),
        ("idAttribuant", "21060004500392", true), ("idAttribuant", "210600045", false),
        ("idAttribuant", "21060004500392\n", false),
        ("datesPeriodeVersement", "2024-01-01", true), ("datesPeriodeVersement", "2024-01-01/2024-12-31", true),
        ("datesPeriodeVersement", "2024-01-01/", false), ("datesPeriodeVersement", "2024-01-01 2024-12-31", false),
        ("datesPeriodeVersement", "2024-01-01/2024-12-31/2025-01-01", false),
    ])
    func patternsMatchTheWholeValue(column: String, value: String, valid: Bool) throws {
        // `$` alone would accept a trailing line break; the validator anchors with \A…\z.
        let issues = try SCDLTestSupport.triples([column: value])
        #expect(issues == (valid ? [] : [SCDLTriple(2, column, .pattern)]), "\(column)=\(value)")
    }

    @Test(arguments: [
        ("aide en numéraire", true), ("aide en nature", true), ("aide en numéraire;aide en nature", true),
        ("aide en nature;aide en numéraire", true), ("aide en numéraire,aide en nature", false),
        ("Aide en numéraire", false), ("aide en numéraire ", false), ("numéraire", false),
    ])
    func natureEnum(value: String, valid: Bool) throws {
        let issues = try SCDLTestSupport.triples(["nature": value])
        #expect(issues == (valid ? [] : [SCDLTriple(2, "nature", .enum)]), "\(value)")
    }

    @Test(arguments: [
        ("52499120500013", "W333216789", false), ("52499120500013", "", false), ("", "W333216789", false),
        ("", "", true),
    ])
    func oneOfRequired(siret: String, rna: String, fails: Bool) throws {
        let issues = try SCDLTestSupport.triples(["idBeneficiaire": siret, "rnaBeneficiaire": rna])
        #expect(issues == (fails ? [SCDLTriple(2, nil, .oneOfRequired)] : []))
    }

    @Test func oneOfRequiredCountsAnAbsentColumnAsEmpty() throws {
        let columns = SCDLSubventionsFile.columns.filter { $0 != "rnaBeneficiaire" }
        let cells = columns.map { $0 == "idBeneficiaire" ? "" : SCDLTestSupport.goodRow[$0] ?? "" }
        let text =
            columns.joined(separator: ",") + "\n" + cells.map(SCDLSubventionsFile.quote).joined(separator: ",") + "\n"
        let report = try SCDLTestSupport.validator().validate(text)
        #expect(Set(report.issues.map(SCDLTriple.init)) == [SCDLTriple(2, nil, .oneOfRequired)])
    }

    @Test func lengthsCountCharactersNotBytes() throws {
        #expect(try SCDLTestSupport.triples(["objet": String(repeating: "é", count: 256)]) == [])
        #expect(
            try SCDLTestSupport.triples(["objet": String(repeating: "é", count: 257)]) == [
                SCDLTriple(2, "objet", .maxLength)
            ])
        #expect(try SCDLTestSupport.triples(["idRAE": "123456"]) == [SCDLTriple(2, "idRAE", .maxLength)])
    }

    @Test func requiredCellsAndOptionalOnes() throws {
        #expect(try SCDLTestSupport.triples(["nomAttribuant": ""]) == [SCDLTriple(2, "nomAttribuant", .required)])
        #expect(try SCDLTestSupport.triples(["referenceDecision": "", "idRAE": "", "dispositifAide": ""]) == [])
        // An empty required SIRET is `required`, not also `siret`.
        #expect(try SCDLTestSupport.triples(["idAttribuant": ""]) == [SCDLTriple(2, "idAttribuant", .required)])
    }

    @Test func periodsAreRealAndOrdered() throws {
        #expect(try SCDLTestSupport.triples(["datesPeriodeVersement": "2024-05-01/2024-05-01"]) == [])
        #expect(
            try SCDLTestSupport.triples(["datesPeriodeVersement": "2024-05-02/2024-05-01"])
                == [SCDLTriple(2, "datesPeriodeVersement", .period)])
        #expect(
            try SCDLTestSupport.triples(["datesPeriodeVersement": "2021-02-29"])
                == [SCDLTriple(2, "datesPeriodeVersement", .date)])
        #expect(
            try SCDLTestSupport.triples(["datesPeriodeVersement": "2021-02-29/2021-13-01"])
                == [SCDLTriple(2, "datesPeriodeVersement", .date)])
    }

    @Test func headerRules() throws {
        let validator = try SCDLTestSupport.validator()
        let good = SCDLTestSupport.file([:])
        #expect(validator.validate(good).isValid)
        // Order is free: reverse both header and cells.
        let lines = good.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).reversed().joined(separator: ",")
        }
        #expect(validator.validate(lines.joined(separator: "\n") + "\n").isValid)
        // Duplicated and unknown columns; the extra cells are not checked.
        let header = SCDLSubventionsFile.columns.joined(separator: ",") + ",objet,commentaire"
        let row = good.split(separator: "\n")[1] + ",x,y"
        let report = validator.validate("\(header)\n\(row)\n")
        #expect(
            Set(report.issues.map(SCDLTriple.init)) == [
                SCDLTriple(1, "objet", .duplicateColumn), SCDLTriple(1, "commentaire", .unknownColumn),
            ])
        // Missing optional columns are fine, missing required ones are not.
        let reduced = SCDLSubventionsFile.columns.filter { $0 != "dispositifAide" && $0 != "montant" }
        let reducedRow = reduced.map { SCDLTestSupport.goodRow[$0] ?? "" }.map(SCDLSubventionsFile.quote).joined(
            separator: ",")
        let missing = validator.validate(reduced.joined(separator: ",") + "\n" + reducedRow + "\n")
        #expect(missing.issues.map(SCDLTriple.init) == [SCDLTriple(1, "montant", .missingColumn)])
    }

    @Test func recordShapeAndMalformedFiles() throws {
        let validator = try SCDLTestSupport.validator()
        let header = SCDLSubventionsFile.columns.joined(separator: ",")
        let report = validator.validate(header + "\na,b\n\n")
        #expect(report.issues.map(SCDLTriple.init) == [SCDLTriple(2, nil, .rowLength)])
        #expect(report.recordCount == 1)
        #expect(validator.validate("").issues.map(\.code) == [.emptyFile])
        let broken = validator.validate(SCDLTestSupport.file([:]) + "\"unterminated,\n")
        #expect(broken.issues.map(SCDLTriple.init) == [SCDLTriple(3, nil, .csv)])
        #expect(validator.validate("\u{FEFF}" + SCDLTestSupport.file([:])).isValid)
        #expect(validator.validate(SCDLTestSupport.file([:]).replacingOccurrences(of: "\n", with: "\r\n")).isValid)
    }

    @Test func reportGroupsByLine() throws {
        let validator = try SCDLTestSupport.validator()
        let body = SCDLTestSupport.file(["montant": "x", "nature": "y"])
        let second = body.split(separator: "\n")[1]
        let report = validator.validate(body + second + "\n")
        #expect(report.faultyLines == [2, 3])
        #expect(report.issuesByLine.map(\.line) == [2, 3])
        #expect(report.issuesByLine.first?.issues.map(\.column) == ["montant", "nature"])
        #expect(report.issues(onLine: 3).count == 2)
    }
}
