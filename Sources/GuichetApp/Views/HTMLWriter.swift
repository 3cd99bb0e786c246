/// Markup written in Swift for the rows of the staff pages' long tables (the queue's 50 dossiers,
/// the committee board's 100 with a staging form each), which the templates insert with
/// `#unsafeHTML(rowsHTML)`.
///
/// Why not a Leaf loop: LeafKit's serializer copies the page's context for every iteration and
/// resolves each `#(row.field)` through its expression machinery, then escapes it one Unicode
/// scalar at a time. Measured on the queue at 2 610 dossiers, the 50 rows cost about 46 µs each,
/// more than half of the page's CPU time; the board's rows, with their forms, cost more
/// (docs/BENCHMARKS.md). Written here, a row costs a few appends.
///
/// What keeps it as safe as a template: fixed markup can only be a string literal (``Markup``),
/// and every value goes through ``text(_:)``, which escapes the same five characters as Leaf's
/// `#( )`. The page's structure (headings, table heads, forms around the rows) stays in the
/// template; only the repeated row is here, next to its view model.
struct HTMLWriter {
    /// Fixed markup: only a string literal converts to it, so a value cannot reach the page
    /// unescaped by mistake.
    struct Markup: ExpressibleByStringLiteral {
        fileprivate let text: String
        init(stringLiteral value: String) { text = value }
        fileprivate init(text: String) { self.text = text }
    }

    /// A value escaped once, to be written several times (the same address in every row's form).
    struct Escaped {
        fileprivate let html: String
        init(_ value: String) { html = HTMLWriter.escaped(value) }
    }

    private(set) var html = ""

    init(capacity: Int = 0) {
        html.reserveCapacity(capacity)
    }

    /// Appends fixed markup.
    mutating func raw(_ markup: Markup) {
        html += markup.text
    }

    /// Appends a value, HTML-escaped.
    mutating func text(_ value: String) {
        html += Self.escaped(value)
    }

    /// Appends a value escaped beforehand.
    mutating func text(_ value: Escaped) {
        html += value.html
    }

    /// Appends a number.
    mutating func text(_ value: Int) {
        html += String(value)
    }

    /// Appends a dossier's status as a DSFR badge (``BadgeTag``, which escapes the text).
    mutating func badge(_ status: String) {
        html += BadgeTag.html(status)
    }

    /// The mark of the demo's simulated data, wherever a simulated dossier is listed.
    static let simulatedBadge = Markup(text: simulatedBadgeHTML)

    /// The simulated badge's markup, also written by the templates' `#simulated()` (``SimulatedTag``).
    static let simulatedBadgeHTML =
        "<span class=\"fr-badge fr-badge--sm fr-badge--warning fr-badge--no-icon\">simulé</span>"

    /// The `<option>` elements of a `<select>`, each value and label escaped (``OptionsTag`` writes
    /// the same for the templates' lists).
    static func options(_ options: [(value: String, label: String, selected: Bool)]) -> String {
        var w = HTMLWriter(capacity: options.count * 48)
        for option in options { w.option(value: option.value, label: option.label, selected: option.selected) }
        return w.html
    }

    /// One `<option>` element.
    mutating func option(value: String, label: String, selected: Bool) {
        raw("<option value=\"")
        text(value)
        raw(selected ? "\" selected>" : "\">")
        text(label)
        raw("</option>")
    }

    /// `&`, `<`, `>`, `"` and `'` replaced by their entities, as Leaf's `#( )` does; a value
    /// without any of them (most of them) is returned as is, without a copy.
    static func escaped(_ value: String) -> String {
        let utf8 = value.utf8
        // Native strings are contiguous: the scan runs over their bytes directly.
        let special =
            utf8.withContiguousStorageIfAvailable { bytes in bytes.contains(where: isSpecial) }
            ?? utf8.contains(where: isSpecial)
        guard special else { return value }
        var result = ""
        result.reserveCapacity(utf8.count + 16)
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            let byte = utf8[index]
            if isSpecial(byte) {
                result += value[start..<index]
                result += entity(byte)
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        result += value[start..<utf8.endIndex]
        return result
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }

    private static func entity(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\""): "&quot;"
        default: "&#39;"
        }
    }
}
