import Foundation
import Testing

@testable import GuichetDomain

/// Shared helpers for the SCDL tests: fixtures, a known-good row, and issue triples.
enum SCDLTestSupport {
    /// The text of an official example copied in Fixtures/scdl.
    static func fixture(_ name: String) throws -> String {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "Fixtures/scdl"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The bundled subventions validator; a failure here is a packaging bug.
    static func validator() throws -> SCDLValidator {
        try SCDLValidator.subventions.get()
    }

    /// A row that passes every check, by column name.
    static let goodRow: [String: String] = [
        "nomAttribuant": "Commune d'Antibes", "idAttribuant": "21060004500392", "dateConvention": "2024-03-15",
        "referenceDecision": "DEL-2024-12", "nomBeneficiaire": "Les Petits Débrouillards",
        "idBeneficiaire": "52499120500013", "rnaBeneficiaire": "W333216789", "objet": "Ateliers scientifiques",
        "montant": "12500.50", "nature": "aide en numéraire", "conditionsVersement": "unique",
        "datesPeriodeVersement": "2024-04-01", "idRAE": "", "notificationUE": "non",
        "pourcentageSubvention": "1.00", "dispositifAide": "",
    ]

    /// A one-row file in schema order, with some cells replaced; cells are RFC 4180 quoted.
    static func file(_ overrides: [String: String]) -> String {
        let cells = SCDLSubventionsFile.columns.map { overrides[$0] ?? goodRow[$0] ?? "" }
        return SCDLSubventionsFile.columns.joined(separator: ",") + "\n"
            + cells.map(SCDLSubventionsFile.quote).joined(separator: ",") + "\n"
    }

    /// Issues of a one-row file as comparable triples.
    static func triples(_ overrides: [String: String]) throws -> Set<SCDLTriple> {
        Set(try validator().validate(file(overrides)).issues.map(SCDLTriple.init))
    }
}

/// (line, column, code): what the example tests compare; messages are checked separately.
struct SCDLTriple: Hashable, CustomStringConvertible {
    let line: Int
    let column: String?
    let code: SCDLIssue.Code

    init(_ line: Int, _ column: String?, _ code: SCDLIssue.Code) {
        self.line = line
        self.column = column
        self.code = code
    }

    init(_ issue: SCDLIssue) { self.init(issue.line, issue.column, issue.code) }

    var description: String { "(\(line), \(column ?? "-"), \(code.rawValue))" }
}
