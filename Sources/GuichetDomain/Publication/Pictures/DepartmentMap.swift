import Foundation

/// A map of the French départements shaded by a value (e.g. the amount granted, in cents),
/// drawn on the server as an inline, self-contained and accessible SVG.
///
/// The metropole is drawn in Lambert-93 and the five overseas départements as insets, each at
/// its own scale. The SVG has `role="img"`, a `<title>` and a `<desc>` (which summarises the
/// total, the highest and lowest départements and the classes); each département carries a
/// `<title>` tooltip. The page must still show `rows` as a table: a picture is never the only
/// way to read the figures.
///
/// If the bundled outlines cannot be loaded, `svg()` returns a picture holding the title, the
/// description and a visible message « Carte indisponible … » instead of crashing; `rows` stay
/// available, with codes instead of names.
public struct DepartmentMap: Sendable {
    /// The attribution the licence of the outlines requires, shown in the picture and its `<desc>`.
    public static let attribution = "IGN – ADMIN EXPRESS COG 2018 ; INSEE ; via gregoiredavid/france-geojson"
    /// The wording for a département without a positive value, in the legend and the tooltips.
    public static let noValueText = "Aucun montant"

    /// The picture's short name, read first by screen readers (`<title>`).
    public var title: String
    /// What the picture shows, completed by a computed summary in `<desc>`.
    public var description: String
    /// The value of each département, by INSEE code (`02`, `2A`, `971`); a missing, zero or
    /// negative value is drawn as « Aucun montant ».
    public var values: [String: Int64]
    /// The French writing of a value, e.g. cents to « 1 200 000 € »; money is formatted by the
    /// caller, who knows the unit.
    public var valueText: @Sendable (Int64) -> String
    /// The départements to zoom on, or nil for the whole of France: neighbours are drawn in grey
    /// for context and only focused overseas départements get an inset.
    public var focus: Set<String>?
    /// Prefix of every id in the SVG, so that several pictures can share a page.
    public var idPrefix: String
    /// An optional heading of the legend, e.g. « Montant accordé ».
    public var legendTitle: String?

    /// Creates a map; `valueText` defaults to integers grouped with narrow no-break spaces.
    public init(
        title: String, description: String, values: [String: Int64],
        valueText: @escaping @Sendable (Int64) -> String = { PictureText.grouped($0) },
        focus: Set<String>? = nil, idPrefix: String = "carte", legendTitle: String? = nil
    ) {
        self.title = title
        self.description = description
        self.values = values
        self.valueText = valueText
        self.focus = focus
        self.idPrefix = idPrefix
        self.legendTitle = legendTitle
    }

    /// Loads and projects the bundled outlines now rather than on the first request; returns
    /// whether they are usable, so the server can log a problem at start-up.
    @discardableResult
    public static func prepareOutlines() -> Bool {
        if case .success = FranceMapGeometry.shared { return true }
        return false
    }

    /// The classes of the shown départements' values: the focus is shaded against itself.
    public var classes: ShadingClasses {
        ShadingClasses(values: shownCodes(in: FranceMapGeometry.shared).compactMap { values[$0] })
    }

    /// The figures of the picture, one per shown département in code order, for the page's table.
    public var rows: [PictureRow] {
        let geometry = FranceMapGeometry.shared
        let names = Self.names(in: geometry)
        return shownCodes(in: geometry).map { code in
            PictureRow(label: Self.label(code: code, names: names), valueText: text(of: code))
        }
    }

    /// The picture as an `<svg>` element, with a `viewBox` and no fixed size so CSS scales it.
    public func svg() -> String {
        svg(geometry: FranceMapGeometry.shared)
    }

    // MARK: - Shared by the drawing

    /// The codes drawn with their values: all départements, or the focused ones that exist.
    func shownCodes(in geometry: Result<FranceMapGeometry, MapGeometryError>) -> [String] {
        guard case .success(let map) = geometry else {
            return (focus.map(Array.init) ?? Array(values.keys)).sorted()
        }
        let all = (map.metropole + map.overseas).map(\.code)
        guard let focus else { return all.sorted() }
        return all.filter(focus.contains).sorted()
    }

    /// « 1 200 000 € », or « Aucun montant » when there is no value at all.
    func text(of code: String) -> String {
        guard let value = values[code] else { return Self.noValueText }
        return valueText(value)
    }

    /// « Aisne (02) », or « Département 02 » when the outlines, which carry the names, are missing.
    static func label(code: String, names: [String: String]) -> String {
        guard let name = names[code] else { return "Département \(code)" }
        return "\(name) (\(code))"
    }

    static func names(in geometry: Result<FranceMapGeometry, MapGeometryError>) -> [String: String] {
        guard case .success(let map) = geometry else { return [:] }
        return Dictionary(
            (map.metropole + map.overseas).map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    /// The `<desc>` text: the caller's description, then the total, the extremes, the classes,
    /// how the insets are drawn and the attribution.
    func summary(codes: [String], names: [String: String], classes: ShadingClasses, hasInsets: Bool) -> String {
        var parts = [description]
        let valued = codes.compactMap { code in values[code].flatMap { $0 > 0 ? (code, $0) : nil } }
        if let highest = valued.max(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 > $1.0) }),
            let lowest = valued.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) })
        {
            let total = valued.reduce(Int64(0)) { sum, item in
                let (next, overflow) = sum.addingReportingOverflow(item.1)
                return overflow ? Int64.max : next
            }
            parts.append("Total : \(valueText(total)).")
            parts.append("Le plus élevé : \(Self.label(code: highest.0, names: names)), \(valueText(highest.1)).")
            parts.append("Le plus faible : \(Self.label(code: lowest.0, names: names)), \(valueText(lowest.1)).")
            let legend = classes.ranges.indices.map {
                "\(classes.legendText(ofClass: $0, label: valueText)) (\(Self.count(classes.ranges[$0].count)))"
            }
            parts.append("Classes : " + legend.joined(separator: " ; ") + ".")
            let without = codes.count - valued.count
            if without > 0 { parts.append("\(Self.noValueText) : \(Self.count(without)).") }
        } else {
            parts.append("\(Self.noValueText) pour les \(Self.count(codes.count)) de la carte.")
        }
        if hasInsets {
            parts.append("Les départements d’outre-mer sont dessinés en encarts, chacun à sa propre échelle.")
        }
        parts.append("Contours : \(Self.attribution).")
        return parts.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// « 1 département », « 12 départements ».
    static func count(_ number: Int) -> String {
        number == 1 ? "1 département" : "\(number) départements"
    }
}
