import Foundation

/// One fault in an import file: where it is, a stable code, and what to do about it.
public struct ImportIssue: Hashable, Sendable {
    /// What kind of fault; the raw value is stable for the API, the logs and the tests.
    public enum Code: String, Hashable, Sendable, CaseIterable {
        // The file as a whole.
        case invalidCSV = "invalid-csv"
        case emptyFile = "empty-file"
        case columnCount = "column-count"
        // The header.
        case missingColumn = "missing-column"
        case unknownColumn = "unknown-column"
        case duplicateColumn = "duplicate-column"
        // The dossier.
        case required = "required"
        case invalidAmount = "invalid-amount"
        case unknownTheme = "unknown-theme"
        case invalidScope = "invalid-scope"
        case unknownTerritory = "unknown-territory"
        case scopeOutsideCall = "scope-outside-call"
        case invalidSiret = "invalid-siret"
        case invalidRNA = "invalid-rna"
        case missingIdentifier = "missing-identifier"
        case invalidLegalForm = "invalid-legal-form"
        case invalidDate = "invalid-date"
        case filedOutsideWindow = "filed-outside-window"
        case duplicateNumber = "duplicate-number"
        // The decision.
        case decisionNotAllowed = "decision-not-allowed"
        case unknownWave = "unknown-wave"
        case waveFrozen = "wave-frozen"
        case invalidDecision = "invalid-decision"
        case amountAboveRequest = "amount-above-request"
        case missingMotive = "missing-motive"
        /// A retained amount the envelope cannot cover, counting the file's earlier rows.
        case envelopeOverspent = "envelope-overspent"
    }

    /// The physical line of the file where the faulty record starts (the header is line 1).
    public let line: Int
    /// The column at fault: the canonical header for a known column, the header as written for
    /// an unknown one; `nil` when the whole line is at fault.
    public let column: String?
    /// The kind of fault.
    public let code: Code
    /// The fault in French, starting with its line and column, naming the value and what is
    /// expected, so that it reads on its own in a terminal or a list.
    public let message: String

    /// Records a fault; `detail` is the French explanation, prefixed here with the location.
    public init(line: Int, column: String?, code: Code, detail: String) {
        self.line = line
        self.column = column
        self.code = code
        self.message = column.map { "Ligne \(line), colonne \($0) : \(detail)" } ?? "Ligne \(line) : \(detail)"
    }

    /// Records a fault in a known column.
    init(line: Int, field: ImportField, code: Code, detail: String) {
        self.init(line: line, column: field.rawValue, code: code, detail: detail)
    }
}

extension ImportIssue.Code {
    /// The import code for a domain refusal, so that every domain rule keeps its own wording and
    /// the import only says where it applied.
    public init(_ error: DomainError) {
        switch error {
        case .invalidAmount, .negativeAmount, .amountOverflow: self = .invalidAmount
        case .unknownTheme: self = .unknownTheme
        case .unknownTerritory: self = .unknownTerritory
        case .invalidScope: self = .invalidScope
        case .invalidSiret: self = .invalidSiret
        case .invalidRNA: self = .invalidRNA
        case .missingIdentifier: self = .missingIdentifier
        case .filingClosed, .filingNotOpen: self = .filedOutsideWindow
        case .unknownWave: self = .unknownWave
        case .waveFrozen: self = .waveFrozen
        case .amountAboveRequest: self = .amountAboveRequest
        case .invalidCSV: self = .invalidCSV
        case .envelopeOverspent: self = .envelopeOverspent
        default: self = .required
        }
    }
}
