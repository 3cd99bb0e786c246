extension SCDLValidator {
    /// Row-level checks; `value` is `nil` for a column absent from the file, which counts as empty.
    func customIssues(value: (String) -> String?, skipping faulty: Set<String>, line: Int) -> [SCDLIssue] {
        var found: [SCDLIssue] = []
        for check in schema.customChecks {
            switch check {
            case .frenchSiret(let column):
                guard !faulty.contains(column), let text = value(column), !text.isEmpty,
                    !SCDLSiret.isValid(text)
                else { continue }
                found.append(SCDLIssue(line: line, column: column, code: .siret, message: SCDLMessages.siret(text)))
            case .oneOfRequired(let first, let second):
                guard (value(first) ?? "").isEmpty, (value(second) ?? "").isEmpty else { continue }
                found.append(
                    SCDLIssue(
                        line: line, column: nil, code: .oneOfRequired,
                        message: SCDLMessages.oneOfRequired(first, second)))
            case .isoPeriod(let column):
                guard !faulty.contains(column), let text = value(column), !text.isEmpty,
                    let issue = periodIssue(text, column: column, line: line)
                else { continue }
                found.append(issue)
            case .unsupported:
                // Unknown Validata checks are not guessed at: enforcing a rule we do not know
                // could refuse valid files.
                continue
            }
        }
        return found
    }

    /// A `YYYY-MM-DD` or `YYYY-MM-DD/YYYY-MM-DD` value: real days, end not before start.
    private func periodIssue(_ text: String, column: String, line: Int) -> SCDLIssue? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), parts.allSatisfy(CalendarDay.hasISOShape) else {
            return SCDLIssue(line: line, column: column, code: .type, message: SCDLMessages.notAPeriod(text))
        }
        let unreal = parts.filter { CalendarDay(iso: $0) == nil }
        if !unreal.isEmpty {
            return SCDLIssue(
                line: line, column: column, code: .date, message: SCDLMessages.unrealDates(unreal, in: text))
        }
        if parts.count == 2, let start = CalendarDay(iso: parts[0]), let end = CalendarDay(iso: parts[1]), end < start {
            return SCDLIssue(
                line: line, column: column, code: .period,
                message: SCDLMessages.invertedPeriod(text, start: start, end: end))
        }
        return nil
    }
}
