import Foundation

extension StaffScope {
    /// Whether this scope includes `other`: the national level includes everything, a region
    /// itself and its départements, a département itself. Expert services are national matters
    /// (only the national level includes them).
    public func encloses(_ other: StaffScope, territories: TerritoryCatalog = .france) -> Bool {
        switch (self, other) {
        case (.national, _): return true
        case (.region(let code), .region(let other)): return code == other
        case (.region(let code), .departement(let departement)):
            return (try? territories.departement(departement).regionCode) == code
        case (.departement(let code), .departement(let other)): return code == other
        default: return false
        }
    }
}

/// Who may manage which staff accounts.
///
/// In the seed, the ministry administers the whole call and the DREETS its region: a regional
/// administrator manages the people working inside the region (its DDETS and itself), never a
/// national one nor an expert service, and cannot grant more than it holds.
public enum StaffAdministration {
    /// Whether an administrator with `adminScopes` manages a person with `personScopes`. A person
    /// without any scope is managed at the national level only; committee roles, like every staff
    /// role, carry the territory they sit for, so a region grants them only inside the region.
    public static func canManage(adminScopes: [StaffScope], personScopes: [StaffScope]) -> Bool {
        if adminScopes.contains(.national) { return true }
        guard !personScopes.isEmpty else { return false }
        return personScopes.allSatisfy { scope in adminScopes.contains { $0.encloses(scope) } }
    }

    /// Checks that an administrator may grant these scopes.
    /// - Throws: ``DomainError/invalidForm(errors:)`` on `scope`.
    public static func checkCanGrant(adminScopes: [StaffScope], granted: [StaffScope]) throws(DomainError) {
        guard canManage(adminScopes: adminScopes, personScopes: granted) else {
            throw .invalidForm(errors: ["scope": "Vous ne pouvez attribuer que des périmètres compris dans le vôtre."])
        }
    }

    /// Checks that an administrator does not close their own account (someone must stay able to
    /// manage the others).
    /// - Throws: ``DomainError/invalidForm(errors:)`` on `account`.
    public static func checkCanClose(adminID: UUID, personID: UUID) throws(DomainError) {
        guard adminID != personID else {
            throw .invalidForm(errors: [
                "account": "Vous ne pouvez pas fermer votre propre compte : demandez-le à un autre administrateur."
            ])
        }
    }
}
