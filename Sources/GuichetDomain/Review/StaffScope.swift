import Foundation

/// Where a staff member works: the dossiers their role lets them see are those of this scope.
///
/// DDETS agents instruct the dossiers of their département, DREETS the region-wide ones, the
/// ministry the national ones; an expert service (DRAAF, ARS) sees only what is sent to it.
public enum StaffScope: Hashable, Sendable, Codable {
    case national
    case region(String)
    case departement(String)
    /// An expert service (`DRAAF`, `ARS`), limited to some themes (all when empty).
    case service(name: String, themes: [String])

    /// `national`, `region:32`, `departement:02`, `service:DRAAF:alimentation+insertion`.
    public var stored: String {
        switch self {
        case .national: "national"
        case .region(let code): "region:\(code)"
        case .departement(let code): "departement:\(code)"
        case .service(let name, let themes): "service:\(name):\(themes.joined(separator: "+"))"
        }
    }

    /// Reads the stored form, checking territory codes against the catalogue.
    /// - Throws: ``DomainError/unknownTerritory(_:)`` or ``DomainError/invalidScope(_:)``.
    public init(stored: String, territories: TerritoryCatalog = .france) throws(DomainError) {
        let parts = stored.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first, parts.count) {
        case ("national", 1): self = .national
        case ("region", 2):
            _ = try territories.region(parts[1])
            self = .region(parts[1])
        case ("departement", 2):
            _ = try territories.departement(parts[1])
            self = .departement(parts[1])
        case ("service", 2), ("service", 3):
            let name = parts[1].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else {
                throw .invalidScope("un service expert doit être nommé (exemple : service:DRAAF).")
            }
            let themes = parts.count == 3 ? parts[2].split(separator: "+").map(String.init) : []
            self = .service(name: name, themes: themes)
        default:
            throw .invalidScope(
                "« \(stored) » n'est pas un périmètre (national, region:32, departement:02 ou service:DRAAF:alimentation)."
            )
        }
    }

    /// Whether a dossier of this scope is routed to this staff scope for instruction.
    ///
    /// A départemental dossier goes to its département, a regional one to its region, a national
    /// one to the national level. A region's services also oversee its départements' dossiers
    /// (DREETS coordinates the DDETS), and the national level oversees everything.
    public func covers(_ dossierScope: Scope, territories: TerritoryCatalog = .france) -> Bool {
        switch (self, dossierScope) {
        case (.national, _): return true
        case (.region(let code), .regional(let region)): return code == region
        case (.region(let code), .departemental(let departement)):
            return (try? territories.departement(departement).regionCode) == code
        case (.departement(let code), .departemental(let departement)): return code == departement
        default: return false
        }
    }
}

/// Which instructor group a dossier is routed to: its département's, its region's, or the
/// national one.
public enum Routing {
    public static func group(for scope: Scope) -> StaffScope {
        switch scope {
        case .national: .national
        case .regional(let region): .region(region)
        case .departemental(let departement): .departement(departement)
        }
    }
}
