import Foundation

/// The INSEE regions and départements (COG 2024, identical to 2021 for codes and names).
///
/// Loaded from the verbatim INSEE files shipped in this module's resources, so that codes, names
/// and articles come from the official source and never from hand-typed lists.
public struct TerritoryCatalog: Sendable {
    public let regions: [Region]
    public let departements: [Departement]
    private let regionsByCode: [String: Region]
    private let departementsByCode: [String: Departement]

    /// The catalogue shipped with Guichet.
    public static let france: TerritoryCatalog = {
        do {
            return try TerritoryCatalog.loadBundled()
        } catch {
            fatalError("Guichet's bundled INSEE files are unreadable: \(error)")  // a packaging bug, not input
        }
    }()

    static func loadBundled() throws -> TerritoryCatalog {
        guard
            let regionsURL = Bundle.module.url(
                forResource: "insee_region_2024", withExtension: "csv", subdirectory: "cog"),
            let departementsURL = Bundle.module.url(
                forResource: "insee_departement_2024", withExtension: "csv", subdirectory: "cog")
        else { throw DomainError.invalidCSV(line: 0, reason: "fichiers INSEE absents des ressources") }
        return try TerritoryCatalog(
            regionsCSV: String(contentsOf: regionsURL, encoding: .utf8),
            departementsCSV: String(contentsOf: departementsURL, encoding: .utf8))
    }

    /// Builds a catalogue from INSEE's `v_region` and `v_departement` CSV files.
    public init(regionsCSV: String, departementsCSV: String) throws(DomainError) {
        let regions = try CSV.records(regionsCSV).map { record throws(DomainError) in
            guard let code = record["REG"], let name = record["LIBELLE"], let tncc = record["TNCC"].flatMap(Int.init)
            else {
                throw DomainError.invalidCSV(line: 0, reason: "colonnes REG, TNCC, LIBELLE attendues")
            }
            return Region(code: code, name: name, articleType: tncc)
        }
        let departements = try CSV.records(departementsCSV).map { record throws(DomainError) in
            guard let code = record["DEP"], let region = record["REG"], let name = record["LIBELLE"],
                let tncc = record["TNCC"].flatMap(Int.init)
            else {
                throw DomainError.invalidCSV(line: 0, reason: "colonnes DEP, REG, TNCC, LIBELLE attendues")
            }
            return Departement(code: code, name: name, regionCode: region, articleType: tncc)
        }
        self.init(regions: regions, departements: departements)
    }

    /// The part of the catalogue a call of this scope funds: everything for a national call, the
    /// region and its départements for a regional one, the département alone for a
    /// départemental one. What a dossier's territory field offers and accepts.
    public func within(_ scope: CallScope) -> TerritoryCatalog {
        switch scope {
        case .national:
            return self
        case .region(let code):
            return TerritoryCatalog(
                regions: regions.filter { $0.code == code }, departements: departements.filter { $0.regionCode == code }
            )
        case .departement(let code):
            return TerritoryCatalog(regions: [], departements: departements.filter { $0.code == code })
        }
    }

    private init(regions: [Region], departements: [Departement]) {
        self.regions = regions
        self.departements = departements
        self.regionsByCode = Dictionary(regions.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        self.departementsByCode = Dictionary(departements.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The region with this INSEE code.
    /// - Throws: ``DomainError/unknownTerritory(_:)``.
    public func region(_ code: String) throws(DomainError) -> Region {
        guard let region = regionsByCode[code] else { throw .unknownTerritory(code) }
        return region
    }

    /// The département with this INSEE code.
    /// - Throws: ``DomainError/unknownTerritory(_:)``.
    public func departement(_ code: String) throws(DomainError) -> Departement {
        guard let departement = departementsByCode[code] else { throw .unknownTerritory(code) }
        return departement
    }

    /// The départements of a region, in INSEE code order.
    public func departements(in regionCode: String) -> [Departement] {
        departements.filter { $0.regionCode == regionCode }
    }

    /// The region a scope draws its envelope from: `nil` for a national scope.
    public func region(of scope: Scope) throws(DomainError) -> Region? {
        switch scope {
        case .national: return nil
        case .regional(let code): return try region(code)
        case .departemental(let code): return try region(departement(code).regionCode)
        }
    }

    /// Checks a scope against the catalogue and the call's rules.
    ///
    /// - Throws: ``DomainError/unknownTerritory(_:)`` for a code INSEE does not know;
    ///   ``DomainError/invalidScope(_:)`` for a national scope covering fewer than two regions.
    public func validate(_ scope: Scope) throws(DomainError) {
        switch scope {
        case .national(let regions):
            for code in regions { _ = try region(code) }
            guard Set(regions).count >= 2 else {
                throw .invalidScope("un projet national doit couvrir au moins deux régions.")
            }
        case .regional(let code):
            _ = try region(code)
        case .departemental(let code):
            _ = try departement(code)
        }
    }

    /// Builds and checks a scope from its stored form (kind + territory code + covered regions).
    public func scope(kind: String, territory: String, regions: [String] = []) throws(DomainError) -> Scope {
        let scope: Scope
        switch kind {
        case "national": scope = .national(regions: regions)
        case "regional": scope = .regional(region: territory)
        case "departemental": scope = .departemental(departement: territory)
        default: throw .invalidScope("portée « \(kind) » inconnue (national, regional ou departemental).")
        }
        try validate(scope)
        return scope
    }
}
