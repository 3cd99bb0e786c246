import Foundation

/// The frame shared by every picture: the `<svg>` root with its text alternative.
///
/// Kept in one place so that all pictures expose the same accessible structure — `role="img"`
/// and `aria-labelledby` pointing at a `<title>` and a `<desc>` — and the same typography.
enum PictureSVG {
    /// The DSFR typeface when the page has it, then common fallbacks.
    static let fontFamily = "Marianne, Arial, sans-serif"
    /// The DSFR body text colour (18:1 on white).
    static let textColour = "#161616"
    /// Secondary text and outlines (5.7:1 on white, readable at small sizes).
    static let mutedColour = "#666666"

    /// The prefix made into a valid start of an XML id: letters, digits, `-` and `_` are kept,
    /// anything else becomes `_`, and a prefix not starting with a letter gets a `p` in front.
    static func safePrefix(_ prefix: String) -> String {
        var out = String(
            prefix.unicodeScalars.map { scalar -> Character in
                let isAllowed =
                    scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_")
                return isAllowed ? Character(scalar) : "_"
            })
        if !(out.unicodeScalars.first.map { $0.isASCII && CharacterSet.letters.contains($0) } ?? false) {
            out = "p" + out
        }
        return out
    }

    /// The whole `<svg>` element around `body`, sized by its `viewBox` only so CSS scales it.
    static func document(
        width: Double, height: Double, prefix: String, title: String, desc: String, defs: String = "", body: String
    ) -> String {
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(PictureText.decimal(width)) \(PictureText.decimal(height))\""
        out += " role=\"img\" aria-labelledby=\"\(prefix)-title \(prefix)-desc\" font-family=\"\(fontFamily)\">"
        out += "<title id=\"\(prefix)-title\">\(PictureText.escaped(title))</title>"
        out += "<desc id=\"\(prefix)-desc\">\(PictureText.escaped(desc))</desc>"
        if !defs.isEmpty { out += "<defs>\(defs)</defs>" }
        out += body
        out += "</svg>"
        return out
    }

    /// A picture that only says why it cannot show its figures, keeping the text alternative.
    static func message(_ text: String, prefix: String, title: String, desc: String) -> String {
        let body =
            "<rect x=\"0.5\" y=\"0.5\" width=\"619\" height=\"59\" fill=\"#f6f6f6\" stroke=\"\(mutedColour)\"/>"
            + "<text x=\"16\" y=\"35\" font-size=\"15\" fill=\"\(textColour)\">\(PictureText.escaped(text))</text>"
        return document(width: 620, height: 60, prefix: prefix, title: title, desc: desc, body: body)
    }

    /// A `<text>` element at a point; `anchor` is `start`, `middle` or `end`.
    static func text(
        _ content: String, x: Double, y: Double, size: Double, anchor: String = "start",
        fill: String = textColour, weight: String? = nil
    ) -> String {
        var out =
            "<text x=\"\(PictureText.decimal(x))\" y=\"\(PictureText.decimal(y))\" font-size=\"\(PictureText.decimal(size))\""
        if anchor != "start" { out += " text-anchor=\"\(anchor)\"" }
        if let weight { out += " font-weight=\"\(weight)\"" }
        out += " fill=\"\(fill)\">\(PictureText.escaped(content))</text>"
        return out
    }

    /// A number for a `transform`, with enough decimals for a scale factor.
    static func precise(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e12 else { return "0" }
        let rounded = (value * 10_000).rounded() / 10_000
        return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
    }
}
