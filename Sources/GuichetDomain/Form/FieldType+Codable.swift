import Foundation

extension FieldType: Codable {
    /// Encodes as `{"type": "short_text", "max_length": 200}` and so on; absent bounds are left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FormCodingKey.self)
        try encode(into: &container)
    }

    /// Decodes any of the shapes ``encode(to:)`` writes.
    public init(from decoder: any Decoder) throws {
        try self.init(from: decoder.container(keyedBy: FormCodingKey.self))
    }

    func encode(into container: inout FormEncodingContainer) throws {
        try container.encode(kind, forKey: "type")
        switch self {
        case .shortText(let maxLength), .longText(let maxLength):
            try container.encode(maxLength, forKey: "max_length")
        case .amount(let min, let max):
            try container.encodeIfPresent(min?.cents, forKey: "min_cents")
            try container.encodeIfPresent(max?.cents, forKey: "max_cents")
        case .integer(let min, let max):
            try container.encodeIfPresent(min, forKey: "min")
            try container.encodeIfPresent(max, forKey: "max")
        case .date(let notBefore, let notAfter):
            try container.encodeIfPresent(notBefore, forKey: "not_before")
            try container.encodeIfPresent(notAfter, forKey: "not_after")
        case .choice(let options):
            try container.encode(options, forKey: "options")
        case .multipleChoice(let options, let minCount, let maxCount):
            try container.encode(options, forKey: "options")
            try container.encode(minCount, forKey: "min_count")
            try container.encodeIfPresent(maxCount, forKey: "max_count")
        case .territory(let levels):
            // Sorted, so that the same definition always encodes the same way.
            try container.encode(levels.sorted(), forKey: "levels")
        case .yesNo:
            break
        case .file(let maxBytes, let kinds):
            try container.encodeIfPresent(maxBytes, forKey: "max_bytes")
            try container.encode(kinds, forKey: "kinds")
        }
    }

    init(from container: FormDecodingContainer) throws {
        let kind = try container.decode(String.self, forKey: "type")
        switch kind {
        case "short_text":
            self = .shortText(maxLength: try container.decode(Int.self, forKey: "max_length"))
        case "long_text":
            self = .longText(maxLength: try container.decode(Int.self, forKey: "max_length"))
        case "amount":
            self = .amount(
                min: try container.decodeMoneyIfPresent(forKey: "min_cents"),
                max: try container.decodeMoneyIfPresent(forKey: "max_cents"))
        case "integer":
            self = .integer(
                min: try container.decodeIfPresent(Int64.self, forKey: "min"),
                max: try container.decodeIfPresent(Int64.self, forKey: "max"))
        case "date":
            self = .date(
                notBefore: try container.decodeIfPresent(String.self, forKey: "not_before"),
                notAfter: try container.decodeIfPresent(String.self, forKey: "not_after"))
        case "choice":
            self = .choice(options: try container.decode([FormOption].self, forKey: "options"))
        case "multiple_choice":
            self = .multipleChoice(
                options: try container.decode([FormOption].self, forKey: "options"),
                minCount: try container.decodeIfPresent(Int.self, forKey: "min_count") ?? 0,
                maxCount: try container.decodeIfPresent(Int.self, forKey: "max_count"))
        case "territory":
            self = .territory(levels: Set(try container.decode([TerritoryKey.Level].self, forKey: "levels")))
        case "yes_no":
            self = .yesNo
        case "file":
            self = .file(
                maxBytes: try container.decodeIfPresent(Int.self, forKey: "max_bytes"),
                kinds: try container.decode([String].self, forKey: "kinds"))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: "type", in: container, debugDescription: "unknown field type \(kind)")
        }
    }
}
