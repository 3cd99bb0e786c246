import Foundation

/// A file whose every row is valid: what the app writes, all of it in one transaction.
public struct ImportPlan: Equatable, Sendable {
    /// The valid rows, in file order.
    public let rows: [ImportedDossier]
    /// The delimiter detected in the header (`,` or `;`), to show in a dry run.
    public let delimiter: Character

    /// Describes a plan (the reader builds it).
    public init(rows: [ImportedDossier], delimiter: Character) {
        self.rows = rows
        self.delimiter = delimiter
    }

    /// How many rows carry a decision.
    public var decisionCount: Int { rows.count(where: { $0.decision != nil }) }
}

/// Why a file is refused: every issue of every row, so that people fix the file in one pass.
///
/// Thrown by ``ImportReader/read(text:call:territories:existingNumbers:allowDecisions:progressInterval:progress:)``;
/// nothing of a refused file is to be written.
public struct ImportReport: Error, Equatable, Sendable {
    /// How many data rows the file holds (blank lines and the header excluded).
    public let rowsRead: Int
    /// How many of them are valid.
    public let validRows: Int
    /// Every issue, by line, then in the order of the columns.
    public let issues: [ImportIssue]

    /// Describes a report; issues are sorted by line, keeping their order within a line.
    public init(rowsRead: Int, validRows: Int, issues: [ImportIssue]) {
        self.rowsRead = rowsRead
        self.validRows = validRows
        self.issues = issues.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(
            \.element)
    }

    /// The lines with at least one issue, in increasing order.
    public var faultyLines: [Int] {
        var seen = Set<Int>()
        return issues.compactMap { seen.insert($0.line).inserted ? $0.line : nil }
    }

    /// The issues of each faulty line, in ``faultyLines`` order.
    public var issuesByLine: [(line: Int, issues: [ImportIssue])] {
        let grouped = Dictionary(grouping: issues, by: \.line)
        return faultyLines.map { (line: $0, issues: grouped[$0] ?? []) }
    }

    /// The distinct issue codes, for tests and summaries.
    public var codes: Set<ImportIssue.Code> { Set(issues.map(\.code)) }
}
