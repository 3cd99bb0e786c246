import Foundation

/// Reads an import file into dossiers (and decisions) for a call, or refuses it with every fault.
///
/// Pure: the reader neither saves nor numbers anything. The app writes a returned plan in one
/// transaction, so that a file is loaded entirely or not at all.
public enum ImportReader {
    /// Reads a whole file.
    ///
    /// - Parameters:
    ///   - text: the file's text (a leading UTF-8 BOM is ignored).
    ///   - call: the call the dossiers answer; its themes, waves, dates and region are the rules.
    ///   - existingNumbers: the dossier numbers already used in the call.
    ///   - allowDecisions: whether the file may carry decisions: only for a call run elsewhere, as
    ///     Guichet's own calls decide through their committee.
    ///   - progressInterval: how many rows between two calls of `progress`.
    ///   - progress: called with (rows checked, rows in the file) every `progressInterval` rows
    ///     and once at the end, so the app can show how far a long file has gone.
    /// - Returns: the plan, when every row is valid.
    /// - Throws: an ``ImportReport`` listing every issue of every row otherwise.
    public static func read(
        text: String, call: Call, territories: TerritoryCatalog = .france,
        existingNumbers: Set<String>, allowDecisions: Bool,
        progressInterval: Int = 500,
        progress: ((Int, Int) -> Void)? = nil
    ) throws(ImportReport) -> ImportPlan {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let delimiter = detectDelimiter(body)
        let records: [CSV.Row]
        do throws(DomainError) {
            records = try CSV.numberedRows(body, delimiter: delimiter)
        } catch {
            let line = if case .invalidCSV(let line, _) = error { line } else { 1 }
            throw ImportReport(
                rowsRead: 0, validRows: 0,
                issues: [ImportIssue(line: line, column: nil, code: .invalidCSV, detail: error.message)])
        }
        // Spreadsheets export empty rows as bare delimiters (`;;;;`): they are blank lines too.
        let nonBlank = records.filter { record in
            record.fields.contains { field in field.contains { !$0.isWhitespace } }
        }
        guard let headerRecord = nonBlank.first, headerRecord.line == 1 else {
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
        let (header, headerIssues) = ImportHeader.resolve(headerRecord.fields)
        let dataRows = nonBlank.dropFirst()
        guard !dataRows.isEmpty else {
            throw ImportReport(
                rowsRead: 0, validRows: 0,
                issues: headerIssues + [
                    ImportIssue(
                        line: 2, column: nil, code: .emptyFile,
                        detail: "le fichier ne contient aucun dossier après l'en-tête.")
                ])
        }
        var parser = ImportRowParser(
            call: call, territories: territories, existingNumbers: existingNumbers, allowDecisions: allowDecisions)
        var issues = headerIssues
        var dossiers: [ImportedDossier] = []
        dossiers.reserveCapacity(dataRows.count)
        let interval = max(1, progressInterval)
        for (index, record) in dataRows.enumerated() {
            if record.fields.count != header.width {
                issues.append(
                    ImportIssue(
                        line: record.line, column: nil, code: .columnCount,
                        detail: "\(record.fields.count) champs au lieu de \(header.width) comme l'en-tête ; "
                            + "vérifiez les séparateurs « \(delimiter) » et les guillemets de la ligne."))
            } else {
                var row = ImportRow(line: record.line, fields: record.fields, header: header)
                if let dossier = parser.parse(&row) { dossiers.append(dossier) }
                issues += row.issues
            }
            if (index + 1) % interval == 0, index + 1 < dataRows.count { progress?(index + 1, dataRows.count) }
        }
        progress?(dataRows.count, dataRows.count)
        guard issues.isEmpty else {
            throw ImportReport(rowsRead: dataRows.count, validRows: dossiers.count, issues: issues)
        }
        return ImportPlan(rows: dossiers, delimiter: delimiter)
    }

    /// The delimiter of a file: `;` when the header line has more semicolons than commas
    /// (outside quotes), `,` otherwise.
    ///
    /// French spreadsheets export with `;` because the comma is their decimal separator; the
    /// header alone decides, as data rows hold amounts written with commas.
    public static func detectDelimiter(_ text: String) -> Character {
        var commas = 0
        var semicolons = 0
        var inQuotes = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": inQuotes.toggle()
            case "\n" where !inQuotes: return semicolons > commas ? ";" : ","
            case "," where !inQuotes: commas += 1
            case ";" where !inQuotes: semicolons += 1
            default: continue
            }
        }
        return semicolons > commas ? ";" : ","
    }
}
