/// The outcome of checking one CSV file against an SCDL schema.
public struct SCDLValidationReport: Equatable, Sendable {
    /// Every problem, in file order (header problems first, then row by row, column by column).
    public let issues: [SCDLIssue]
    /// How many data records were read (blank lines excluded).
    public let recordCount: Int

    /// Builds a report.
    public init(issues: [SCDLIssue], recordCount: Int) {
        self.issues = issues
        self.recordCount = recordCount
    }

    /// Whether the file can be published as is.
    public var isValid: Bool { issues.isEmpty }

    /// The lines with at least one problem, sorted, each once; what a person has to fix.
    public var faultyLines: [Int] { Array(Set(issues.map(\.line))).sorted() }

    /// The problems grouped by line, lines in ascending order; for a « ligne par ligne » display.
    public var issuesByLine: [(line: Int, issues: [SCDLIssue])] {
        Dictionary(grouping: issues, by: \.line).sorted { $0.key < $1.key }.map { (line: $0.key, issues: $0.value) }
    }

    /// The problems on one line, in column order.
    public func issues(onLine line: Int) -> [SCDLIssue] {
        issues.filter { $0.line == line }
    }
}
