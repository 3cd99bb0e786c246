import Foundation

/// A GeoJSON FeatureCollection of polygons, as far as the maps need it (RFC 7946).
///
/// Only what the bundled outlines use is decoded — `Polygon` and `MultiPolygon` geometries and
/// the `code` and `nom` properties — so that a richer file fails loudly instead of being drawn
/// half right.
public struct GeoJSONFeatureCollection: Codable, Sendable {
    /// The features, in file order.
    public var features: [GeoJSONFeature]

    /// Creates a collection from its features.
    public init(features: [GeoJSONFeature]) {
        self.features = features
    }
}

/// One feature: an administrative area with its INSEE code, its name and its outline.
public struct GeoJSONFeature: Codable, Sendable {
    /// The properties the maps read.
    public struct Properties: Codable, Sendable {
        /// The INSEE COG code, e.g. `02`, `2A`, `971`.
        public var code: String
        /// The French name, e.g. « Aisne ».
        public var nom: String

        /// Creates properties from a code and a name.
        public init(code: String, nom: String) {
            self.code = code
            self.nom = nom
        }
    }

    /// The code and name.
    public var properties: Properties
    /// The outline.
    public var geometry: GeoJSONGeometry

    /// Creates a feature from its properties and outline.
    public init(properties: Properties, geometry: GeoJSONGeometry) {
        self.properties = properties
        self.geometry = geometry
    }
}

/// A longitude/latitude pair in degrees (WGS84, which RGF93 matches to the metre).
public struct GeoPosition: Sendable, Hashable {
    /// Degrees east of Greenwich.
    public var longitude: Double
    /// Degrees north of the equator.
    public var latitude: Double

    /// Creates a position from degrees.
    public init(longitude: Double, latitude: Double) {
        self.longitude = longitude
        self.latitude = latitude
    }
}

/// A polygonal outline: a list of polygons, each a list of rings (the first one outer, the
/// others holes), each ring a list of positions.
///
/// Both GeoJSON types decode to the same shape because drawing does not care: an SVG path with
/// the even-odd or non-zero rule draws a polygon and a multipolygon alike.
public enum GeoJSONGeometry: Codable, Sendable {
    /// A single polygon.
    case polygon([[GeoPosition]])
    /// Several polygons, e.g. a coast with islands.
    case multiPolygon([[[GeoPosition]]])

    /// Every polygon of the outline.
    public var polygons: [[[GeoPosition]]] {
        switch self {
        case .polygon(let rings): return [rings]
        case .multiPolygon(let polygons): return polygons
        }
    }

    private enum CodingKeys: String, CodingKey {
        case type, coordinates
    }

    /// Decodes a `Polygon` or `MultiPolygon`; any other type is a data error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "Polygon":
            let raw = try container.decode([[[Double]]].self, forKey: .coordinates)
            self = .polygon(try raw.map { try $0.map(Self.position) })
        case "MultiPolygon":
            let raw = try container.decode([[[[Double]]]].self, forKey: .coordinates)
            self = .multiPolygon(try raw.map { try $0.map { try $0.map(Self.position) } })
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "Géométrie « \(type) » non prise en charge : seuls Polygon et MultiPolygon le sont.")
        }
    }

    /// Encodes back to GeoJSON, so that tests and tools can write small fixtures.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .polygon(let rings):
            try container.encode("Polygon", forKey: .type)
            try container.encode(rings.map { $0.map { [$0.longitude, $0.latitude] } }, forKey: .coordinates)
        case .multiPolygon(let polygons):
            try container.encode("MultiPolygon", forKey: .type)
            try container.encode(
                polygons.map { $0.map { $0.map { [$0.longitude, $0.latitude] } } }, forKey: .coordinates)
        }
    }

    /// A position from its GeoJSON array; an altitude, if any, is ignored.
    private static func position(_ values: [Double]) throws -> GeoPosition {
        guard values.count >= 2 else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "Position GeoJSON incomplète."))
        }
        return GeoPosition(longitude: values[0], latitude: values[1])
    }
}
