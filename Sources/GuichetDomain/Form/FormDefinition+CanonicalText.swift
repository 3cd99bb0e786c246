import Foundation

extension FormDefinition {
    /// The answers written out for a receipt, one `label : value` line per answered field in the
    /// definition's order; the app hashes it (SHA-256 of its UTF-8) to seal what was filed.
    ///
    /// The text depends only on the definition and the values: dictionary order, the server's
    /// locale and time zone play no part, and the whole text is in Unicode NFC. Unanswered fields
    /// and answers under keys the form does not have are left out. Continuation lines of a
    /// multi-line answer are indented by two spaces, so that no answer can pass for another
    /// field's line. Lines are joined by `\n`, with none at the end.
    ///
    /// - Parameter attachments: how to describe each attachment identifier (file name, size, the
    ///   file's own hash); without an entry, the identifier itself is written.
    public func canonicalText(
        values: [String: FieldValue], attachments: [String: String] = [:],
        territories: TerritoryCatalog = .france
    ) -> String {
        var lines: [String] = []
        for field in fields {
            guard let value = values[field.key], !value.isEmpty else { continue }
            let text = field.displayText(value, attachments: attachments, territories: territories)
            let body = text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ")
            lines.append("\(field.label) : \(body)")
        }
        return lines.joined(separator: "\n").precomposedStringWithCanonicalMapping
    }
}

extension FormField {
    /// An answer written for people, as on the receipt: `12 500 €`, `15 janvier 2021`,
    /// `Aisne (département 02)`, `oui`, option labels rather than stored values.
    ///
    /// Values that no longer fit the field (a removed option, a value of another type) are written
    /// plainly rather than dropped, so that a receipt never hides an answer.
    public func displayText(
        _ value: FieldValue, attachments: [String: String] = [:],
        territories: TerritoryCatalog = .france
    ) -> String {
        switch value {
        case .text(let text): return text
        case .amount(let money): return money.formatted()
        case .integer(let number): return FrenchNumber.grouped(number)
        case .date(let iso): return FrenchDay.long(iso)
        case .choice(let chosen): return optionLabel(chosen)
        // A semicolon, because option labels may themselves hold commas.
        case .choices(let chosen): return chosen.map(optionLabel).joined(separator: " ; ")
        case .territory(let key): return Self.territoryName(key, territories: territories)
        case .yesNo(let answer): return answer ? FieldValue.yesFormValue : FieldValue.noFormValue
        case .file(let id): return attachments[id] ?? "pièce jointe \(id)"
        }
    }

    private func optionLabel(_ value: String) -> String {
        type.options.first { $0.value == value }?.label ?? value
    }

    static func territoryName(_ key: TerritoryKey, territories: TerritoryCatalog) -> String {
        switch key.level {
        case .national:
            return key.code == FormMessage.nationalCode ? FormMessage.nationalName : "national \(key.code)"
        case .region:
            let name = try? territories.region(key.code).name
            return name.map { "\($0) (région \(key.code))" } ?? "région \(key.code)"
        case .departement:
            let name = try? territories.departement(key.code).name
            return name.map { "\($0) (département \(key.code))" } ?? "département \(key.code)"
        }
    }
}
