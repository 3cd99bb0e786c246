import Foundation

extension FieldValue: Codable {
    /// Encodes as an object tagged by `type`: `{"type": "text", "value": "…"}`,
    /// `{"type": "amount", "cents": 1250050}`, `{"type": "integer", "value": 12}`,
    /// `{"type": "date", "value": "2021-01-15"}`, `{"type": "choice", "value": "…"}`,
    /// `{"type": "choices", "values": […]}`, `{"type": "territory", "level": "departement", "code": "02"}`,
    /// `{"type": "yes_no", "value": true}`, `{"type": "file", "attachment": "…"}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FormCodingKey.self)
        switch self {
        case .text(let text):
            try container.encode("text", forKey: "type")
            try container.encode(text, forKey: "value")
        case .amount(let money):
            try container.encode("amount", forKey: "type")
            try container.encode(money.cents, forKey: "cents")
        case .integer(let number):
            try container.encode("integer", forKey: "type")
            try container.encode(number, forKey: "value")
        case .date(let iso):
            try container.encode("date", forKey: "type")
            try container.encode(iso, forKey: "value")
        case .choice(let value):
            try container.encode("choice", forKey: "type")
            try container.encode(value, forKey: "value")
        case .choices(let values):
            try container.encode("choices", forKey: "type")
            try container.encode(values, forKey: "values")
        case .territory(let key):
            try container.encode("territory", forKey: "type")
            try container.encode(key.level, forKey: "level")
            try container.encode(key.code, forKey: "code")
        case .yesNo(let answer):
            try container.encode("yes_no", forKey: "type")
            try container.encode(answer, forKey: "value")
        case .file(let attachment):
            try container.encode("file", forKey: "type")
            try container.encode(attachment, forKey: "attachment")
        }
    }

    /// Decodes any of the shapes ``encode(to:)`` writes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FormCodingKey.self)
        let kind = try container.decode(String.self, forKey: "type")
        switch kind {
        case "text": self = .text(try container.decode(String.self, forKey: "value"))
        case "amount": self = .amount(try container.decodeMoney(forKey: "cents"))
        case "integer": self = .integer(try container.decode(Int64.self, forKey: "value"))
        case "date": self = .date(try container.decode(String.self, forKey: "value"))
        case "choice": self = .choice(try container.decode(String.self, forKey: "value"))
        case "choices": self = .choices(try container.decode([String].self, forKey: "values"))
        case "territory":
            self = .territory(
                TerritoryKey(
                    level: try container.decode(TerritoryKey.Level.self, forKey: "level"),
                    code: try container.decode(String.self, forKey: "code")))
        case "yes_no": self = .yesNo(try container.decode(Bool.self, forKey: "value"))
        case "file": self = .file(try container.decode(String.self, forKey: "attachment"))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: "type", in: container, debugDescription: "unknown value type \(kind)")
        }
    }
}
