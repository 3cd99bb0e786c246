import Foundation

/// Where a call stands for its authors: written, then published, then archived.
///
/// Only drafts are invisible to the public. A published call's page is public at once; filing
/// opens on its opening day and closes at its deadline (``CallPhase``); archiving puts a closed
/// call away (its results stay public at their address).
public enum CallStatus: String, Sendable, Codable, CaseIterable {
    case draft
    case published
    case archived

    /// How the status reads in French.
    public var label: String {
        switch self {
        case .draft: "brouillon"
        case .published: "publié"
        case .archived: "archivé"
        }
    }

    /// The status after publishing.
    /// - Throws: ``DomainError/invalidCallDefinition(issues:)`` when the call is not a draft.
    public func publishing() throws(DomainError) -> CallStatus {
        guard self == .draft else {
            throw .invalidCallDefinition(issues: [
                CallDefinitionIssue("", "l'appel est déjà \(label) : seul un brouillon se publie.")
            ])
        }
        return .published
    }

    /// The status after archiving: only a published call whose deadline has passed.
    /// - Throws: ``DomainError/invalidCallDefinition(issues:)`` otherwise.
    public func archiving(closesAt: Date, now: Date) throws(DomainError) -> CallStatus {
        guard self == .published else {
            throw .invalidCallDefinition(issues: [
                CallDefinitionIssue("", "seul un appel publié s'archive (celui-ci est \(label)).")
            ])
        }
        guard now >= closesAt else {
            throw .invalidCallDefinition(issues: [
                CallDefinitionIssue(
                    "deadline", "l'appel reçoit encore des dossiers : il s'archive après sa date limite.")
            ])
        }
        return .archived
    }
}

/// Where a call stands for the public, at a given instant.
public enum CallPhase: String, Sendable, Codable, CaseIterable {
    /// Not public.
    case draft
    /// Published, filing not open yet.
    case upcoming
    /// Filing open.
    case open
    /// Deadline passed.
    case closed
    /// Put away by its administrators.
    case archived

    /// The phase of a call with this status and these dates at `now`.
    public init(status: CallStatus, opensAt: Date, closesAt: Date, now: Date) {
        switch status {
        case .draft: self = .draft
        case .archived: self = .archived
        case .published: self = now < opensAt ? .upcoming : (now < closesAt ? .open : .closed)
        }
    }

    /// How the phase reads in French.
    public var label: String {
        switch self {
        case .draft: "brouillon"
        case .upcoming: "à venir"
        case .open: "ouvert"
        case .closed: "clos"
        case .archived: "archivé"
        }
    }
}

/// Who may author which call.
public enum CallAuthoring {
    /// Checks that an administrator with these scopes may create or change a call of this scope:
    /// the national level any call; a region its own calls and its départements'; a département
    /// its own.
    /// - Throws: ``DomainError/outsideScope(action:territory:)`` naming the call's territory.
    public static func checkMayAuthor(
        _ scope: CallScope, role: Role, scopes: [StaffScope],
        territories: TerritoryCatalog = .france
    ) throws(DomainError) {
        guard role == .administrator else {
            throw .actorNotAllowed(action: "administrer un appel à projets", role: role)
        }
        let allowed = scopes.contains { staff in
            switch (staff, scope) {
            case (.national, _): true
            case (.region(let code), .region(let region)): code == region
            case (.region(let code), .departement(let departement)):
                (try? territories.departement(departement).regionCode) == code
            case (.departement(let code), .departement(let departement)): code == departement
            default: false
            }
        }
        guard allowed else {
            throw .outsideScope(action: "administrer cet appel à projets", territory: territoryName(scope, territories))
        }
    }

    /// Whether an administrator with these scopes may author a call of this scope.
    public static func mayAuthor(_ scope: CallScope, role: Role, scopes: [StaffScope]) -> Bool {
        (try? checkMayAuthor(scope, role: role, scopes: scopes)) != nil
    }

    static func territoryName(_ scope: CallScope, _ territories: TerritoryCatalog) -> String {
        switch scope {
        case .national: "niveau national"
        case .region: "la région \(scope.name(territories: territories))"
        case .departement: "le département \(scope.name(territories: territories))"
        }
    }
}
