import Foundation

/// One line of the table that accompanies a picture: what a figure is about and its value as
/// written for people.
///
/// A picture is never the only way to read its figures: the page shows the same figures as a
/// table, built from these rows, so that screen-reader and keyboard users get every value.
public struct PictureRow: Sendable, Hashable {
    /// What the figure is about, e.g. « Aisne (02) » or a theme name.
    public var label: String
    /// The value as written for people, e.g. « 1 200 000 € » or « Aucun montant ».
    public var valueText: String

    /// Creates a row from a label and its value text.
    public init(label: String, valueText: String) {
        self.label = label
        self.valueText = valueText
    }
}

/// Text helpers shared by the pictures: XML escaping and the French writing of integers.
///
/// Pictures are built by string concatenation for speed, so every piece of human text must go
/// through `escaped` before it reaches the SVG.
public enum PictureText {
    /// The narrow no-break space (U+202F) that French typography puts between groups of thousands.
    public static let thousandsSeparator: Character = "\u{202F}"

    /// An integer written the French way, groups of three digits separated by a narrow no-break
    /// space: `1 200 000`.
    ///
    /// This is the default label of a value when the caller gives none; money is formatted by the
    /// caller, who knows whether the values are cents, euros or counts.
    public static func grouped(_ value: Int64) -> String {
        // The magnitude keeps Int64.min printable, which has no positive Int64 counterpart.
        let digits = String(value.magnitude)
        var out = ""
        out.reserveCapacity(digits.count + digits.count / 3 + 1)
        if value < 0 { out.append("-") }
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(thousandsSeparator) }
            out.append(digit)
        }
        return out
    }

    /// The text made safe for XML character data and attribute values.
    ///
    /// Characters XML 1.0 forbids (most C0 controls) are dropped rather than escaped: no entity can
    /// carry them, and one stray control character in a label would make the whole picture invalid.
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A length in tenths written with at most one decimal and no trailing `.0`: 12 → `1.2`, 30 → `3`.
    ///
    /// Integer tenths avoid `String(format:)`, which is slow and locale-dependent on some platforms.
    static func tenths(_ value: Int) -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        let whole = magnitude / 10
        let decimal = magnitude % 10
        return decimal == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(decimal)"
    }

    /// A coordinate or length rounded to one decimal, for SVG attributes.
    static func decimal(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e15 else { return "0" }
        return tenths(Int((value * 10).rounded()))
    }
}
