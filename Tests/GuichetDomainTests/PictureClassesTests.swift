import Foundation
import Testing

@testable import GuichetDomain

@Suite("Pictures — classes et textes")
struct PictureClassesTests {
    @Test("Quantiles de 1 à 100 : cinq classes de vingt")
    func quantiles() {
        let classes = ShadingClasses(values: (1...100).map(Int64.init))
        #expect(classes.ranges.map(\.lower) == [1, 21, 41, 61, 81])
        #expect(classes.ranges.map(\.count) == [20, 20, 20, 20, 20])
        #expect(classes.ranges.last?.upper == 100 && classes.ranges.last?.includesUpper == true)
        #expect(classes.classIndex(of: 20) == 0 && classes.classIndex(of: 21) == 1 && classes.classIndex(of: 100) == 4)
        #expect(classes.legendText(ofClass: 1, label: { PictureText.grouped($0) }) == "de 21 à moins de 41")
        #expect(classes.legendText(ofClass: 4, label: { PictureText.grouped($0) }) == "de 81 à 100")
    }

    @Test("Les bornes sont arrondies à deux chiffres significatifs")
    func roundedBreaks() {
        #expect(ShadingClasses.roundedToTwoDigits(1_187_342) == 1_200_000)
        #expect(ShadingClasses.roundedToTwoDigits(1_149_999) == 1_100_000)
        #expect(ShadingClasses.roundedToTwoDigits(99) == 99)
        #expect(ShadingClasses.roundedToTwoDigits(Int64.max) == Int64.max)
        let values: [Int64] = [
            103_000, 187_342, 251_000, 333_333, 480_000, 612_000, 777_777, 905_000, 1_187_342, 2_500_000,
        ]
        let classes = ShadingClasses(values: values)
        for range in classes.ranges.dropFirst() {
            #expect(range.lower == ShadingClasses.roundedToTwoDigits(range.lower), "\(range.lower)")
        }
    }

    @Test("Chaque valeur tombe dans sa classe", arguments: [1, 2, 3, 7, 42])
    func everyValueInItsClass(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let values = (0..<101).map { _ in Int64.random(in: 0...50_000_000_00, using: &generator) }
        let classes = ShadingClasses(values: values)
        #expect(classes.ranges.count == 5)
        #expect(classes.ranges.map(\.count).reduce(0, +) == values.filter { $0 > 0 }.count)
        for value in values where value > 0 {
            let range = classes.ranges[classes.classIndex(of: value) ?? -1]
            #expect(range.lower <= value)
            #expect(value < range.upper || (range.includesUpper && value <= range.upper))
        }
        for (lower, upper) in zip(classes.ranges, classes.ranges.dropFirst()) { #expect(lower.upper == upper.lower) }
    }

    @Test("Valeurs toutes égales, valeur unique, zéros, aucune valeur")
    func edgeCases() {
        let equal = ShadingClasses(values: [500, 500, 500])
        #expect(equal.ranges == [.init(lower: 500, upper: 500, includesUpper: true, count: 3)])
        #expect(equal.legendText(ofClass: 0, label: { "\($0) €" }) == "500 €")
        #expect(equal.fill(ofClass: 0) == ShadingClasses.palette[2])

        let single = ShadingClasses(values: [42])
        #expect(single.ranges.count == 1 && single.classIndex(of: 42) == 0)

        let zeros = ShadingClasses(values: [0, 0, -3, 10, 20])
        #expect(zeros.classIndex(of: 0) == nil && zeros.classIndex(of: -3) == nil)
        #expect(zeros.ranges.map(\.count).reduce(0, +) == 2)

        let none = ShadingClasses(values: [Int64]())
        #expect(none.ranges.isEmpty && none.classIndex(of: 10) == nil)

        let two = ShadingClasses(values: [10, 1_000])
        #expect(two.ranges.count == 2)
        #expect(two.fill(ofClass: 0) == ShadingClasses.palette[1] && two.fill(ofClass: 1) == ShadingClasses.palette[3])
    }

    @Test("La carte colore chaque département selon sa classe")
    func mapFillsByClass() {
        let values: [String: Int64] = ["01": 1, "02": 2, "03": 3, "04": 4, "05": 5]
        let svg = DepartmentMap(title: "T", description: "D", values: values, idPrefix: "c").svg()
        for (index, code) in ["01", "02", "03", "04", "05"].enumerated() {
            #expect(svg.contains("data-code=\"\(code)\" fill=\"\(ShadingClasses.palette[index])\""), "\(code)")
        }
        #expect(svg.contains("data-code=\"06\" fill=\"url(#c-aucun)\""))
        #expect(svg.contains("de 1 à moins de 2 (1 département)"))
        #expect(svg.contains("Aucun montant (96 départements)"))
    }

    @Test("Entiers groupés à la française, échappement XML")
    func text() {
        #expect(PictureText.grouped(1_200_000) == "1\u{202F}200\u{202F}000")
        #expect(PictureText.grouped(999) == "999")
        #expect(PictureText.grouped(-1_000) == "-1\u{202F}000")
        #expect(
            PictureText.grouped(Int64.min) == "-9\u{202F}223\u{202F}372\u{202F}036\u{202F}854\u{202F}775\u{202F}808")
        #expect(PictureText.escaped("a<b>&\"c'\u{1}") == "a&lt;b&gt;&amp;&quot;c&apos;")
        #expect(
            PictureText.tenths(-5) == "-0.5" && PictureText.tenths(30) == "3" && PictureText.tenths(1234) == "123.4")
    }
}
