import Fluent
import Foundation
import GuichetDomain

/// A project dossier (`dossiers`). Its status changes only through ``DossierService``.
final class DossierModel: Model, @unchecked Sendable {
    static let schema = "dossiers"

    @ID(key: .id) var id: UUID?
    @Parent(key: "call_id") var call: CallModel
    @Parent(key: "organisation_id") var organisation: OrganisationModel
    @OptionalField(key: "number") var number: String?
    @Field(key: "title") var title: String
    @Field(key: "summary") var summary: String
    @Field(key: "theme_code") var themeCode: String
    /// `national`, `regional` or `departemental`.
    @Field(key: "scope_kind") var scopeKind: String
    /// `FR`, a region or a département INSEE code, read with ``scopeKind``.
    @Field(key: "territory_code") var territoryCode: String
    /// Regions covered by a national dossier, comma-separated.
    @Field(key: "scope_regions") var scopeRegions: String
    @Field(key: "requested_cents") var requestedCents: Int64
    @OptionalField(key: "total_budget_cents") var totalBudgetCents: Int64?
    @Field(key: "status") var status: String
    @OptionalField(key: "filed_at") var filedAt: Date?
    @Field(key: "simulated") var simulated: Bool
    /// The form version the answers follow (set at creation, kept at filing).
    @OptionalField(key: "form_version") var formVersion: Int?
    /// The answers, as the form's JSON map of field values.
    @OptionalField(key: "answers") var answers: String?
    /// The user who created the dossier.
    @OptionalField(key: "created_by") var createdBy: UUID?
    /// SHA-256 of what was filed (the receipt's digest).
    @OptionalField(key: "receipt_digest") var receiptDigest: String?
    /// The instructor group the dossier is routed to (a stored ``GuichetDomain/StaffScope``).
    @OptionalField(key: "instructor_group") var instructorGroup: String?
    /// The envelope the scope draws on (`FR` or a region's code), set on every save.
    @OptionalField(key: "draw_code") var drawCode: String?
    /// The instructor who has taken the dossier.
    @OptionalField(key: "assignee_id") var assigneeID: UUID?
    /// A pending request for correction: its message and due day.
    @OptionalField(key: "correction_due_on") var correctionDueOn: Date?
    @OptionalField(key: "correction_message") var correctionMessage: String?
    /// When the reminder of the pending correction was sent.
    @OptionalField(key: "correction_reminded_at") var correctionRemindedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [
            $id, $call, $organisation, $number, $title, $summary, $themeCode, $scopeKind, $territoryCode, $scopeRegions,
            $requestedCents, $totalBudgetCents, $status, $filedAt, $simulated, $formVersion, $answers, $createdBy,
            $receiptDigest, $instructorGroup, $drawCode, $assigneeID, $correctionDueOn, $correctionMessage,
            $correctionRemindedAt, $createdAt, $updatedAt,
        ]
    }

    init() {}
}

/// A committee decision on a dossier in a wave (`decisions`), one per dossier and wave.
final class DecisionModel: Model, @unchecked Sendable {
    static let schema = "decisions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "dossier_id") var dossier: DossierModel
    @Parent(key: "wave_id") var wave: WaveModel
    /// `retained`, `waiting_list` or `rejected`.
    @Field(key: "outcome") var outcome: String
    @Field(key: "granted_cents") var grantedCents: Int64
    @OptionalField(key: "motive") var motive: String?
    @Field(key: "decided_at") var decidedAt: Date
    @Field(key: "decided_by") var decidedBy: String
    @Field(key: "simulated") var simulated: Bool

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [$id, $dossier, $wave, $outcome, $grantedCents, $motive, $decidedAt, $decidedBy, $simulated]
    }

    init() {}
}

/// One line of the append-only audit log (`audit_entries`). Guichet never updates or deletes
/// these rows; the model offers no path to do so.
final class AuditEntryModel: Model, @unchecked Sendable {
    static let schema = "audit_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "actor_role") var actorRole: String
    @Field(key: "action") var action: String
    @Field(key: "entity_type") var entityType: String
    @Field(key: "entity_id") var entityID: UUID
    @OptionalField(key: "from_state") var fromState: String?
    @OptionalField(key: "to_state") var toState: String?
    @OptionalField(key: "reason") var reason: String?
    /// The chain the entry is sealed in (`call:<id>`, or `general`), its place, the previous
    /// entry's hash and its own (``GuichetDomain/AuditChain``).
    @OptionalField(key: "chain_key") var chainKey: String?
    @OptionalField(key: "sequence") var sequence: Int?
    @OptionalField(key: "previous_hash") var previousHash: String?
    @OptionalField(key: "entry_hash") var entryHash: String?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [
            $id, $at, $actorID, $actorName, $actorRole, $action, $entityType, $entityID, $fromState, $toState, $reason,
            $chainKey, $sequence, $previousHash, $entryHash,
        ]
    }

    init() {}

    /// The entry as the domain reads it.
    var domain: AuditEntry {
        AuditEntry(
            at: at, actor: Agent(id: actorID, name: actorName, role: Role(rawValue: actorRole) ?? .system),
            action: action,
            entityType: entityType, entityID: entityID, from: fromState, to: toState, reason: reason)
    }

    init(_ entry: AuditEntry) {
        // Stored to the millisecond, as the chain's hash reads it, on both databases.
        self.at = Date(timeIntervalSince1970: (entry.at.timeIntervalSince1970 * 1000).rounded() / 1000)
        self.actorID = entry.actor.id
        self.actorName = entry.actor.name
        self.actorRole = entry.actor.role.rawValue
        self.action = entry.action
        self.entityType = entry.entityType
        self.entityID = entry.entityID
        self.fromState = entry.from
        self.toState = entry.to
        self.reason = entry.reason
    }
}
