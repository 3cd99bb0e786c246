import Foundation
import Testing

@testable import GuichetDomain

@Suite("Pictures — carte des départements")
struct PictureMapTests {
    static let euros: @Sendable (Int64) -> String = { "\(PictureText.grouped($0 / 100)) €" }

    static func geometry() throws -> FranceMapGeometry {
        try #require(try? FranceMapGeometry.shared.get())
    }

    /// A value for every département, different from one another.
    static func allValues(_ map: FranceMapGeometry) -> [String: Int64] {
        let codes = (map.metropole + map.overseas).map(\.code).sorted()
        return Dictionary(
            uniqueKeysWithValues: codes.enumerated().map { ($0.element, Int64($0.offset + 1) * 1_234_500_00) })
    }

    @Test("La carte entière montre chacun des 101 départements une fois, avec son titre")
    func everyDepartmentOnce() throws {
        let map = try Self.geometry()
        let picture = DepartmentMap(
            title: "Montants", description: "Montants accordés par département.",
            values: Self.allValues(map), valueText: Self.euros, idPrefix: "m")
        let svg = picture.svg()
        let parsed = PictureParser.parse(svg)
        #expect(parsed.isWellFormed, "\(parsed.error ?? "")")
        let paths = parsed.attributes(of: "path").compactMap { $0["data-code"] }
        #expect(paths.count == 101)
        #expect(Set(paths).count == 101)
        for shape in map.metropole + map.overseas {
            #expect(svg.occurrences(of: "data-code=\"\(shape.code)\"") == 1, "\(shape.code)")
            #expect(svg.contains("<title>\(PictureText.escaped(shape.name)) (\(shape.code)) : "), "\(shape.code)")
        }
        #expect(svg.contains("<title>Aisne (02) : 2\u{202F}469\u{202F}000 €</title>"))
        #expect(parsed.text.contains(DepartmentMap.attribution))
        for inset in ["Guadeloupe (971)", "Martinique (972)", "Guyane (973)", "La Réunion (974)", "Mayotte (976)"] {
            #expect(parsed.text.contains(inset))
        }
        #expect(parsed.attributes(of: "rect").filter { $0["fill"] == "none" && $0["width"] == "112" }.count == 5)
        #expect(picture.rows.count == 101)
        #expect(picture.rows.first == PictureRow(label: "Ain (01)", valueText: Self.euros(1_234_500_00)))
    }

    @Test("Le résumé donne le total, le plus élevé et le plus faible")
    func summary() {
        let picture = DepartmentMap(
            title: "T", description: "D.", values: ["02": 300_00, "59": 900_00, "60": 100_00, "62": 0],
            valueText: Self.euros)
        let desc = picture.svg()
        #expect(PictureParser.parse(desc).isWellFormed)
        #expect(desc.contains("Total : 1\u{202F}300 €."))
        #expect(desc.contains("Le plus élevé : Nord (59), 900 €."))
        #expect(desc.contains("Le plus faible : Oise (60), 100 €."))
        #expect(desc.contains("Aucun montant : 98 départements."))
        #expect(desc.contains("<title>Pas-de-Calais (62) : 0 €</title>"))
        #expect(desc.contains("<title>Somme (80) : Aucun montant</title>"))
    }

