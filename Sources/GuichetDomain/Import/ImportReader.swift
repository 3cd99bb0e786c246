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
        let delimiter = detectDelimiter(text)
        var check = ImportCheck(
            call: call, territories: territories, existingNumbers: existingNumbers, allowDecisions: allowDecisions,
            delimiter: delimiter)
        var records: [CSV.Row] = []
        var reader = CSV.Reader(delimiter: delimiter)
        do throws(DomainError) {
            try reader.read(text.utf8) { records.append($0) }
            try reader.finish { records.append($0) }
        } catch {
            throw check.refusal(error)
        }
        var dossiers: [ImportedDossier] = []
        dossiers.reserveCapacity(records.count)
        let total = max(0, records.count - 1)
        let interval = max(1, progressInterval)
        for (index, record) in records.enumerated() {
            if let dossier = check.check(record) { dossiers.append(dossier) }
            if index > 0, index % interval == 0, index < total { progress?(index, total) }
        }
        try check.finish()
        progress?(check.rowsRead, check.rowsRead)
        return ImportPlan(rows: dossiers, delimiter: delimiter)
    }

    /// The delimiter of a file: `;` when the header line has more semicolons than commas
    /// (outside quotes), `,` otherwise.
    ///
    /// French spreadsheets export with `;` because the comma is their decimal separator; the
    /// header alone decides, as data rows hold amounts written with commas.
    public static func detectDelimiter(_ text: String) -> Character {
        detectDelimiter(bytes: text.utf8)
    }

    /// The delimiter of a file whose first bytes are `bytes` (see ``detectDelimiter(_:)``).
    public static func detectDelimiter(bytes: some Sequence<UInt8>) -> Character {
        var commas = 0
        var semicolons = 0
        var inQuotes = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): inQuotes.toggle()
            case UInt8(ascii: "\n") where !inQuotes: return semicolons > commas ? ";" : ","
            case UInt8(ascii: ",") where !inQuotes: commas += 1
            case UInt8(ascii: ";") where !inQuotes: semicolons += 1
            default: continue
            }
        }
        return semicolons > commas ? ";" : ","
    }
}
