import Foundation
import Testing

@testable import GuichetDomain

/// Lambert-93 checked against IGN's published constants and known places.
///
/// References: the derived constants n, C and Ys are those IGN publishes for Lambert-93 (NT/G 71
/// and the EPSG:2154 definition); the origin (3° E, 46° 30′ N) maps to (700 000, 6 600 000) by
/// definition; Paris (Hôtel de Ville area, 2.3522° E, 48.8566° N) is commonly given as about
/// (652 469, 6 862 035). Marseille (Vieux-Port) and Brest (centre) use approximate city-centre
/// values, so they are checked within 2 km: enough to catch a swapped axis or a wrong constant.
@Suite("Pictures — projections")
struct PictureProjectionTests {
    @Test("Les constantes dérivées sont celles publiées par l’IGN")
    func publishedConstants() {
        let cone = Lambert93.cone
        #expect(abs(cone.n - 0.725_607_765_053_267) < 1e-12)
        #expect(abs(cone.c - 11_754_255.426_096) < 1e-3)
        #expect(abs(cone.ys - 12_655_612.049_876) < 1e-3)
        #expect(cone.xs == 700_000)
    }

    @Test("L’origine tombe sur (700 000, 6 600 000)")
    func origin() {
        let point = Lambert93.project(GeoPosition(longitude: 3, latitude: 46.5))
        #expect(abs(point.x - 700_000) < 1e-6)
        #expect(abs(point.y - 6_600_000) < 1e-6)
    }

    @Test(
        "Paris, Marseille et Brest",
        arguments: [
            ("Paris", 2.352_222, 48.856_614, 652_469.0, 6_862_035.0, 1_000.0),
            ("Marseille", 5.369_780, 43.296_482, 892_400.0, 6_247_100.0, 2_000.0),
            ("Brest", -4.486_076, 48.390_394, 146_000.0, 6_836_500.0, 2_000.0),
        ])
    func knownPlaces(name: String, longitude: Double, latitude: Double, x: Double, y: Double, tolerance: Double) {
        let point = Lambert93.project(GeoPosition(longitude: longitude, latitude: latitude))
        #expect(abs(point.x - x) < tolerance, "\(name) x = \(point.x)")
        #expect(abs(point.y - y) < tolerance, "\(name) y = \(point.y)")
    }

    @Test("La projection locale garde les distances près du centre")
    func localProjection() {
        let projection = LocalProjection(centre: GeoPosition(longitude: 55.5, latitude: -21.1))
        let east = projection.project(GeoPosition(longitude: 55.6, latitude: -21.1))
        let north = projection.project(GeoPosition(longitude: 55.5, latitude: -21.0))
        // 0.1° of latitude is about 11.1 km; of longitude, that times cos(21.1°).
        #expect(abs(north.y - 11_119.5) < 5)
        #expect(abs(east.x - 11_119.5 * cos(21.1 * Double.pi / 180)) < 5)
        #expect(abs(north.x) < 1e-6)
    }

    @Test("Les contours embarqués se chargent : 96 départements métropolitains et 5 encarts")
    func bundledOutlines() throws {
        let map = try #require(try? FranceMapGeometry.shared.get())
        #expect(map.metropole.count == 96)
        #expect(map.overseas.map(\.code) == ["971", "972", "973", "974", "976"])
        #expect(Set((map.metropole + map.overseas).map(\.code)).count == 101)
        #expect(DepartmentMap.prepareOutlines())
        // Metropole frame in kilometres: roughly 1 100 km by 1 000 km, Corsica included.
        #expect(map.metropoleBounds.width > 1_000 && map.metropoleBounds.width < 1_250)
        #expect(map.metropoleBounds.height > 950 && map.metropoleBounds.height < 1_150)
    }

    @Test("Une géométrie autre que polygonale est refusée")
    func rejectsPoints() {
        let json =
            #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"01","nom":"Ain"},"geometry":{"type":"Point","coordinates":[5,46]}}]}"#
        #expect(throws: (any Error).self) { try FranceMapGeometry(geoJSON: Data(json.utf8)) }
    }

    @Test("Les chemins sont arrondis au dixième, sans point répété")
    func pathPrecision() throws {
        let map = try #require(try? FranceMapGeometry.shared.get())
        for shape in map.metropole + map.overseas {
            #expect(shape.path.range(of: #"\d\.\d\d"#, options: .regularExpression) == nil, "\(shape.code)")
            // A relative move of (0, 0) would be a repeated point.
            for ring in shape.path.split(separator: "M") {
                guard let moves = ring.split(separator: "l").last else { continue }
                let numbers = Self.numbers(in: String(moves))
                #expect(numbers.count % 2 == 0)
                for index in stride(from: 0, to: numbers.count - 1, by: 2) {
                    #expect(!(numbers[index] == 0 && numbers[index + 1] == 0), "\(shape.code)")
                }
            }
        }
    }

    static func numbers(in text: String) -> [Double] {
        let regex = try? NSRegularExpression(pattern: #"-?\d+(\.\d+)?"#)
        let range = NSRange(text.startIndex..., in: text)
        return (regex?.matches(in: text, range: range) ?? []).compactMap { match in
            Range(match.range, in: text).flatMap { Double(text[$0]) }
        }
    }
}
