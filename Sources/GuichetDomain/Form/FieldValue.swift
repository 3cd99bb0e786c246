import Foundation

/// An applicant's answer to one field, as stored with the dossier.
///
/// Values coming out of ``FormDefinition/parse(_:territories:)`` are already checked against
/// their field; values loaded back from storage are checked again at filing, because the form may
/// have changed in between.
public enum FieldValue: Sendable, Hashable {
    /// Trimmed text, with line breaks as `\n` and in Unicode NFC.
    case text(String)
    /// An amount in euros.
    case amount(Money)
    /// A whole number.
    case integer(Int64)
    /// An ISO calendar day, `yyyy-mm-dd`.
    case date(String)
    /// The `value` of the chosen option.
    case choice(String)
    /// The `value`s of the ticked options, in the options' order.
    case choices([String])
    /// A territory, with its level since region and département codes overlap.
    case territory(TerritoryKey)
    /// The answer to a yes/no question.
    case yesNo(Bool)
    /// The app's identifier of an uploaded attachment.
    case file(String)

    /// Whether the value stands for "no answer" (empty text, no ticked option).
    ///
    /// Parsing never produces empty values, but stored or hand-built ones may hold them; every
    /// check treats them as absent.
    public var isEmpty: Bool {
        switch self {
        case .text(let text), .date(let text), .choice(let text), .file(let text): text.isEmpty
        case .choices(let values): values.isEmpty
        case .amount, .integer, .territory, .yesNo: false
        }
    }

    /// The value as the page posts it, to fill the inputs again from a saved draft.
    ///
    /// Parsing these strings gives the value back: amounts are written `12 500,50` (for an
    /// `<input type="text" inputmode="decimal">`), integers without separators (so that an
    /// `<input type="number">` accepts them), territories as ``TerritoryKey/formValue``, yes/no as
    /// ``yesFormValue`` or ``noFormValue``.
    public var formValues: [String] {
        switch self {
        case .text(let text), .date(let text), .choice(let text), .file(let text): [text]
        case .amount(let money): [String(money.formatted().dropLast(2))]  // drops " €"
        case .integer(let number): [String(number)]
        case .choices(let values): values
        case .territory(let key): [key.formValue]
        case .yesNo(let answer): [answer ? Self.yesFormValue : Self.noFormValue]
        }
    }

    /// What a yes/no radio button posts for "yes".
    public static let yesFormValue = "oui"
    /// What a yes/no radio button posts for "no".
    public static let noFormValue = "non"
}
