import Foundation

/// A staff member's declared link to an organisation, by its identifiers.
public struct DeclaredLink: Hashable, Sendable {
    public let siret: String?
    public let rna: String?

    public init(siret: String?, rna: String?) {
        self.siret = siret
        self.rna = rna
    }
}

/// The conflict-of-interest rule: a person linked to an organisation neither is assigned to, nor
/// scores, nor gives an opinion on, nor sees others' scores of that organisation's dossiers.
public enum ConflictOfInterest {
    /// Whether any declared link names the organisation (same SIRET, same SIREN — another
    /// establishment of the same body —, or same RNA number).
    public static func isConflicted(links: [DeclaredLink], organisationSiret: String?, organisationRNA: String?) -> Bool
    {
        links.contains { link in
            if let a = link.siret, let b = organisationSiret, a == b || a.prefix(9) == b.prefix(9) { return true }
            if let a = link.rna, let b = organisationRNA, a == b { return true }
            return false
        }
    }

    /// Throws when the person is conflicted, naming the action refused.
    /// - Throws: ``DomainError/conflictOfInterest(action:)``.
    public static func check(
        _ action: String, links: [DeclaredLink], organisationSiret: String?,
        organisationRNA: String?
    ) throws(DomainError) {
        if isConflicted(links: links, organisationSiret: organisationSiret, organisationRNA: organisationRNA) {
            throw .conflictOfInterest(action: action)
        }
    }
}
