import Foundation

/// The header line resolved to fields: which column holds which field.
struct ImportHeader {
    let columnOfField: [ImportField: Int]
    let width: Int

    /// Resolves a header, reporting unknown, duplicate and missing columns together.
    static func resolve(_ headers: [String]) -> (ImportHeader, [ImportIssue]) {
        var columnOfField: [ImportField: Int] = [:]
        var issues: [ImportIssue] = []
        for (index, header) in headers.enumerated() {
            let written = header.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let field = ImportColumns.field(forHeader: written) else {
                let hint = ImportColumns.suggestion(forHeader: written).map { " Vouliez-vous dire « \($0) » ?" } ?? ""
                issues.append(
                    ImportIssue(
                        line: 1, column: written, code: .unknownColumn,
                        detail: "colonne « \(written) » inconnue.\(hint) Corrigez l'en-tête ou supprimez la colonne : "
                            + "une colonne inconnue n'est jamais ignorée, pour qu'une faute de frappe ne fasse pas disparaître des données."
                    ))
                continue
            }
            if let first = columnOfField[field] {
                issues.append(
                    ImportIssue(
                        line: 1, column: written, code: .duplicateColumn,
                        detail:
                            "« \(written) » désigne la colonne \(field.rawValue), déjà présente en position \(first + 1) ; gardez-en une seule."
                    ))
                continue
            }
            columnOfField[field] = index
        }
        let hasDecisions = columnOfField.keys.contains(where: \.isDecision)
        for column in ImportColumns.all where columnOfField[column.field] == nil {
            let needed =
                column.requirement == .required || (column.requirement == .requiredWithDecisions && hasDecisions)
            guard needed else { continue }
            let why =
                column.requirement == .required
                ? "obligatoire" : "obligatoire dès qu'une colonne de décision est présente"
            issues.append(
                ImportIssue(
                    line: 1, field: column.field, code: .missingColumn,
                    detail:
                        "la colonne \(column.header) (\(why)) est absente de l'en-tête. \(column.description) Exemple : \(column.example)"
                ))
        }
        return (ImportHeader(columnOfField: columnOfField, width: headers.count), issues)
    }
}

/// One data row being checked: its cells by field, and the issues found so far.
struct ImportRow {
    let line: Int
    let fields: [String]
    let header: ImportHeader
    private(set) var issues: [ImportIssue] = []

    init(line: Int, fields: [String], header: ImportHeader) {
        self.line = line
        // Trimmed once here: each cell is read several times, and trimming dominates long files.
        self.fields = fields.map { field in
            guard let first = field.first, let last = field.last, first.isWhitespace || last.isWhitespace else {
                return field
            }
            return field.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        self.header = header
    }

    /// The trimmed cell of a field; `nil` when the file has no such column.
    func cell(_ field: ImportField) -> String? {
        guard let index = header.columnOfField[field], index < fields.count else { return nil }
        return fields[index]
    }

    /// The cell's value, or `nil` when empty or absent.
    func optional(_ field: ImportField) -> String? {
        guard let value = cell(field), !value.isEmpty else { return nil }
        return value
    }

    /// The cell's value; an empty cell is reported (an absent column already was, on line 1).
    mutating func required(_ field: ImportField, because reason: String? = nil) -> String? {
        guard let value = cell(field) else { return nil }
        guard value.isEmpty else { return value }
        let column = ImportColumns.column(field)
        report(
            field, .required,
            reason ?? "valeur obligatoire manquante. \(column.description) Exemple : \(column.example)")
        return nil
    }

    mutating func report(_ field: ImportField, _ code: ImportIssue.Code, _ detail: String) {
        issues.append(ImportIssue(line: line, field: field, code: code, detail: detail))
    }

    /// Reports a domain refusal in a column, keeping the domain's own wording.
    mutating func report(
        _ field: ImportField, _ error: DomainError, code: ImportIssue.Code? = nil, value: String? = nil
    ) {
        let prefix = value.map { "« \($0) » : " } ?? ""
        report(field, code ?? ImportIssue.Code(error), prefix + error.message)
    }

    /// Whether a field already has an issue on this row, so that a later check does not repeat it.
    func hasIssue(_ fields: ImportField...) -> Bool {
        issues.contains { issue in fields.contains { $0.rawValue == issue.column } }
    }
}
