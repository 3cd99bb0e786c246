import Foundation

/// One line of the append-only audit log: who did what, when, from which state to which, and why.
public struct AuditEntry: Sendable, Equatable {
    public let at: Date
    public let actor: Agent
    /// The action's stable code (`file`, `decide`, `revise_envelope`…).
    public let action: String
    /// The kind of thing acted on (`dossier`, `envelope`, `call`).
    public let entityType: String
    public let entityID: UUID
    public let from: String?
    public let to: String?
    public let reason: String?

    public init(
        at: Date, actor: Agent, action: String, entityType: String, entityID: UUID,
        from: String?, to: String?, reason: String?
    ) {
        self.at = at
        self.actor = actor
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.from = from
        self.to = to
        self.reason = reason
    }

    /// The entry recording a dossier's transition.
    public static func dossier(_ id: UUID, _ transition: DossierTransition, by actor: Agent, at: Date) -> AuditEntry {
        AuditEntry(
            at: at, actor: actor, action: transition.action, entityType: "dossier", entityID: id,
            from: transition.from.rawValue, to: transition.to.rawValue, reason: transition.reason)
    }
}
