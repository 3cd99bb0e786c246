import Foundation
import Testing

@testable import GuichetDomain

@Suite struct ImportColumnsTests {
    @Test func everyFieldIsDocumentedOnceWithAnExample() {
        #expect(ImportColumns.all.map(\.field) == ImportField.allCases)
        #expect(ImportColumns.all.allSatisfy { !$0.description.isEmpty && !$0.example.isEmpty })
    }

    @Test func noAliasNamesTwoColumns() {
        let keys = ImportColumns.all.flatMap { column in
            ([column.header] + column.aliases).map { (ImportColumns.normalise($0), column.field) }
        }
        let fieldsByKey = Dictionary(grouping: keys, by: \.0).mapValues { Set($0.map(\.1)) }
        #expect(fieldsByKey.values.allSatisfy { $0.count == 1 })
    }

    @Test(arguments: [
        ("Montant demandé (€)", ImportField.requested), ("Thématique", .theme), ("NUMÉRO", .number),
        ("porteur-forme-juridique", .carrierLegalForm), (" date de dépôt ", .filedAt), ("Date_Décision", .decidedAt),
    ])
    func headersMatchIgnoringCaseAccentsAndPunctuation(header: String, field: ImportField) {
        #expect(ImportColumns.field(forHeader: header) == field)
    }

    @Test(arguments: [("titr", "titre"), ("montant_demnde", "montant_demande"), ("porteur_sirett", "porteur_siret")])
    func closeHeadersGetASuggestion(header: String, suggestion: String) {
        #expect(ImportColumns.field(forHeader: header) == nil)
        #expect(ImportColumns.suggestion(forHeader: header) == suggestion)
    }

    @Test func farHeadersGetNone() {
        #expect(ImportColumns.suggestion(forHeader: "commentaire libre") == nil)
    }

    @Test(arguments: [
        ("2021-01-10", DateComponents(year: 2021, month: 1, day: 10, hour: 12)),
        ("2021-03-28", DateComponents(year: 2021, month: 3, day: 28, hour: 12)),
        ("2021-01-10T14:30", DateComponents(year: 2021, month: 1, day: 10, hour: 14, minute: 30)),
        ("2021-01-10 14:30:15.250", DateComponents(year: 2021, month: 1, day: 10, hour: 14, minute: 30, second: 15)),
        ("2021-01-10T13:30:00Z", DateComponents(year: 2021, month: 1, day: 10, hour: 14, minute: 30)),
        ("2021-01-10T16:30:00+03:00", DateComponents(year: 2021, month: 1, day: 10, hour: 14, minute: 30)),
    ])
    func isoDaysAndDateTimesAreRead(text: String, paris: DateComponents) {
        #expect(ImportDate.parse(text) == ParisTime.calendar.date(from: paris))
    }

    @Test(arguments: [
        "10/01/2021", "2021-02-30", "2021-1-10", "2021-01-10T25:00", "2021-01-10T10:00+1", "2021-01-10X", "",
    ])
    func otherDatesAreRefused(text: String) {
        #expect(ImportDate.parse(text) == nil)
    }

    @Test(arguments: [("a,b;c\n1;2;3", Character(",")), ("a;b;c\n1,5;2;3", ";"), ("\"x;y\",b\n", ","), ("a", ",")])
    func theHeaderDecidesTheDelimiter(text: String, delimiter: Character) {
        #expect(ImportReader.detectDelimiter(text) == delimiter)
    }
}
