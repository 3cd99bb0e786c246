import Foundation

// Form definitions are stored as JSON and may outlive this code, so their coding is written out
// rather than synthesised: keys are snake_case like field keys, enums are objects tagged by
// `type`, and renaming a Swift property never changes what is stored. A field's type is flattened
// into the field's object:
//
//     {"key": "montant_demande", "label": "Montant demandé", "required": true,
//      "type": "amount", "min_cents": 100000}
//
// Decode with a plain JSONDecoder: a key-decoding strategy would rename these keys.

/// A coding key written as a string literal, shared by the form's hand-written conformances.
struct FormCodingKey: CodingKey, ExpressibleByStringLiteral {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init(stringLiteral value: String) { self.stringValue = value }
    init?(intValue: Int) { nil }
}

typealias FormEncodingContainer = KeyedEncodingContainer<FormCodingKey>
typealias FormDecodingContainer = KeyedDecodingContainer<FormCodingKey>

extension KeyedDecodingContainer where Key == FormCodingKey {
    /// Amounts are stored as a count of cents; a negative count is corrupt data, not an amount.
    func decodeMoney(forKey key: FormCodingKey) throws -> Money {
        try money(cents: decode(Int64.self, forKey: key), key: key)
    }

    /// Like ``decodeMoney(forKey:)``, for an optional amount (left out or `null`).
    func decodeMoneyIfPresent(forKey key: FormCodingKey) throws -> Money? {
        try decodeIfPresent(Int64.self, forKey: key).map { cents in try money(cents: cents, key: key) }
    }

    private func money(cents: Int64, key: FormCodingKey) throws -> Money {
        guard let money = try? Money(cents: cents) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "negative amount \(cents)")
        }
        return money
    }
}

extension FormDefinition: Codable {
    /// Encodes as `{"version": 1, "fields": […], "rules": […]}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FormCodingKey.self)
        try container.encode(version, forKey: "version")
        try container.encode(fields, forKey: "fields")
        try container.encode(rules, forKey: "rules")
    }

    /// Decodes a definition; `rules` may be left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FormCodingKey.self)
        self.init(
            version: try container.decode(Int.self, forKey: "version"),
            fields: try container.decode([FormField].self, forKey: "fields"),
            rules: try container.decodeIfPresent([FormRule].self, forKey: "rules") ?? [])
    }

    /// Reads a definition from JSON and checks that it is well formed, for definitions written by
    /// hand or uploaded by a call's team.
    /// - Throws: ``DomainError/invalidForm(errors:)``, under the key `definition` when the JSON
    ///   cannot be read, else as ``checkWellFormed()`` does.
    public init(json: Data) throws(DomainError) {
        do {
            self = try JSONDecoder().decode(FormDefinition.self, from: json)
        } catch {
            throw .invalidForm(errors: ["definition": FormMessage.unreadableDefinition(error)])
        }
        try checkWellFormed()
    }
}

extension FormField: Codable {
    /// Encodes the field with its type's keys flattened into the same object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FormCodingKey.self)
        try container.encode(key, forKey: "key")
        try container.encode(label, forKey: "label")
        try container.encodeIfPresent(help, forKey: "help")
        try container.encode(required, forKey: "required")
        try container.encodeIfPresent(section, forKey: "section")
        try container.encodeIfPresent(role, forKey: "role")
        try type.encode(into: &container)
    }

    /// Decodes a field; `help`, `section`, `role` and `required` (false) may be left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FormCodingKey.self)
        self.init(
            key: try container.decode(String.self, forKey: "key"),
            label: try container.decode(String.self, forKey: "label"),
            help: try container.decodeIfPresent(String.self, forKey: "help"),
            required: try container.decodeIfPresent(Bool.self, forKey: "required") ?? false,
            type: try FieldType(from: container),
            section: try container.decodeIfPresent(String.self, forKey: "section"),
            role: try container.decodeIfPresent(FieldRole.self, forKey: "role"))
    }
}

extension FormRule: Codable {
    /// Encodes as `{"type": "date_order", "start": …, "end": …}` or
    /// `{"type": "amount_at_most", "field": …, "other": …}`, with `message` when set.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FormCodingKey.self)
        try container.encode(kind, forKey: "type")
        switch self {
        case .dateOrder(let start, let end, let message):
            try container.encode(start, forKey: "start")
            try container.encode(end, forKey: "end")
            try container.encodeIfPresent(message, forKey: "message")
        case .amountAtMost(let field, let other, let message):
            try container.encode(field, forKey: "field")
            try container.encode(other, forKey: "other")
            try container.encodeIfPresent(message, forKey: "message")
        }
    }

    /// Decodes any of the shapes ``encode(to:)`` writes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FormCodingKey.self)
        let kind = try container.decode(String.self, forKey: "type")
        let message = try container.decodeIfPresent(String.self, forKey: "message")
        switch kind {
        case "date_order":
            self = .dateOrder(
                start: try container.decode(String.self, forKey: "start"),
                end: try container.decode(String.self, forKey: "end"), message: message)
        case "amount_at_most":
            self = .amountAtMost(
                try container.decode(String.self, forKey: "field"),
                other: try container.decode(String.self, forKey: "other"), message: message)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: "type", in: container, debugDescription: "unknown rule type \(kind)")
        }
    }
}
