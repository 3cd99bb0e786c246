import Foundation

/// A strict RFC 4180 reader: commas, double-quoted fields with doubled quotes, CR LF or LF line ends.
///
/// Reference data and imports are read with it; a malformed file is refused with the line where
/// the problem starts rather than half-read.
public enum CSV {
    /// Reads `text` into rows of fields, keeping the header row.
    /// - Throws: ``DomainError/invalidCSV(line:reason:)`` for an unterminated quote or a quote in
    ///   the middle of an unquoted field.
    public static func rows(_ text: String) throws(DomainError) -> [[String]] {
        try numberedRows(text).map(\.fields)
    }

    /// One record and the physical line of the file where it starts (the header is line 1).
    ///
    /// A quoted field may contain line breaks, so a record's index is not its line number;
    /// validators that point people at a line in their file need the real one.
    public struct Row: Equatable, Sendable {
        /// The 1-based physical line on which the record starts.
        public let line: Int
        /// The record's fields, unquoted.
        public let fields: [String]

        /// Pairs a record with its starting line.
        public init(line: Int, fields: [String]) {
            self.line = line
            self.fields = fields
        }
    }

    /// Reads `text` into records with their starting line, keeping the header row.
    ///
    /// - Parameter delimiter: the field separator; French spreadsheet exports use `;` because the
    ///   comma is their decimal separator.
    /// - Throws: ``DomainError/invalidCSV(line:reason:)`` for an unterminated quote or a quote in
    ///   the middle of an unquoted field.
    public static func numberedRows(_ text: String, delimiter: Character = ",") throws(DomainError) -> [Row] {
        var reader = Reader(delimiter: delimiter)
        var rows: [Row] = []
        try reader.read(text.utf8) { rows.append($0) }
        try reader.finish { rows.append($0) }
        return rows
    }

    /// Reads `text` as records keyed by the header row's names.
    /// - Throws: ``DomainError/invalidCSV(line:reason:)`` when a row has a different number of
    ///   fields than the header.
    public static func records(_ text: String) throws(DomainError) -> [[String: String]] {
        let all = try rows(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        guard let header = all.first else { return [] }
        var records: [[String: String]] = []
        for (index, row) in all.dropFirst().enumerated() {
            if row == [""] { continue }
            guard row.count == header.count else {
                throw .invalidCSV(line: index + 2, reason: "\(row.count) colonnes au lieu de \(header.count)")
            }
            records.append(Dictionary(zip(header, row), uniquingKeysWith: { first, _ in first }))
        }
        return records
    }
}

extension CSV {
    /// Writes rows as RFC 4180 CSV (CRLF line ends, quotes where needed).
    ///
    /// Cells that a spreadsheet would run as a formula (starting, after any spaces, with `=`, `+`,
    /// `-`, `@` or their full-width forms, a tab or a carriage return) are prefixed with an
    /// apostrophe, so that an exported dossier title can never execute in the instructor's
    /// spreadsheet; a cell holding `,`, `;`, a quote or a line break is quoted. Amounts are written by the caller as plain
    /// decimals, which never start with those characters unless negative (never, for money here).
    public static func write(_ rows: [[String]]) -> String {
        rows.map { row in row.map(cell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func cell(_ value: String) -> String {
        var text = value
        // A spreadsheet skips leading spaces before reading a formula: look past them.
        let start = text.unicodeScalars.first { $0 != " " && $0 != "\u{A0}" }
        if let start, "=+-@\t\r\u{FF1D}\u{FF0B}\u{FF0D}\u{FF20}".unicodeScalars.contains(start) { text = "'" + text }
        // `;` too: French spreadsheets split on it.
        guard text.unicodeScalars.contains(where: { "\",;\n\r".unicodeScalars.contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
