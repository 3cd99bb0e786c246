import Testing

@testable import GuichetDomain

@Suite struct CSVTests {
    @Test func readsQuotedFieldsWithCommasQuotesAndNewlines() throws {
        let text = "a,b\r\n\"x, y\",\"il dit \"\"oui\"\"\"\n\"deux\nlignes\",z\n"
        let records = try CSV.records(text)
        #expect(records.count == 2)
        #expect(records[0]["a"] == "x, y")
        #expect(records[0]["b"] == "il dit \"oui\"")
        #expect(records[1]["a"] == "deux\nlignes")
    }

    @Test func refusesAnUnterminatedQuote() {
        #expect(throws: DomainError.invalidCSV(line: 2, reason: "guillemet ouvrant jamais refermé")) {
            try CSV.rows("a,b\n\"oops,c\n")
        }
    }

    @Test func refusesARowWithTheWrongWidth() {
        #expect(throws: DomainError.invalidCSV(line: 3, reason: "1 colonnes au lieu de 2")) {
            try CSV.records("a,b\n1,2\n3\n")
        }
    }
}

@Suite struct CSVWriterTests {
    @Test func writesQuotedCellsAndReadsThemBack() throws {
        let rows = [["Numéro", "Titre"], ["HDF-2021-0001", "Paniers, \"solidaires\"\net frais"]]
        let text = CSV.write(rows)
        #expect(text.hasSuffix("\r\n"))
        #expect(try CSV.rows(text) == rows)
    }

    @Test(arguments: ["=1+1", "+33", "-2", "@SUM(A1)", "  =HYPERLINK(\"x\")", "\u{A0}=1", "＝1+1", "\tcmd", "\r=1"])
    func formulasAreDefused(value: String) {
        let cell = CSV.cell(value)
        #expect(cell.hasPrefix("'") || cell.hasPrefix("\"'"), "\(value) → \(cell)")
    }

    @Test(arguments: [
        ("a;b", "\"a;b\""), ("a,b", "\"a,b\""), ("dit \"oui\"", "\"dit \"\"oui\"\"\""), ("l1\r\nl2", "\"l1\r\nl2\""),
        ("simple", "simple"), ("12 500,50", "\"12 500,50\""),
    ])
    func separatorsQuotesAndLineBreaksAreQuoted(value: String, written: String) {
        #expect(CSV.cell(value) == written)
    }
}
