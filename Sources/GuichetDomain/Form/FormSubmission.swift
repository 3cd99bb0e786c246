import Foundation

/// What an HTML form posted, read against a form definition.
///
/// The page shows each error next to its field and fills the inputs from ``raw``, so that nothing
/// the person typed is lost, even text that was refused.
public struct FormSubmission: Sendable, Equatable {
    /// The answers that were read and passed their field's checks, by field key. A field with an
    /// error has no value here.
    public var values: [String: FieldValue]
    /// A French message per field key, for the fields whose input was refused.
    public var errors: [String: String]
    /// What was posted for the definition's fields, untouched (other posted keys are dropped).
    public var raw: [String: [String]]

    /// Creates a submission.
    public init(values: [String: FieldValue], errors: [String: String] = [:], raw: [String: [String]] = [:]) {
        self.values = values
        self.errors = errors
        self.raw = raw
    }

    /// Whether every posted answer was accepted.
    public var isValid: Bool { errors.isEmpty }

    /// The first text posted for a field, to fill a text input again; empty when nothing was posted.
    public func rawText(_ key: String) -> String {
        raw[key]?.first ?? ""
    }

    /// Whether `option` was posted for a field, to check a radio button or checkbox again.
    public func isSelected(_ option: String, in key: String) -> Bool {
        raw[key]?.contains { $0.trimmingCharacters(in: .whitespacesAndNewlines) == option } ?? false
    }
}

extension FormDefinition {
    /// Reads what an HTML form posted, field by field, and checks each answer's shape.
    ///
    /// `raw` maps an input's name to every value posted under it (several for checkboxes). Keys
    /// that are not fields of the form are ignored, and an empty or blank string means "no
    /// answer". Inputs are read as follows:
    /// - text: surrounding whitespace trimmed, line breaks turned into `\n`, Unicode NFC;
    /// - amount: as ``Money/parse(_:)`` reads it (`12 500,50`, `12500.5 €`);
    /// - integer: digits with an optional leading minus, spaces between thousands ignored;
    /// - date: `yyyy-mm-dd`, as `<input type="date">` posts it, and the day must exist;
    /// - territory: ``TerritoryKey/formValue`` (`departement:02`, `region:32`, `national:FR`);
    /// - yes/no: ``FieldValue/yesFormValue`` or ``FieldValue/noFormValue`` (`oui`/`non`);
    /// - file: the attachment identifier the app gave the uploaded file.
    ///
    /// Only shape is checked here, as for a draft (``validateForDraft(_:territories:)``): required
    /// answers, minimum counts of ticked options and rules between fields wait for filing.
    public func parse(_ raw: [String: [String]], territories: TerritoryCatalog = .france) -> FormSubmission {
        var submission = FormSubmission(values: [:])
        for field in fields {
            guard let posted = raw[field.key] else { continue }
            submission.raw[field.key] = posted
            switch field.read(posted) {
            case .absent:
                break
            case .invalid(let message):
                submission.errors[field.key] = message
            case .value(let value):
                if let problem = field.problem(with: value, atFiling: false, territories: territories) {
                    submission.errors[field.key] = problem
                } else {
                    submission.values[field.key] = value
                }
            }
        }
        return submission
    }

    /// A submission holding stored answers and the inputs that show them, to display a saved draft
    /// with the same page that displays a posted one.
    public func submission(restoring values: [String: FieldValue]) -> FormSubmission {
        var raw: [String: [String]] = [:]
        for field in fields {
            if let value = values[field.key] { raw[field.key] = value.formValues }
        }
        return FormSubmission(values: values, raw: raw)
    }
}

/// The outcome of reading a field's posted strings, before its limits are checked.
enum FieldReading: Equatable {
    case absent
    case value(FieldValue)
    case invalid(String)
}

extension FormField {
    /// Turns posted strings into a value of the field's type, refusing what cannot be one.
    func read(_ posted: [String]) -> FieldReading {
        let entries = posted.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        if case .multipleChoice(let options, _, _) = type {
            return entries.isEmpty ? .absent : .value(.choices(Self.ordered(entries, by: options)))
        }
        // The same value posted twice (a hidden input repeating a select) is still one answer.
        var distinct: [String] = []
        for entry in entries where !distinct.contains(entry) { distinct.append(entry) }
        guard let entry = distinct.first else { return .absent }
        guard distinct.count == 1 else { return .invalid(FormMessage.singleValue) }
        switch type {
        case .shortText, .longText:
            return .value(.text(Self.normalised(entry)))
        case .amount:
            do {
                return .value(.amount(try Money.parse(entry)))
            } catch DomainError.negativeAmount {
                return .invalid(FormMessage.amountNegative)
            } catch DomainError.amountOverflow {
                return .invalid(FormMessage.amountTooLong)
            } catch {
                return .invalid(FormMessage.amountInvalid)
            }
        case .integer:
            return Self.integer(entry)
        case .date:
            return .value(.date(entry))
        case .choice:
            return .value(.choice(entry))
        case .multipleChoice:
            return .absent  // handled above, before single values
        case .territory:
            return TerritoryKey(formValue: entry).map { .value(.territory($0)) }
                ?? .invalid(FormMessage.territoryInvalid)
        case .yesNo:
            switch entry.lowercased() {
            case FieldValue.yesFormValue: return .value(.yesNo(true))
            case FieldValue.noFormValue: return .value(.yesNo(false))
            default: return .invalid(FormMessage.yesNoInvalid)
            }
        case .file:
            return .value(.file(entry))
        }
    }

    /// Line breaks as `\n` (a textarea posts `\r\n`), and NFC so that the same text typed on two
    /// systems is stored, counted and hashed the same way.
    static func normalised(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var afterCarriageReturn = false
        for scalar in text.unicodeScalars {
            if scalar == "\n", afterCarriageReturn {
                afterCarriageReturn = false
                continue
            }
            afterCarriageReturn = scalar == "\r"
            scalars.append(afterCarriageReturn ? "\n" : scalar)
        }
        return String(scalars).precomposedStringWithCanonicalMapping
    }

    /// Digits with an optional minus sign; any kind of space may group thousands (`1 500`).
    static func integer(_ entry: String) -> FieldReading {
        var compact = entry.filter { !$0.isWhitespace }
        // People paste the typographic minus sign from documents.
        if compact.hasPrefix("\u{2212}") { compact = "-" + compact.dropFirst() }
        let digits = compact.hasPrefix("-") ? compact.dropFirst() : Substring(compact)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { return .invalid(FormMessage.integerInvalid) }
        guard let number = Int64(compact) else { return .invalid(FormMessage.integerTooLong) }
        return .value(.integer(number))
    }

    /// Ticked values without repeats, in the options' order so that equal answers store equally;
    /// unknown values are kept, at the end, for the field's check to refuse.
    static func ordered(_ entries: [String], by options: [FormOption]) -> [String] {
        var unique: [String] = []
        for entry in entries where !unique.contains(entry) { unique.append(entry) }
        let known = options.map(\.value).filter(unique.contains)
        return known + unique.filter { entry in !options.contains { $0.value == entry } }
    }
}
