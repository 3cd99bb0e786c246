import Foundation

/// A rule between two fields of a form, checked at filing once both fields hold valid answers.
///
/// A rule never reports a missing answer (that is the field's `required` flag) nor a malformed one
/// (that is the field's own check): it only compares two good answers. Its message goes next to
/// the field the applicant most likely has to change. `message` replaces the default wording when
/// the form's author wants the rule to name things the applicant's way.
public enum FormRule: Sendable, Equatable {
    /// The `end` date is not before the `start` date (both may be the same day). The message goes
    /// on `end`.
    case dateOrder(start: String, end: String, message: String? = nil)
    /// The amount in `field` is at most the amount in `other` (a requested amount within the
    /// project's total budget). The message goes on `field`.
    case amountAtMost(_ field: String, other: String, message: String? = nil)

    /// The stored tag of the rule (`date_order`, `amount_at_most`).
    public var kind: String {
        switch self {
        case .dateOrder: "date_order"
        case .amountAtMost: "amount_at_most"
        }
    }

    /// The keys of the fields the rule compares, in its own order.
    public var fieldKeys: [String] {
        switch self {
        case .dateOrder(let start, let end, _): [start, end]
        case .amountAtMost(let field, let other, _): [field, other]
        }
    }

    /// The field under which a violation is reported, and the French message, if `values` break
    /// the rule; `nil` when they keep it or when either answer is missing or of another type.
    func violation(in values: [String: FieldValue], definition: FormDefinition) -> (key: String, message: String)? {
        switch self {
        case .dateOrder(let start, let end, let message):
            guard case .date(let first)? = values[start], case .date(let last)? = values[end] else { return nil }
            // Checked ISO days (four-digit years, zero-padded) order like the calendar.
            return last < first ? (end, message ?? FormMessage.dateOrder) : nil
        case .amountAtMost(let field, let other, let message):
            guard case .amount(let amount)? = values[field], case .amount(let ceiling)? = values[other] else {
                return nil
            }
            guard amount > ceiling else { return nil }
            let otherLabel = definition.field(other)?.label ?? other
            return (field, message ?? FormMessage.amountAtMost(otherLabel: otherLabel, ceiling: ceiling))
        }
    }
}
