import Foundation

/// One département ready to draw: its outline as SVG path data, in the units of its frame.
struct MapShape: Sendable {
    let code: String
    let name: String
    /// SVG path data, coordinates rounded to one decimal, relative moves after the first point.
    let path: String
    let bounds: PlaneBox
}

/// Why the outlines could not be prepared; the map then shows a message instead of crashing.
enum MapGeometryError: Error, Sendable, Equatable {
    case missingResource
    case unreadable(String)
}

/// The outlines of the 101 départements, projected and encoded once for all maps.
///
/// The metropole is in Lambert-93 kilometres measured from the top-left corner of its extent
/// (y down), so one decimal keeps 100 m, finer than the simplified outlines; each overseas
/// département has its own local projection fitted into a square inset of `insetSize` units,
/// because at the metropole's scale Martinique or Mayotte would be a few pixels wide.
/// Building a map then only concatenates these strings.
struct FranceMapGeometry: Sendable {
    static let insetSize = 112.0
    static let insetPadding = 6.0
    /// Simplification of the metropole, in tenths of a kilometre: 100 m, invisible even when the
    /// map zooms on one région (about 2 units per km).
    static let metropoleTolerance = 1

    let metropole: [MapShape]
    let metropoleBounds: PlaneBox
    let overseas: [MapShape]

    /// The bundled outlines, decoded and projected on first use. A `static let` is initialised
    /// once under the runtime's lock, and the value is immutable, hence safe to share.
    static let shared: Result<FranceMapGeometry, MapGeometryError> = loadBundled()

    static func loadBundled() -> Result<FranceMapGeometry, MapGeometryError> {
        guard let url = Bundle.module.url(forResource: "departements", withExtension: "geojson", subdirectory: "geo")
        else {
            return .failure(.missingResource)
        }
        do {
            let data = try Data(contentsOf: url)
            return .success(try FranceMapGeometry(geoJSON: data))
        } catch {
            return .failure(.unreadable(String(describing: error)))
        }
    }

    /// Decodes and projects a FeatureCollection; codes of three characters starting with 97
    /// are the overseas départements.
    init(geoJSON data: Data) throws {
        let collection = try JSONDecoder().decode(GeoJSONFeatureCollection.self, from: data)
        let features = collection.features.sorted { $0.properties.code < $1.properties.code }
        let isOverseas: (GeoJSONFeature) -> Bool = { $0.properties.code.hasPrefix("97") }

        let metroFeatures = features.filter { !isOverseas($0) }
        let projected = metroFeatures.map { feature in
            feature.geometry.polygons.flatMap { $0 }.map { $0.map(Lambert93.project) }
        }
        let all = projected.flatMap { $0.flatMap { $0 } }
        guard let minX = all.map(\.x).min(), let maxY = all.map(\.y).max() else {
            throw MapGeometryError.unreadable("Aucun département métropolitain dans les contours.")
        }
        var metro: [MapShape] = []
        for (feature, rings) in zip(metroFeatures, projected) {
            let encoded = PathEncoder.encode(rings, tolerance: Self.metropoleTolerance, minimumExtent: 5) {
                PlanePoint(x: ($0.x - minX) / 1000, y: (maxY - $0.y) / 1000)
            }
            if let encoded {
                metro.append(
                    MapShape(
                        code: feature.properties.code, name: feature.properties.nom,
                        path: encoded.path, bounds: encoded.bounds))
            }
        }
        metropole = metro
        metropoleBounds = metro.dropFirst().reduce(metro.first?.bounds ?? PlaneBox(minX: 0, minY: 0, maxX: 1, maxY: 1))
        {
            $0.union($1.bounds)
        }
        overseas = features.filter(isOverseas).compactMap(Self.inset)
    }

    /// An overseas département fitted, centred, into its inset square.
    private static func inset(_ feature: GeoJSONFeature) -> MapShape? {
        let positions = feature.geometry.polygons.flatMap { $0.flatMap { $0 } }
        guard let west = positions.map(\.longitude).min(), let east = positions.map(\.longitude).max(),
            let south = positions.map(\.latitude).min(), let north = positions.map(\.latitude).max()
        else { return nil }
        let projection = LocalProjection(
            centre: GeoPosition(longitude: (west + east) / 2, latitude: (south + north) / 2))
        let rings = feature.geometry.polygons.flatMap { $0 }.map { $0.map(projection.project) }
        let points = rings.flatMap { $0 }
        guard let minX = points.map(\.x).min(), let maxX = points.map(\.x).max(),
            let minY = points.map(\.y).min(), let maxY = points.map(\.y).max()
        else { return nil }
        let inner = insetSize - 2 * insetPadding
        let scale = inner / max(maxX - minX, maxY - minY, 1)
        let offsetX = insetPadding + (inner - (maxX - minX) * scale) / 2
        let offsetY = insetPadding + (inner - (maxY - minY) * scale) / 2
        let encoded = PathEncoder.encode(rings, tolerance: 3, minimumExtent: 8) {
            PlanePoint(x: offsetX + ($0.x - minX) * scale, y: offsetY + (maxY - $0.y) * scale)
        }
        return encoded.map {
            MapShape(code: feature.properties.code, name: feature.properties.nom, path: $0.path, bounds: $0.bounds)
        }
    }
}
