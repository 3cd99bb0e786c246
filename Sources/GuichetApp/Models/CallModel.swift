import Fluent
import Foundation
import GuichetDomain

/// A call for projects (`calls`).
final class CallModel: Model, @unchecked Sendable {
    static let schema = "calls"

    @ID(key: .id) var id: UUID?
    /// Stable short name used in URLs (`hdf-2021`).
    @Field(key: "reference") var reference: String
    @Field(key: "title") var title: String
    @Field(key: "programme") var programme: String
    @Field(key: "description") var description: String
    @Field(key: "opens_at") var opensAt: Date
    /// First instant at which filing is refused (end of the deadline day, Europe/Paris).
    @Field(key: "closes_at") var closesAt: Date
    /// Prefix of receipt numbers (`HDF-2021`).
    @Field(key: "receipt_prefix") var receiptPrefix: String
    /// INSEE codes in the order results list them, comma-separated.
    @Field(key: "territory_order") var territoryOrder: String
    @Field(key: "simulated") var simulated: Bool
    /// The region a regional call is limited to (`32`); `nil` for a national call.
    @OptionalField(key: "region_code") var regionCode: String?
    /// The last receipt sequence given; incremented atomically at each filing.
    @Field(key: "receipt_counter") var receiptCounter: Int
    /// The scoring grid as JSON (``GuichetDomain/ScoringGrid``); `nil` until the call defines one.
    @OptionalField(key: "scoring_grid") var scoringGrid: String?
    /// Which expert service to propose for which theme, as JSON (`{"alimentation": "DRAAF"}`).
    @OptionalField(key: "expert_services") var expertServices: String?
    /// `draft`, `published` or `archived` (``GuichetDomain/CallStatus``).
    @Field(key: "status") var status: String
    /// `national`, `region:32` or `departement:02` (``GuichetDomain/CallScope``).
    @Field(key: "scope") var scope: String
    /// Who may apply, as the public page states it (one statement a line).
    @Field(key: "eligibility") var eligibility: String
    /// The default committee as JSON (``GuichetDomain/CallDefinition/CommitteeSpec``).
    @OptionalField(key: "committee") var committee: String?
    /// The call definition's `grants` section as JSON (``GuichetDomain/GrantTerms``); `nil` when
    /// the call follows the law's defaults.
    @OptionalField(key: "grant_terms") var grantTerms: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    /// Raised by the database at every change of the call's themes, objectives or waves
    /// (``AddCallRevision``); never written by Guichet. Nil on a model not read back, and on a
    /// call whose lists never changed since its creation.
    @OptionalField(key: "revision") var revision: Int?
    /// Raised by the database at every change to what the call's envelope ledger sums
    /// (``AddLedgerRevision``, ``LedgerParts``).
    @OptionalField(key: "ledger_revision") var ledgerRevision: Int?

    @Children(for: \.$call) var themes: [ThemeModel]
    @Children(for: \.$call) var objectives: [ObjectiveModel]
    @Children(for: \.$call) var waves: [WaveModel]

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [
            $id, $reference, $title, $programme, $description, $opensAt, $closesAt, $receiptPrefix, $territoryOrder,
            $simulated, $regionCode, $receiptCounter, $scoringGrid, $expertServices, $status, $scope, $eligibility,
            $committee, $grantTerms, $createdAt, $updatedAt, $revision, $ledgerRevision, $themes, $objectives, $waves,
        ]
    }

    init() {}

    init(
        id: UUID? = nil, reference: String, title: String, programme: String, description: String,
        opensAt: Date, closesAt: Date, receiptPrefix: String, territoryOrder: [String], simulated: Bool
    ) {
        self.id = id
        self.reference = reference
        self.title = title
        self.programme = programme
        self.description = description
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.receiptPrefix = receiptPrefix
        self.territoryOrder = territoryOrder.joined(separator: ",")
        self.simulated = simulated
        self.receiptCounter = 0
        self.status = CallStatus.draft.rawValue
        self.scope = CallScope.national.stored
        self.eligibility = ""
    }

    /// The stored status, read as the domain's.
    var callStatus: CallStatus { CallStatus(rawValue: status) ?? .draft }

    /// The stored scope, read as the domain's (national when unreadable).
    var callScope: CallScope { CallScope(stored: scope) ?? .national }

    /// The last moment dossiers are accepted, as pages show it (the domain's rule).
    var deadlineDay: Date { Call.deadlineDay(closingAt: closesAt) }
}

/// A theme of a call (`themes`).
final class ThemeModel: Model, @unchecked Sendable {
    static let schema = "themes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "call_id") var call: CallModel
    @Field(key: "code") var code: String
    @Field(key: "label") var label: String
    @Field(key: "position") var position: Int

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $call, $code, $label, $position] }

    init() {}

    init(callID: UUID, code: String, label: String, position: Int) {
        self.$call.id = callID
        self.code = code
        self.label = label
        self.position = position
    }
}

/// An objective of a call (`objectives`).
final class ObjectiveModel: Model, @unchecked Sendable {
    static let schema = "objectives"

    @ID(key: .id) var id: UUID?
    @Parent(key: "call_id") var call: CallModel
    @Field(key: "code") var code: String
    @Field(key: "label") var label: String
    @Field(key: "position") var position: Int

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $call, $code, $label, $position] }

    init() {}

    init(callID: UUID, code: String, label: String, position: Int) {
        self.$call.id = callID
        self.code = code
        self.label = label
        self.position = position
    }
}

/// A wave of decisions (`waves`).
final class WaveModel: Model, @unchecked Sendable {
    static let schema = "waves"

    @ID(key: .id) var id: UUID?
    @Parent(key: "call_id") var call: CallModel
    @Field(key: "number") var number: Int
    @Field(key: "label") var label: String
    @Field(key: "announced_on") var announcedOn: Date
    @OptionalField(key: "published_at") var publishedAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $call, $number, $label, $announcedOn, $publishedAt] }

    init() {}

    init(callID: UUID, number: Int, label: String, announcedOn: Date, publishedAt: Date?) {
        self.$call.id = callID
        self.number = number
        self.label = label
        self.announcedOn = announcedOn
        self.publishedAt = publishedAt
    }
}