    @Test("Sans aucune valeur, tout est « Aucun montant » et la légende le dit")
    func noValues() {
        let svg = DepartmentMap(title: "Vide", description: "Rien.", values: [:], idPrefix: "vide").svg()
        #expect(PictureParser.parse(svg).isWellFormed)
        #expect(svg.contains("Aucun montant (101 départements)"))
        #expect(svg.contains("Aucun montant pour les 101 départements de la carte."))
        for colour in ShadingClasses.palette { #expect(!svg.contains(colour)) }
        #expect(svg.occurrences(of: "fill=\"url(#vide-aucun") == 101 + 1)
    }

    @Test("Le zoom sur les Hauts-de-France cadre ses cinq départements")
    func focusOnHautsDeFrance() throws {
        let map = try Self.geometry()
        let focus: Set<String> = ["02", "59", "60", "62", "80"]
        let picture = DepartmentMap(
            title: "Hauts-de-France", description: "Montants.", values: Self.allValues(map),
            valueText: Self.euros, focus: focus, idPrefix: "hdf")
        let svg = picture.svg()
        let parsed = PictureParser.parse(svg)
        #expect(parsed.isWellFormed, "\(parsed.error ?? "")")
        let paths = parsed.attributes(of: "path")
        let focused = paths.filter { $0["data-contexte"] == nil }.compactMap { $0["data-code"] }
        #expect(Set(focused) == focus)
        #expect(focused.count == 5)
        let context = Set(paths.filter { $0["data-contexte"] != nil }.compactMap { $0["data-code"] })
        #expect(context.contains("76") && context.contains("95"))
        #expect(!context.contains("13") && !context.contains("2A") && !svg.contains("data-code=\"971\""))
        #expect(svg.contains("Hors sélection"))

        let extent = map.metropole.filter { focus.contains($0.code) }.map(\.bounds).dropFirst()
            .reduce(try #require(map.metropole.first { $0.code == "02" }).bounds) { $0.union($1) }
        let frame = try #require(picture.layout(in: map).frame)
        #expect(frame.contains(extent))
        #expect(frame.width < extent.width * 1.1 && frame.height < extent.height * 1.1)
        #expect(frame.width < map.metropoleBounds.width / 3)
        #expect(
            picture.rows.map(\.label) == ["Aisne (02)", "Nord (59)", "Oise (60)", "Pas-de-Calais (62)", "Somme (80)"])
    }

    @Test("Un zoom sur un département d’outre-mer ne dessine que son encart")
    func focusOverseas() {
        let svg = DepartmentMap(
            title: "La Réunion", description: "", values: ["974": 5], focus: ["974"], idPrefix: "run"
        ).svg()
        #expect(PictureParser.parse(svg).isWellFormed)
        #expect(svg.occurrences(of: "<path ") == 1)
        #expect(svg.contains("data-code=\"974\"") && svg.contains("La Réunion (974)"))
    }

    @Test("Les textes sont échappés")
    func escaping() {
        let svg = DepartmentMap(
            title: "Titre <&\">", description: "Desc <&\">", values: ["02": 10],
            valueText: { "\($0) <&\">" }, idPrefix: "esc", legendTitle: "Légende <&\">"
        ).svg()
        let parsed = PictureParser.parse(svg)
        #expect(parsed.isWellFormed, "\(parsed.error ?? "")")
        #expect(svg.contains("Titre &lt;&amp;&quot;&gt;"))
        #expect(svg.contains("<title>Aisne (02) : 10 &lt;&amp;&quot;&gt;</title>"))
        #expect(parsed.text.contains("Légende <&\">"))
        #expect(!svg.contains("<&"))
    }

    @Test("Tous les identifiants portent le préfixe et chaque référence existe")
    func idsUsePrefix() {
        for focus in [nil, Set(["59", "62"])] {
            let svg = DepartmentMap(
                title: "T", description: "D", values: ["59": 3, "62": 0], focus: focus, idPrefix: "pfx"
            ).svg()
            let parsed = PictureParser.parse(svg)
            let ids = parsed.elements.compactMap { $0.attributes["id"] }
            #expect(!ids.isEmpty)
            #expect(ids.allSatisfy { $0.hasPrefix("pfx-") })
            #expect(Set(ids).count == ids.count)
            let root = parsed.elements.first?.attributes ?? [:]
            #expect(root["role"] == "img")
            #expect(root["aria-labelledby"] == "pfx-title pfx-desc")
            #expect(root["viewBox"] != nil && root["width"] == nil && root["height"] == nil)
            #expect(root["xmlns"] == "http://www.w3.org/2000/svg")
            for reference in Self.references(in: svg) { #expect(ids.contains(reference), "\(reference)") }
        }
        #expect(PictureSVG.safePrefix("2 cartes\"") == "p2_cartes_")
    }

    @Test("Sans contours, la carte affiche un message au lieu de planter")
    func fallback() {
        let picture = DepartmentMap(title: "T", description: "D.", values: ["02": 4], idPrefix: "ko")
        let svg = picture.svg(geometry: .failure(.missingResource))
        let parsed = PictureParser.parse(svg)
        #expect(parsed.isWellFormed)
        #expect(parsed.text.contains("Carte indisponible"))
        #expect(parsed.text.contains("Total : 4."))
    }

    @Test("Taille et temps de rendu de la carte entière")
    func sizeAndTime() throws {
        let map = try Self.geometry()
        let picture = DepartmentMap(title: "T", description: "D", values: Self.allValues(map), valueText: Self.euros)
        let hdf = DepartmentMap(
            title: "T", description: "D", values: Self.allValues(map), valueText: Self.euros,
            focus: ["02", "59", "60", "62", "80"])
        _ = picture.svg()
        let clock = ContinuousClock()
        let runs = 20
        var size = 0
        let full = clock.measure { for _ in 0..<runs { size = picture.svg().utf8.count } }
        var focusSize = 0
        let focused = clock.measure { for _ in 0..<runs { focusSize = hdf.svg().utf8.count } }
        print(
            "Carte entière : \(size) octets, \(full / runs) par rendu ; Hauts-de-France : \(focusSize) octets, \(focused / runs) par rendu"
        )
        #expect(size < 300_000)
    }

    /// The ids referenced by `url(#…)` and `aria-labelledby`.
    static func references(in svg: String) -> [String] {
        let regex = try? NSRegularExpression(pattern: #"url\(#([^)]+)\)"#)
        let range = NSRange(svg.startIndex..., in: svg)
        let urls = (regex?.matches(in: svg, range: range) ?? []).compactMap { match in
            Range(match.range(at: 1), in: svg).map { String(svg[$0]) }
        }
        return Array(Set(urls))
    }
}
