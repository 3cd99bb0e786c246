/// Where each schema field sits in the file, and what is wrong with the header.
struct HeaderLayout {
    /// Column index by field name, for the first occurrence of each known name.
    var columns: [String: Int] = [:]
    /// Header problems, all on line 1.
    var issues: [SCDLIssue] = []
}

extension SCDLValidator {
    func headerLayout(_ names: [String]) -> HeaderLayout {
        var layout = HeaderLayout()
        var seen: Set<String> = []
        for (index, name) in names.enumerated() {
            if !seen.insert(name).inserted {
                layout.issues.append(
                    SCDLIssue(
                        line: 1, column: name, code: .duplicateColumn,
                        message: SCDLMessages.duplicateColumn(name)))
            } else if schema.field(named: name) == nil {
                layout.issues.append(
                    SCDLIssue(
                        line: 1, column: name, code: .unknownColumn,
                        message: SCDLMessages.unknownColumn(name, suggestion: suggestion(for: name))))
            } else {
                layout.columns[name] = index
            }
        }
        for field in schema.fields where field.constraints.required && layout.columns[field.name] == nil {
            layout.issues.append(
                SCDLIssue(
                    line: 1, column: field.name, code: .missingColumn,
                    message: SCDLMessages.missingColumn(field.name)))
        }
        return layout
    }

    // `NOM_Beneficiaire` for `nomBeneficiaire` is the commonest header mistake: same letters,
    // other case or separators. Suggesting the right name saves a trip to the documentation.
    private func suggestion(for name: String) -> String? {
        func key(_ text: String) -> String { String(text.lowercased().filter { $0.isLetter || $0.isNumber }) }
        let wanted = key(name)
        guard !wanted.isEmpty else { return nil }
        return schema.fields.first { key($0.name) == wanted }?.name
    }
}
