import Foundation
import Testing

@testable import GuichetDomain

/// Writes sample pictures and per-part sizes when PICTURES_DUMP is set, for looking at them by eye.
@Suite("Pictures — échantillons")
struct PictureDumpTests {
    @Test("Échantillons", .enabled(if: ProcessInfo.processInfo.environment["PICTURES_DUMP"] != nil))
    func dump() throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["PICTURES_DUMP"] ?? "/tmp")
        let clock = ContinuousClock()
        var loaded: Result<FranceMapGeometry, MapGeometryError>?
        let load = clock.measure { loaded = FranceMapGeometry.loadBundled() }
        let map = try #require(try loaded?.get())
        print("Chargement et projection : \(load)")
        print("Chemins métropole : \(map.metropole.map(\.path.utf8.count).reduce(0, +)) octets")
        for shape in map.overseas { print("Chemin \(shape.code) : \(shape.path.utf8.count) octets") }
        var values = PictureMapTests.allValues(map)
        values["13"] = nil
        values["29"] = 0
        let euros = PictureMapTests.euros
        let full = DepartmentMap(
            title: "Montants accordés", description: "Par département.", values: values, valueText: euros,
            legendTitle: "Montant accordé")
        try full.svg().write(to: directory.appendingPathComponent("carte.svg"), atomically: true, encoding: .utf8)
        let hdf = DepartmentMap(
            title: "Hauts-de-France", description: "Zoom.", values: values, valueText: euros,
            focus: ["02", "59", "60", "62", "80", "974"])
        try hdf.svg().write(to: directory.appendingPathComponent("hdf.svg"), atomically: true, encoding: .utf8)
        try DepartmentMap(title: "Vide", description: "", values: [:]).svg().write(
            to: directory.appendingPathComponent("vide.svg"), atomically: true, encoding: .utf8)
        let bars = BarChart(
            title: "Par thème", description: "", bars: PictureBarChartTests.bars,
            unitCaption: "Montants accordés, en euros")
        try bars.svg().write(to: directory.appendingPathComponent("barres.svg"), atomically: true, encoding: .utf8)
    }
}

extension PictureDumpTests {
    @Test("Étendues", .enabled(if: ProcessInfo.processInfo.environment["PICTURES_DUMP"] != nil))
    func extents() throws {
        let map = try FranceMapGeometry.shared.get()
        print("Étendue métropole : \(map.metropoleBounds)")
        for shape in map.metropole.sorted(by: { $0.bounds.minY < $1.bounds.minY }).prefix(3) {
            print("Haut : \(shape.code) \(shape.bounds)")
        }
        for shape in map.metropole.sorted(by: { $0.bounds.minX < $1.bounds.minX }).prefix(2) {
            print("Gauche : \(shape.code) \(shape.bounds)")
        }
    }
}
