import Foundation

/// What a person does in a call; each dossier action names the roles allowed to take it.
public enum Role: String, Sendable, Codable, CaseIterable {
    case applicant
    case instructor
    case expert
    case committeeMember = "committee_member"
    case committeeChair = "committee_chair"
    case administrator
    /// Guichet itself, acting for a loader (demo, import) under an administrator's command line;
    /// never given to a web session.
    case system

    /// The role's French name.
    public var label: String {
        switch self {
        case .applicant: "porteur de projet"
        case .instructor: "instructeur"
        case .expert: "expert"
        case .committeeMember: "membre du comité"
        case .committeeChair: "président du comité"
        case .administrator: "administrateur"
        case .system: "Guichet"
        }
    }
}

/// Who performs an action, as recorded in the audit log.
public struct Agent: Hashable, Sendable, Codable {
    public let id: UUID?
    public let name: String
    public let role: Role

    public init(id: UUID?, name: String, role: Role) {
        self.id = id
        self.name = name
        self.role = role
    }

    /// The loader acting for an administrator at the command line.
    public static func system(_ name: String = "Guichet") -> Agent { Agent(id: nil, name: name, role: .system) }
}
