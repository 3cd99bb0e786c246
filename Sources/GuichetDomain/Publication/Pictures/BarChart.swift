import Foundation

/// A horizontal bar chart drawn as an inline, self-contained and accessible SVG.
///
/// Horizontal because the labels (themes, territories) are long: they are wrapped on two lines
/// next to their bar, truncated with « … » beyond that, the full text kept in the bar's
/// `<title>`. Bars keep the caller's order (the page decides whether it ranks or follows a
/// nomenclature), lengths are proportional to the values from a common zero, and the value
/// text is printed at the end of each bar so no one has to read a scale. The `<desc>` lists
/// every bar, and `rows` gives the page the same figures for its table.
public struct BarChart: Sendable {
    /// One bar.
    public struct Bar: Sendable, Hashable {
        /// The full label, e.g. « Alimentation et lutte contre la précarité alimentaire ».
        public var label: String
        /// The value the length is proportional to; zero and negative values draw no bar.
        public var value: Int64
        /// The value as written for people, printed after the bar, e.g. « 1 200 000 € ».
        public var valueText: String

        /// Creates a bar.
        public init(label: String, value: Int64, valueText: String) {
            self.label = label
            self.value = value
            self.valueText = valueText
        }
    }

    /// The picture's short name (`<title>`).
    public var title: String
    /// What the picture shows, followed in `<desc>` by every bar.
    public var description: String
    /// The bars, drawn top to bottom in this order.
    public var bars: [Bar]
    /// An optional caption above the bars, e.g. « Montants accordés, en euros ».
    public var unitCaption: String?
    /// Prefix of every id in the SVG, so that several pictures can share a page.
    public var idPrefix: String

    /// Creates a bar chart.
    public init(
        title: String, description: String, bars: [Bar], unitCaption: String? = nil, idPrefix: String = "barres"
    ) {
        self.title = title
        self.description = description
        self.bars = bars
        self.unitCaption = unitCaption
        self.idPrefix = idPrefix
    }

    /// The figures of the picture, for the page's table.
    public var rows: [PictureRow] {
        bars.map { PictureRow(label: $0.label, valueText: $0.valueText) }
    }

    static let width = 640.0
    static let margin = 10.0
    /// Labels end here, right-aligned against their bar.
    static let labelRight = 240.0
    static let barLeft = 250.0
    static let fontSize = 13.0
    /// A generous average glyph width for the font size, to reserve room without measuring text.
    static let glyphWidth = 7.4
    /// Characters per label line: what fits in the label column at `glyphWidth`.
    static let lineLength = 30
    /// Bleu France, 14.9:1 against white: bars stand out without relying on colour perception.
    static let barFill = "#000091"

    /// The longest a bar may be: what the width leaves after the labels and the longest value text.
    var maximumBarLength: Double {
        let longest = bars.map(\.valueText.count).max() ?? 0
        let valueSpace = min(max(Double(longest) * Self.glyphWidth + 10, 60), 220)
        return Self.width - Self.margin - valueSpace - Self.barLeft
    }

    /// The length of a bar, proportional to its value from zero; the largest value fills the room.
    func length(of value: Int64) -> Double {
        let largest = bars.map(\.value).max() ?? 0
        guard value > 0, largest > 0 else { return 0 }
        return Double(value) / Double(largest) * maximumBarLength
    }

    /// The picture as an `<svg>` element, with a `viewBox` and no fixed size so CSS scales it.
    public func svg() -> String {
        let prefix = PictureSVG.safePrefix(idPrefix)
        var parts = [description]
        if let unitCaption { parts.append("\(unitCaption).") }
        parts += bars.map { "\($0.label) : \($0.valueText)." }
        let desc = parts.filter { !$0.isEmpty }.joined(separator: " ")
        guard !bars.isEmpty else {
            return PictureSVG.message("Aucune donnée à représenter.", prefix: prefix, title: title, desc: desc)
        }
        var body = ""
        var y = Self.margin
        if let unitCaption {
            body += PictureSVG.text(unitCaption, x: Self.margin, y: y + 12, size: 12, fill: PictureSVG.mutedColour)
            y += 22
        }
        let top = y
        for (index, bar) in bars.enumerated() {
            let lines = Self.wrap(bar.label)
            let height = Double(lines.count) * 16 + 12
            let centre = y + height / 2
            body +=
                "<g data-index=\"\(index)\"><title>\(PictureText.escaped("\(bar.label) : \(bar.valueText)"))</title>"
            body +=
                "<text x=\"\(PictureText.decimal(Self.labelRight))\" y=\"\(PictureText.decimal(centre - Double(lines.count - 1) * 8 + 4.5))\""
                + " font-size=\"\(PictureText.decimal(Self.fontSize))\" text-anchor=\"end\" fill=\"\(PictureSVG.textColour)\">"
            for (number, line) in lines.enumerated() {
                body +=
                    "<tspan x=\"\(PictureText.decimal(Self.labelRight))\"\(number == 0 ? "" : " dy=\"16\"")>\(PictureText.escaped(line))</tspan>"
            }
            body += "</text>"
            let length = self.length(of: bar.value)
            body +=
                "<rect x=\"\(PictureText.decimal(Self.barLeft))\" y=\"\(PictureText.decimal(centre - 9))\" width=\"\(PictureText.decimal(length))\""
                + " height=\"18\" fill=\"\(Self.barFill)\"/>"
            body += PictureSVG.text(bar.valueText, x: Self.barLeft + length + 6, y: centre + 4.5, size: Self.fontSize)
            body += "</g>"
            y += height
        }
        // The common zero the lengths are measured from.
        body +=
            "<line x1=\"\(PictureText.decimal(Self.barLeft))\" y1=\"\(PictureText.decimal(top))\" x2=\"\(PictureText.decimal(Self.barLeft))\""
            + " y2=\"\(PictureText.decimal(y))\" stroke=\"\(PictureSVG.mutedColour)\" stroke-width=\"1\"/>"
        return PictureSVG.document(
            width: Self.width, height: y + Self.margin, prefix: prefix, title: title, desc: desc, body: body)
    }

    /// The label on at most two lines of `lineLength` characters, cut at spaces; a longer label
    /// ends with « … » (its full text is in the bar's `<title>` and in `<desc>`).
    static func wrap(_ label: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in label.split(whereSeparator: \.isWhitespace) {
            var word = String(word)
            while word.count > lineLength {
                if !current.isEmpty {
                    lines.append(current)
                    current = ""
                }
                lines.append(String(word.prefix(lineLength)))
                word = String(word.dropFirst(lineLength))
            }
            if current.isEmpty {
                current = word
            } else if current.count + 1 + word.count <= lineLength {
                current += " " + word
            } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty { lines.append(current) }
        guard lines.count > 2 else { return lines.isEmpty ? [""] : lines }
        return [lines[0], String(lines[1].prefix(lineLength - 1)) + "…"]
    }
}
