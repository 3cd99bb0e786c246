import Foundation

/// Where a committee may decide, and who may sit in it.
///
/// A committee decides money of a territory: its session covers a territory inside the call's
/// (a regional call's committee sits for the region or one of its départements), and everyone who
/// opens it, chairs it, sits in it or applies its decisions holds a scope that encloses the
/// session's — a committee of Île-de-France never decides on Hauts-de-France, whoever clicks.
public enum CommitteeTerritory {
    /// Checks that a session's scope is a territory inside the call's.
    /// - Throws: ``DomainError/invalidScope(_:)``.
    public static func checkSessionScope(
        _ scope: StaffScope, call: CallScope, territories: TerritoryCatalog = .france
    ) throws(DomainError) {
        let within: Bool
        switch (call, scope) {
        case (_, .service):
            throw .invalidScope(
                "une séance porte sur un territoire (national, region:32, departement:02), pas sur un service.")
        case (.national, _): within = true
        case (.region(let code), _): within = StaffScope.region(code).encloses(scope, territories: territories)
        case (.departement(let code), _):
            within = StaffScope.departement(code).encloses(scope, territories: territories)
        }
        guard within else {
            throw .invalidScope(
                "cet appel ne finance que \(call.name(territories: territories)) : la séance porte sur ce territoire ou l'une de ses parties."
            )
        }
    }

    /// Whether scopes enclose the session's territory.
    public static func covers(
        _ scopes: [StaffScope], session: StaffScope, territories: TerritoryCatalog = .france
    ) -> Bool {
        scopes.contains { $0.encloses(session, territories: territories) }
    }

    /// Checks that a person may act for a session of this territory.
    /// - Throws: ``DomainError/outsideScope(action:territory:)``.
    public static func checkMayAct(
        _ action: String, scopes: [StaffScope], session: StaffScope,
        territories: TerritoryCatalog = .france
    ) throws(DomainError) {
        guard covers(scopes, session: session, territories: territories) else {
            throw .outsideScope(action: action, territory: describe(session, territories))
        }
    }

    /// The next wave of a call may open once the latest one is published.
    /// - Throws: ``DomainError/invalidForm(errors:)`` on `wave`.
    public static func checkCanOpenNextWave(after waves: [Wave]) throws(DomainError) {
        guard let latest = waves.max(by: { $0.number < $1.number }) else { return }
        guard latest.isFrozen else {
            throw .invalidForm(errors: [
                "wave": "La vague \(latest.number) n'est pas encore publiée : publiez-la avant d'ouvrir la suivante."
            ])
        }
    }

    static func describe(_ scope: StaffScope, _ territories: TerritoryCatalog) -> String {
        switch scope {
        case .national: "niveau national"
        case .region(let code): "la région \((try? territories.region(code).name) ?? code)"
        case .departement(let code): "le département \((try? territories.departement(code).name) ?? code)"
        case .service(let name, _): "le service \(name)"
        }
    }
}
