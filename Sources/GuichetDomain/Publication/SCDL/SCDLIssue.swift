/// One problem found in a CSV file checked against an SCDL schema.
///
/// People read ``message`` (French, naming the value and what is expected); programs and tests
/// use ``code``, which never changes once published.
public struct SCDLIssue: Hashable, Sendable, CustomStringConvertible {
    /// The physical line of the file (header = 1); for a record spanning lines, its first line.
    public let line: Int
    /// The column concerned, or `nil` for problems about a whole row or the whole file.
    public let column: String?
    /// The stable machine code of the broken rule.
    public let code: Code
    /// What is wrong and what is expected, in French.
    public let message: String

    /// Builds an issue.
    public init(line: Int, column: String?, code: Code, message: String) {
        self.line = line
        self.column = column
        self.code = code
        self.message = message
    }

    /// `ligne 5, colonne montant : …`, for logs and test failures.
    public var description: String {
        "ligne \(line)" + (column.map { ", colonne \($0)" } ?? "") + " [\(code.rawValue)] : \(message)"
    }

    /// The rule an issue breaks; raw values are the stable codes given to API clients.
    public enum Code: String, Hashable, Sendable, CaseIterable {
        /// The file is not well-formed CSV (unterminated quote…); nothing after it is checked.
        case csv
        /// The file has no header row.
        case emptyFile = "empty-file"
        /// The schema itself could not be loaded (packaging bug); the file is not checked.
        case schemaUnavailable = "schema-unavailable"
        /// A column the schema requires is absent from the header.
        case missingColumn = "missing-column"
        /// A header name the schema does not know (names are case-sensitive).
        case unknownColumn = "unknown-column"
        /// A header name that appears twice; only the first occurrence is checked.
        case duplicateColumn = "duplicate-column"
        /// A record with more or fewer fields than the header.
        case rowLength = "row-length"
        /// An empty cell in a required column.
        case required
        /// A value that cannot be read with the column's type.
        case type
        /// A date with the right shape that does not exist (2021-02-29).
        case date
        /// A period whose end precedes its start.
        case period
        /// A value that does not fully match the column's pattern.
        case pattern
        /// A value outside the column's allowed list.
        case `enum`
        /// A value below the column's minimum.
        case minimum
        /// A value above the column's maximum.
        case maximum
        /// A value shorter than the column's minimum length.
        case minLength = "min-length"
        /// A value longer than the column's maximum length.
        case maxLength = "max-length"
        /// A SIRET whose check key is wrong.
        case siret
        /// Two columns of which at least one must be filled are both empty.
        case oneOfRequired = "one-of-required"
    }
}
