import Foundation
import Testing

@testable import GuichetDomain

@Suite("Pictures — diagramme en barres")
struct PictureBarChartTests {
    static let bars = [
        BarChart.Bar(
            label: "Alimentation et lutte contre la précarité alimentaire", value: 400_000, valueText: "4 000 €"),
        BarChart.Bar(label: "Culture", value: 100_000, valueText: "1 000 €"),
        BarChart.Bar(label: "Sport", value: 0, valueText: "0 €"),
        BarChart.Bar(label: "R&D <innovation> \"sociale\"", value: 250_000, valueText: "2 500 €"),
    ]

    static func widths(_ parsed: ParsedPicture) -> [Double] {
        parsed.attributes(of: "rect").compactMap { $0["width"].flatMap(Double.init) }
    }

    @Test("Les longueurs sont proportionnelles aux valeurs, zéro compris")
    func proportional() throws {
        let chart = BarChart(title: "Par thème", description: "Montants par thème.", bars: Self.bars, idPrefix: "theme")
        let parsed = PictureParser.parse(chart.svg())
        #expect(parsed.isWellFormed, "\(parsed.error ?? "")")
        let widths = Self.widths(parsed)
        #expect(widths.count == 4)
        let longest = try #require(widths.first)
        #expect(abs(longest - chart.maximumBarLength) < 0.051)
        #expect(abs(widths[1] - longest / 4) < 0.1)
        #expect(widths[2] == 0)
        #expect(abs(widths[3] - longest * 0.625) < 0.1)
        #expect(parsed.text.contains("0 €"))
        // The value text starts just after the end of its bar.
        let valueXs = parsed.elements.filter { $0.name == "text" && $0.attributes["text-anchor"] == nil }.compactMap {
            $0.attributes["x"].flatMap(Double.init)
        }
        #expect(valueXs.count == 4)
        for (x, width) in zip(valueXs, widths) { #expect(abs(x - (BarChart.barLeft + width + 6)) < 0.11) }
    }

    @Test("Ordre donné, étiquettes échappées, longues étiquettes coupées avec le texte entier en titre")
    func labels() throws {
        let svg = BarChart(title: "T <&>", description: "D", bars: Self.bars, unitCaption: "En euros", idPrefix: "b")
            .svg()
        let parsed = PictureParser.parse(svg)
        #expect(parsed.isWellFormed)
        #expect(svg.contains("R&amp;D &lt;innovation&gt; &quot;sociale&quot;"))
        #expect(parsed.text.contains("Alimentation et lutte contre la précarité alimentaire : 4 000 €"))
        #expect(
            svg.contains(
                "<tspan x=\"240\">Alimentation et lutte contre</tspan><tspan x=\"240\" dy=\"16\">la précarité alimentaire</tspan>"
            ))
        let indices = parsed.attributes(of: "g").compactMap { $0["data-index"] }
        #expect(indices == ["0", "1", "2", "3"])
        let culture = try #require(svg.range(of: ">Culture<")), sport = try #require(svg.range(of: ">Sport<"))
        #expect(culture.lowerBound < sport.lowerBound)
        #expect(parsed.text.contains("En euros"))

        let long = BarChart.wrap(
            "Accompagnement des associations de solidarité internationale et d’éducation populaire")
        #expect(long.count == 2 && long[1].hasSuffix("…") && long.allSatisfy { $0.count <= BarChart.lineLength })
        #expect(
            BarChart.wrap("Anticonstitutionnellementissimeusement") == ["Anticonstitutionnellementissim", "eusement"])
    }

    @Test("Texte alternatif : chaque barre dans la description, identifiants préfixés")
    func accessibility() {
        let chart = BarChart(
            title: "Par territoire", description: "Montants par territoire.", bars: Self.bars, idPrefix: "terr")
        let parsed = PictureParser.parse(chart.svg())
        let root = parsed.elements.first?.attributes ?? [:]
        #expect(root["role"] == "img" && root["aria-labelledby"] == "terr-title terr-desc")
        #expect(root["viewBox"] != nil && root["width"] == nil)
        let ids = parsed.elements.compactMap { $0.attributes["id"] }
        #expect(ids == ["terr-title", "terr-desc"])
        for bar in Self.bars { #expect(parsed.text.contains("\(bar.label) : \(bar.valueText).")) }
        #expect(chart.rows.map(\.label) == Self.bars.map(\.label))
    }

    @Test("Sans barre ni valeur positive, rien ne casse")
    func degenerate() {
        let empty = BarChart(title: "Vide", description: "", bars: []).svg()
        #expect(PictureParser.parse(empty).isWellFormed && empty.contains("Aucune donnée à représenter."))
        let zeros = BarChart(title: "Zéros", description: "", bars: [.init(label: "A", value: 0, valueText: "0")])
        #expect(Self.widths(PictureParser.parse(zeros.svg())) == [0])
    }
}
