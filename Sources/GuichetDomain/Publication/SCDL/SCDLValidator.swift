import Foundation

/// Checks a CSV file against an SCDL Table Schema, generically from the schema's rules.
///
/// Decisions, where Table Schema leaves room:
/// - Columns are matched by exact name, and their order is free. Table Schema says the field
///   order SHOULD (not MUST) be the column order, and Validata (the SCDL's official validator)
///   matches by name; refusing a reordered but complete file would only annoy publishers.
/// - A missing column is an issue only when its field is required: older files without the
///   optional columns added by later versions (e.g. `dispositifAide` in 2.1) stay valid.
/// - Unknown and duplicated columns are issues; their cells are not checked.
/// - An empty cell is a missing value (Table Schema's default `missingValues: [""]`).
/// - Once a cell fails a core check, custom checks on that cell are skipped, so each bad cell
///   gets one actionable message rather than « motif » and « SIRET » for the same typo.
/// - Blank lines are skipped; a record with the wrong number of fields gets `row-length` only.
public struct SCDLValidator: Sendable {
    /// The schema every file is checked against.
    public let schema: SCDLSchema
    let patterns: [String: NSRegularExpression]

    /// Prepares a validator, compiling each pattern once.
    ///
    /// Patterns are wrapped as `\A(?:…)\z`: Table Schema patterns must match the whole value,
    /// and `\z` (unlike `$`) does not accept a trailing line break.
    /// - Throws: ``SCDLSchemaError/unsupported(_:)`` if a pattern is not a valid expression.
    public init(schema: SCDLSchema) throws(SCDLSchemaError) {
        self.schema = schema
        var patterns: [String: NSRegularExpression] = [:]
        for field in schema.fields {
            guard let pattern = field.constraints.pattern else { continue }
            do {
                patterns[field.name] = try NSRegularExpression(pattern: "\\A(?:\(pattern))\\z")
            } catch {
                throw .unsupported("motif invalide pour \(field.name) : \(pattern)")
            }
        }
        self.patterns = patterns
    }

    /// A validator for the bundled « subventions » schema, built once.
    public static let subventions: Result<SCDLValidator, SCDLSchemaError> = SCDLSchema.subventions
        .flatMap { schema in Result { () throws(SCDLSchemaError) in try SCDLValidator(schema: schema) } }

    /// Checks `text` against the « subventions » schema; never crashes, even if the schema is missing.
    ///
    /// A missing schema yields a report with a single `schema-unavailable` issue: the file is
    /// then refused, because publishing unchecked data would be worse than a visible failure.
    public static func validateSubventions(_ text: String) -> SCDLValidationReport {
        switch subventions {
        case .success(let validator):
            return validator.validate(text)
        case .failure(let error):
            let issue = SCDLIssue(
                line: 1, column: nil, code: .schemaUnavailable,
                message: SCDLMessages.schemaUnavailable(String(describing: error)))
            return SCDLValidationReport(issues: [issue], recordCount: 0)
        }
    }

    /// Checks a UTF-8, comma-separated CSV text with a header row; a leading BOM is ignored.
    public func validate(_ text: String) -> SCDLValidationReport {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let rows: [CSV.Row]
        do {
            rows = try CSV.numberedRows(body)
        } catch {
            // Any other reader error must still refuse the file, never report it as valid.
            var line = 1
            var reason = error.message
            if case .invalidCSV(let at, let why) = error {
                line = at
                reason = why
            }
            let issue = SCDLIssue(line: line, column: nil, code: .csv, message: SCDLMessages.csv(reason))
            return SCDLValidationReport(issues: [issue], recordCount: 0)
        }
        guard let header = rows.first, header.fields != [""] else {
            let issue = SCDLIssue(line: 1, column: nil, code: .emptyFile, message: SCDLMessages.emptyFile)
            return SCDLValidationReport(issues: [issue], recordCount: 0)
        }
        let layout = headerLayout(header.fields)
        var issues = layout.issues
        var recordCount = 0
        for row in rows.dropFirst() {
            if row.fields == [""], header.fields.count > 1 { continue }
            recordCount += 1
            guard row.fields.count == header.fields.count else {
                issues.append(
                    SCDLIssue(
                        line: row.line, column: nil, code: .rowLength,
                        message: SCDLMessages.rowLength(row.fields.count, expected: header.fields.count)))
                continue
            }
            issues += recordIssues(row, layout: layout)
        }
        return SCDLValidationReport(issues: issues, recordCount: recordCount)
    }

    func recordIssues(_ row: CSV.Row, layout: HeaderLayout) -> [SCDLIssue] {
        var found: [SCDLIssue] = []
        for field in schema.fields {
            guard let index = layout.columns[field.name] else { continue }
            found += cellIssues(field, value: row.fields[index], line: row.line)
        }
        let faulty = Set(found.compactMap(\.column))
        let value: (String) -> String? = { name in layout.columns[name].map { row.fields[$0] } }
        found += customIssues(value: value, skipping: faulty, line: row.line)
        // File order: a person fixing the row reads it left to right.
        let position: (SCDLIssue) -> Int = { $0.column.flatMap { layout.columns[$0] } ?? Int.max }
        return found.enumerated().sorted { (position($0.element), $0.offset) < (position($1.element), $1.offset) }.map(
            \.element)
    }
}
