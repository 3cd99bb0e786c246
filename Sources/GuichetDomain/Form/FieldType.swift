import Foundation

/// The kind of answer a field expects, with its limits.
public enum FieldType: Sendable, Equatable {
    /// One line of text (an `<input type="text">`), at most `maxLength` characters.
    case shortText(maxLength: Int)
    /// Free text over several lines (a `<textarea>`), at most `maxLength` characters.
    case longText(maxLength: Int)
    /// An amount in euros, typed the French way (`12 500,50`), optionally bounded.
    case amount(min: Money?, max: Money?)
    /// A whole number, optionally bounded; spaces between thousands are accepted.
    case integer(min: Int64?, max: Int64?)
    /// A calendar day (`yyyy-mm-dd`), optionally bounded by ISO days, both bounds included.
    case date(notBefore: String?, notAfter: String?)
    /// Exactly one of the options (radio buttons or a select).
    case choice(options: [FormOption])
    /// Some of the options (checkboxes): at most `maxCount` in any draft (`nil`: no limit), at
    /// least `minCount` once any is ticked, checked at filing only.
    case multipleChoice(options: [FormOption], minCount: Int, maxCount: Int?)
    /// A territory known to INSEE, at one of the allowed levels.
    case territory(levels: Set<TerritoryKey.Level>)
    /// A yes/no question, answered with two radio buttons so that "no" differs from "not answered".
    case yesNo
    /// An uploaded document, at most `maxBytes` long, of one of `kinds` (`pdf`, `image`,
    /// `office`): the app recognises a file's kind from its content and calls
    /// ``FormField/checkAttachment(name:bytes:kind:)``.
    case file(maxBytes: Int?, kinds: [String])

    /// The stored tag of the type (`short_text`, `amount`…), also handy to pick a page partial.
    public var kind: String {
        switch self {
        case .shortText: "short_text"
        case .longText: "long_text"
        case .amount: "amount"
        case .integer: "integer"
        case .date: "date"
        case .choice: "choice"
        case .multipleChoice: "multiple_choice"
        case .territory: "territory"
        case .yesNo: "yes_no"
        case .file: "file"
        }
    }

    /// The proposed answers of a choice question; empty for other types.
    public var options: [FormOption] {
        switch self {
        case .choice(let options), .multipleChoice(let options, _, _): options
        default: []
        }
    }
}
