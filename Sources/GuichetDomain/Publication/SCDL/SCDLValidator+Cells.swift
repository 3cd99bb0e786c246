import Foundation

/// A cell's value once read with its field's type; what the constraints compare.
enum SCDLTypedValue {
    case text(String)
    case day(CalendarDay)
    case number(Decimal)
    case boolean(Bool)
}

extension SCDLValidator {
    func cellIssues(_ field: SCDLField, value: String, line: Int) -> [SCDLIssue] {
        func issue(_ code: SCDLIssue.Code, _ message: String) -> SCDLIssue {
            SCDLIssue(line: line, column: field.name, code: code, message: message)
        }
        if value.isEmpty {
            return field.constraints.required ? [issue(.required, SCDLMessages.required(field))] : []
        }
        let typed: SCDLTypedValue
        switch read(value, as: field) {
        case .success(let read): typed = read
        case .failure(let problem): return [issue(problem.code, problem.message)]
        }
        var found: [SCDLIssue] = []
        let c = field.constraints
        if let regex = patterns[field.name],
            regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) == nil
        {
            found.append(issue(.pattern, SCDLMessages.pattern(value, field)))
        }
        if let allowed = c.enumValues, !allowed.contains(where: { matches($0, typed, field) }) {
            found.append(issue(.enum, SCDLMessages.enumeration(value, allowed)))
        }
        if case .text = typed {
            let length = value.unicodeScalars.count
            if let min = c.minLength, length < min {
                found.append(issue(.minLength, SCDLMessages.minLength(value, length, min)))
            }
            if let max = c.maxLength, length > max {
                found.append(issue(.maxLength, SCDLMessages.maxLength(value, length, max)))
            }
        }
        if let min = c.minimum, let order = compare(typed, min, field), order == .orderedAscending {
            found.append(issue(.minimum, SCDLMessages.minimum(value, min)))
        }
        if let max = c.maximum, let order = compare(typed, max, field), order == .orderedDescending {
            found.append(issue(.maximum, SCDLMessages.maximum(value, max)))
        }
        return found
    }

    /// Reads a non-empty cell with the field's type, or says why it cannot be read.
    func read(_ value: String, as field: SCDLField) -> Result<SCDLTypedValue, SCDLCellProblem> {
        switch field.type {
        case .string:
            return .success(.text(value))
        case .date:
            if let day = CalendarDay(iso: value) { return .success(.day(day)) }
            return .failure(
                CalendarDay.hasISOShape(value)
                    ? SCDLCellProblem(code: .date, message: SCDLMessages.unrealDate(value))
                    : SCDLCellProblem(code: .type, message: SCDLMessages.notADate(value, field)))
        case .number, .integer:
            let integerOnly = field.type == .integer
            guard let number = SCDLNumber.parse(value, integerOnly: integerOnly) else {
                return .failure(
                    SCDLCellProblem(code: .type, message: SCDLMessages.notANumber(value, field, integer: integerOnly)))
            }
            return .success(.number(number))
        case .boolean:
            if field.trueValues.contains(value) { return .success(.boolean(true)) }
            if field.falseValues.contains(value) { return .success(.boolean(false)) }
            return .failure(SCDLCellProblem(code: .type, message: SCDLMessages.notABoolean(value, field)))
        }
    }

    // Enum values are written as text in the schema; compare them as values of the field's type
    // so that `1.0` is in an enum of numbers listing `1`.
    private func matches(_ allowed: String, _ typed: SCDLTypedValue, _ field: SCDLField) -> Bool {
        guard case .success(let candidate) = read(allowed, as: field) else { return false }
        switch (candidate, typed) {
        case (.text(let a), .text(let b)): return a == b
        case (.day(let a), .day(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.boolean(let a), .boolean(let b)): return a == b
        default: return false
        }
    }

    // `nil` when the bound is not comparable with the value (a schema mistake, not the file's).
    private func compare(_ typed: SCDLTypedValue, _ bound: String, _ field: SCDLField) -> ComparisonResult? {
        switch typed {
        case .number(let value):
            guard let limit = SCDLNumber.parse(bound, integerOnly: false) else { return nil }
            return value < limit ? .orderedAscending : (value > limit ? .orderedDescending : .orderedSame)
        case .day(let value):
            guard let limit = CalendarDay(iso: bound) else { return nil }
            return value < limit ? .orderedAscending : (value > limit ? .orderedDescending : .orderedSame)
        case .text, .boolean:
            return nil
        }
    }
}

/// Why a cell could not be read with its type.
struct SCDLCellProblem: Error {
    let code: SCDLIssue.Code
    let message: String
}
