import Foundation

/// A French region, by its INSEE code (`32` for Hauts-de-France).
public struct Region: Hashable, Sendable, Codable {
    public let code: String
    public let name: String
    /// The INSEE article type (TNCC), used to write "en Hauts-de-France", "dans le Grand Est".
    public let articleType: Int
}

/// A French département, by its INSEE code (`02`, `2A`, `974`…).
public struct Departement: Hashable, Sendable, Codable {
    public let code: String
    public let name: String
    public let regionCode: String
    /// The INSEE article type (TNCC): 0/1 none, 2 "le", 3 "la", 4 "les", 5 "l'".
    public let articleType: Int

    /// "Dans l'Aisne", "Dans le Nord", "Dans la Somme", "Dans les Yvelines", "À Paris": the press
    /// kit's heading for the laureates of a département, derived from INSEE's article type.
    public var inPhrase: String {
        switch articleType {
        case 2: "Dans le \(name)"
        case 3: "Dans la \(name)"
        case 4: "Dans les \(name)"
        case 5: "Dans l'\(name)"
        default: "À \(name)"
        }
    }
}

/// Where a dossier acts, and so which envelope it draws on and which services instruct it.
///
/// The call defines three scopes: national (a project covering at least two regions), regional
/// (region-wide) and départemental (one département).
public enum Scope: Hashable, Sendable {
    case national(regions: [String])
    case regional(region: String)
    case departemental(departement: String)

    /// The stored form of the scope's kind: `national`, `regional`, `departemental`.
    public var kind: String {
        switch self {
        case .national: "national"
        case .regional: "regional"
        case .departemental: "departemental"
        }
    }

    /// The INSEE code the scope is stored under: `FR` for national, else the code.
    ///
    /// Region and département codes overlap (`02` is both Martinique and the Aisne), so a code
    /// alone never identifies a territory: group and compare by ``territoryKey``.
    public var territoryCode: String { territoryKey.code }

    /// The level and code the scope is grouped under.
    public var territoryKey: TerritoryKey {
        switch self {
        case .national: TerritoryKey(level: .national, code: "FR")
        case .regional(let region): TerritoryKey(level: .region, code: region)
        case .departemental(let departement): TerritoryKey(level: .departement, code: departement)
        }
    }
}

/// A territory identified without ambiguity: its level and its INSEE code.
public struct TerritoryKey: Hashable, Sendable, Codable {
    public enum Level: String, Sendable, Codable, Comparable {
        case national, region, departement

        private var rank: Int {
            switch self {
            case .national: 0
            case .region: 1
            case .departement: 2
            }
        }

        public static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
    }

    public let level: Level
    public let code: String

    public init(level: Level, code: String) {
        self.level = level
        self.code = code
    }
}
