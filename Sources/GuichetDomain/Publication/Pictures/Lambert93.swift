import Foundation

/// A point on a projected plane, in metres: `x` towards the east, `y` towards the north.
public struct PlanePoint: Sendable, Hashable {
    /// Metres towards the east.
    public var x: Double
    /// Metres towards the north.
    public var y: Double

    /// Creates a point from its coordinates in metres.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// Lambert-93 (EPSG:2154), the official projection of metropolitan France (décret 2000-1276).
///
/// The metropole is drawn with it so that the map looks like every French official map, and
/// because a conformal projection keeps the shapes of départements recognisable. The formulas are
/// those of the Lambert conformal conic with two standard parallels (IGN, note NT/G 71,
/// algorithms ALG0003 and ALG0054), on the GRS80 ellipsoid of RGF93; WGS84 coordinates are taken
/// as RGF93, which they match to well under a metre.
///
/// Defining constants: a = 6 378 137 m, f = 1/298.257 222 101, standard parallels 44° N and
/// 49° N, origin 46° 30′ N, 3° E, false easting 700 000 m, false northing 6 600 000 m.
/// Derived constants published by IGN, which the tests check: n = 0.725 607 765 053 267,
/// C = 11 754 255.426 096 m, Xs = 700 000 m, Ys = 12 655 612.049 876 m.
public enum Lambert93 {
    /// GRS80 semi-major axis, in metres.
    public static let semiMajorAxis = 6_378_137.0
    /// GRS80 flattening.
    public static let flattening = 1 / 298.257_222_101
    /// First standard parallel, in degrees.
    public static let standardParallel1 = 44.0
    /// Second standard parallel, in degrees.
    public static let standardParallel2 = 49.0
    /// Latitude of the origin, in degrees.
    public static let originLatitude = 46.5
    /// Central meridian, in degrees east of Greenwich.
    public static let centralMeridian = 3.0
    /// Easting of the origin, in metres.
    public static let falseEasting = 700_000.0
    /// Northing of the origin, in metres.
    public static let falseNorthing = 6_600_000.0

    /// The derived constants of the cone, computed once from the defining ones.
    public struct Cone: Sendable {
        /// First eccentricity of the ellipsoid.
        public let e: Double
        /// Exponent of the cone (sine of the latitude where the cone would touch).
        public let n: Double
        /// Radius scale `C`, in metres.
        public let c: Double
        /// Easting of the pole of the cone, in metres.
        public let xs: Double
        /// Northing of the pole of the cone, in metres.
        public let ys: Double
    }

    /// The constants of Lambert-93, computed from the defining values rather than copied, so that
    /// the tests comparing them with IGN's published figures check the formulas themselves.
    public static let cone: Cone = {
        let e = (2 * flattening - flattening * flattening).squareRoot()
        let phi1 = radians(standardParallel1), phi2 = radians(standardParallel2)
        let n1 = semiMajorAxis / (1 - e * e * sin(phi1) * sin(phi1)).squareRoot()
        let n2 = semiMajorAxis / (1 - e * e * sin(phi2) * sin(phi2)).squareRoot()
        let l1 = isometricLatitude(phi1, e: e), l2 = isometricLatitude(phi2, e: e)
        let n = log((n2 * cos(phi2)) / (n1 * cos(phi1))) / (l1 - l2)
        let c = n1 * cos(phi1) / n * exp(n * l1)
        let l0 = isometricLatitude(radians(originLatitude), e: e)
        return Cone(e: e, n: n, c: c, xs: falseEasting, ys: falseNorthing + c * exp(-n * l0))
    }()

    /// The Lambert-93 coordinates of a WGS84 position, in metres.
    public static func project(_ position: GeoPosition) -> PlanePoint {
        let cone = self.cone
        let latitude = isometricLatitude(radians(position.latitude), e: cone.e)
        let radius = cone.c * exp(-cone.n * latitude)
        let gamma = cone.n * radians(position.longitude - centralMeridian)
        return PlanePoint(x: cone.xs + radius * sin(gamma), y: cone.ys - radius * cos(gamma))
    }

    /// The isometric latitude (ALG0001), which turns the ellipsoid's meridians into the cone's rays.
    static func isometricLatitude(_ phi: Double, e: Double) -> Double {
        let esin = e * sin(phi)
        return log(tan(Double.pi / 4 + phi / 2) * pow((1 - esin) / (1 + esin), e / 2))
    }

    static func radians(_ degrees: Double) -> Double {
        degrees * Double.pi / 180
    }
}

/// A local equirectangular projection around a centre, for the overseas départements.
///
/// Each overseas département is small (Guyane, the largest, spans about 4°), so scaling the
/// longitudes by the cosine of the central latitude keeps its shape within a few per cent
/// while staying trivial to check; Lambert-93 would badly distort areas so far from its cone.
public struct LocalProjection: Sendable {
    /// Mean Earth radius, in metres; the shape only needs the ratio of the axes to be right.
    public static let earthRadius = 6_371_000.0
    /// The point drawn at the origin.
    public var centre: GeoPosition

    /// Creates the projection centred on a position.
    public init(centre: GeoPosition) {
        self.centre = centre
    }

    /// The position in metres from the centre.
    public func project(_ position: GeoPosition) -> PlanePoint {
        let scale = Self.earthRadius * Double.pi / 180
        return PlanePoint(
            x: (position.longitude - centre.longitude) * scale * cos(Lambert93.radians(centre.latitude)),
            y: (position.latitude - centre.latitude) * scale)
    }
}
