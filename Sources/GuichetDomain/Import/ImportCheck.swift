import Foundation

/// An import file checked record by record, as it is read.
///
/// The app reads a national file a block at a time and writes each batch of valid rows as soon as
/// it is checked, inside the transaction that a single fault anywhere rolls back: so the check
/// must not need the whole file. It keeps only what spans rows — the header, the numbers seen
/// (through ``ImportRowParser``), the issues — and hands back each valid row as it comes.
/// ``ImportReader/read(text:call:territories:existingNumbers:allowDecisions:progressInterval:progress:)``
/// is the same check over a text held whole.
public struct ImportCheck: Sendable {
    private var parser: ImportRowParser
    private let delimiter: Character
    private var header: ImportHeader?
    /// Whether a non-blank record has been read (the first must be the header, on line 1).
    private var sawRecord = false
    private var headerMisplaced = false
    /// Data rows read so far (blank lines and the header excluded).
    public private(set) var rowsRead = 0
    /// How many of them were valid.
    public private(set) var validRows = 0
    /// Every issue so far: the header's, then each row's in file order.
    public private(set) var issues: [ImportIssue] = []

    /// A check against `call`, with the numbers the call already gave, of a file whose fields are
    /// separated by `delimiter` (named in the issue of a row with too few or too many fields).
    public init(
        call: Call, territories: TerritoryCatalog = .france, existingNumbers: Set<String>, allowDecisions: Bool,
        delimiter: Character
    ) {
        self.delimiter = delimiter
        parser = ImportRowParser(
            call: call, territories: territories, existingNumbers: existingNumbers, allowDecisions: allowDecisions)
    }

    /// Whether every record so far is valid: what the app asks before writing a batch.
    public var isClean: Bool { issues.isEmpty && !headerMisplaced }

    /// Checks the next record of the file: the header first, then data rows; blank records are
    /// skipped. Returns the row's dossier when it is valid.
    public mutating func check(_ record: CSV.Row) -> ImportedDossier? {
        // Spreadsheets export empty rows as bare delimiters (`;;;;`): they are blank lines too.
        guard record.fields.contains(where: { field in field.contains { !$0.isWhitespace } }) else { return nil }
        guard let header else {
            guard !sawRecord else { return nil }
            sawRecord = true
            guard record.line == 1 else {
                headerMisplaced = true
                return nil
            }
            let (resolved, headerIssues) = ImportHeader.resolve(record.fields)
            header = resolved
            issues += headerIssues
            return nil
        }
        rowsRead += 1
        guard record.fields.count == header.width else {
            issues.append(
                ImportIssue(
                    line: record.line, column: nil, code: .columnCount,
                    detail: "\(record.fields.count) champs au lieu de \(header.width) comme l'en-tête ; "
                        + "vérifiez les séparateurs « \(delimiter) » et les guillemets de la ligne."))
            return nil
        }
        var row = ImportRow(line: record.line, fields: record.fields, header: header)
        let dossier = parser.parse(&row)
        issues += row.issues
        if dossier != nil { validRows += 1 }
        return dossier
    }

    /// Refuses a row found valid here for a reason only the app knows (an envelope that cannot
    /// cover its amount, counting the file's earlier rows).
    public mutating func refuse(_ issue: ImportIssue) {
        issues.append(issue)
        validRows -= 1
    }

    /// The report for a file the CSV reader could not read: that fault alone, as nothing after it
    /// can be read reliably.
    public func refusal(_ error: DomainError) -> ImportReport {
        let line = if case .invalidCSV(let line, _) = error { line } else { 1 }
        return ImportReport(
            rowsRead: 0, validRows: 0,
            issues: [ImportIssue(line: line, column: nil, code: .invalidCSV, detail: error.message)])
    }

    /// After the last record.
    /// - Throws: the ``ImportReport`` of every issue when any row is faulty, the header is missing
    ///   or no row follows it.
    public func finish() throws(ImportReport) {
        guard header != nil, !headerMisplaced else {
            throw ImportReport(
                rowsRead: 0, validRows: 0,
                issues: [
                    ImportIssue(
                        line: 1, column: nil, code: .emptyFile,
                        detail:
                            "la première ligne doit être l'en-tête des colonnes (\(ImportColumns.all.map(\.header).joined(separator: ", ")))."
                    )
                ])
        }
        guard rowsRead > 0 else {
            throw ImportReport(
                rowsRead: 0, validRows: 0,
                issues: issues + [
                    ImportIssue(
                        line: 2, column: nil, code: .emptyFile,
                        detail: "le fichier ne contient aucun dossier après l'en-tête.")
                ])
        }
        guard issues.isEmpty else { throw ImportReport(rowsRead: rowsRead, validRows: validRows, issues: issues) }
    }
}
