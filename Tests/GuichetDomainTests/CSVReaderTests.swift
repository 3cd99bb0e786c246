import Foundation
import Testing

@testable import GuichetDomain

/// The CSV reader fed a file in blocks, as a national import reads it: every way of cutting the
/// bytes gives the records of the whole text, errors included.
@Suite struct CSVReaderTests {
    static let text =
        "\u{FEFF}numero;titre;montant\r\n\"A-1\";\"Paniers; \"\"solidaires\"\"\nsur deux lignes\";1 200,50\n"
        + "A-2;Épicerie – Île-de-France ✓;300\n\n\"\";\"\"\"\";\nA-3;dernière;4"

    /// Reads `bytes` cut in blocks of `size`.
    static func read(_ bytes: [UInt8], blocks size: Int, delimiter: Character = ";") throws(DomainError) -> [CSV.Row] {
        var reader = CSV.Reader(delimiter: delimiter)
        var rows: [CSV.Row] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + size, bytes.count)
            try reader.read(bytes[start..<end]) { rows.append($0) }
            start = end
        }
        try reader.finish { rows.append($0) }
        return rows
    }

    @Test func everyCutGivesTheSameRecords() throws {
        let bytes = Array(Self.text.utf8)
        let whole = try Self.read(bytes, blocks: bytes.count)
        #expect(
            whole == [
                CSV.Row(line: 1, fields: ["numero", "titre", "montant"]),
                CSV.Row(line: 2, fields: ["A-1", "Paniers; \"solidaires\"\nsur deux lignes", "1 200,50"]),
                CSV.Row(line: 4, fields: ["A-2", "Épicerie – Île-de-France ✓", "300"]),
                CSV.Row(line: 5, fields: [""]),
                CSV.Row(line: 6, fields: ["", "\"", ""]),
                CSV.Row(line: 7, fields: ["A-3", "dernière", "4"]),
            ])
        // Blocks that split the byte order mark, a doubled quote, a CR LF and multi-byte letters.
        for size in 1...17 {
            #expect(try Self.read(bytes, blocks: size) == whole, "blocks of \(size) bytes")
        }
    }

    @Test func theTextReaderIsTheSameReader() throws {
        let withoutMark = String(Self.text.dropFirst())
        #expect(try CSV.numberedRows(withoutMark, delimiter: ";") == Self.read(Array(Self.text.utf8), blocks: 5))
    }

    @Test func bytesThatAreNotUTF8AreRefusedWithTheirLine() {
        // "Ã©" in Latin-1, as a spreadsheet saves it when asked for plain CSV.
        let bytes = Array("a;b\nok;fine\n".utf8) + [0x63, 0x61, 0x66, 0xE9] + Array(";x\n".utf8)
        #expect(throws: DomainError.self) { try Self.read(bytes, blocks: 4) }
        do {
            _ = try Self.read(bytes, blocks: 4)
        } catch {
            guard case .invalidCSV(let line, let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(line == 3)
            #expect(reason.contains("UTF-8"))
        }
    }

    @Test func malformedQuotesAreRefusedWhereverTheBlocksEnd() {
        for size in [1, 2, 3, 100] {
            #expect(throws: DomainError.invalidCSV(line: 2, reason: "guillemet ouvrant jamais refermé")) {
                try Self.read(Array("a\n\"open\nstill open".utf8), blocks: size, delimiter: ",")
            }
            #expect(throws: DomainError.invalidCSV(line: 2, reason: "texte après un champ entre guillemets")) {
                try Self.read(Array("a,b\n\"x\"y,1\n".utf8), blocks: size, delimiter: ",")
            }
            #expect(throws: DomainError.invalidCSV(line: 3, reason: "guillemet inattendu au milieu d'un champ")) {
                try Self.read(Array("a,b\n1,2\nx\"y,1\n".utf8), blocks: size, delimiter: ",")
            }
        }
    }

    @Test func aPartialByteOrderMarkIsText() throws {
        // EF BB without BF: not a mark, the bytes stay in the first field (and are not UTF-8).
        #expect(throws: DomainError.self) { try Self.read([0xEF, 0xBB, 0x41], blocks: 1) }
        #expect(try Self.read(Array("x".utf8), blocks: 1) == [CSV.Row(line: 1, fields: ["x"])])
    }
}

/// The check of a file row by row gives what the whole-file reader gives.
@Suite struct ImportCheckTests {
    @Test func checkingRecordByRecordMatchesReadingTheWholeFile() throws {
        var file = ImportFile.with(decisions: true, delimiter: ";")
        file.rows = (1...40).map { index in
            let rejected = index % 3 == 0
            return ImportFile.defaults.merging([
                "numero": "S-\(index)", "vague": "2", "decision": rejected ? "rejete" : "retenu",
                "motif": rejected ? "motif \(index)" : "", "montant_accorde": rejected ? "" : "\(index * 10)",
                "date_decision": "2021-05-20",
            ]) { $1 }
        }
        let plan = try ImportReader.read(
            text: file.text, call: ImportFixtures.call, existingNumbers: [], allowDecisions: true)
        var check = ImportCheck(
            call: ImportFixtures.call, existingNumbers: [], allowDecisions: true, delimiter: ";")
        var rows: [ImportedDossier] = []
        var reader = CSV.Reader(delimiter: ";")
        let bytes = Array(file.text.utf8)
        for start in stride(from: 0, to: bytes.count, by: 97) {
            try reader.read(bytes[start..<min(start + 97, bytes.count)]) { record in
                if let dossier = check.check(record) { rows.append(dossier) }
            }
        }
        try reader.finish { record in if let dossier = check.check(record) { rows.append(dossier) } }
        try check.finish()
        #expect(rows == plan.rows)
        #expect(check.rowsRead == 40 && check.validRows == 40 && check.isClean)
    }

    @Test func aRowRefusedByTheAppMakesTheFileFaulty() throws {
        var file = ImportFile.with(decisions: false, delimiter: ",")
        file.rows = [ImportFile.defaults, ImportFile.defaults.merging(["numero": "B-2"]) { $1 }]
        var check = ImportCheck(call: ImportFixtures.call, existingNumbers: [], allowDecisions: false, delimiter: ",")
        for record in try CSV.numberedRows(file.text) { _ = check.check(record) }
        try check.finish()
        let overspent = ImportIssue(line: 3, column: "montant_accorde", code: .envelopeOverspent, detail: "trop")
        check.refuse(overspent)
        #expect(!check.isClean)
        #expect(throws: ImportReport(rowsRead: 2, validRows: 1, issues: [overspent])) { try check.finish() }
    }

    @Test func aFileWithOnlyAHeaderOrNoneIsRefused() {
        var check = ImportCheck(call: ImportFixtures.call, existingNumbers: [], allowDecisions: false, delimiter: ",")
        #expect(throws: ImportReport.self) { try check.finish() }
        _ = check.check(CSV.Row(line: 1, fields: ImportFile.dossierHeaders))
        do {
            try check.finish()
            Issue.record("a header alone was accepted")
        } catch {
            #expect(error.codes == [.emptyFile])
        }
    }
}
