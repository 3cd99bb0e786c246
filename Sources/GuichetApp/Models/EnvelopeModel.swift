import Fluent
import Foundation

/// A budget envelope of a call (`envelopes`); its amounts live in its revisions.
final class EnvelopeModel: Model, @unchecked Sendable {
    static let schema = "envelopes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "call_id") var call: CallModel
    @OptionalParent(key: "parent_id") var parent: EnvelopeModel?
    /// Stable within the call (`plan`, `hdf`): how its definition names it.
    @Field(key: "key") var key: String
    @Field(key: "label") var label: String
    /// `FR` for the national envelope, a region's INSEE code, or `nil` for a pool.
    @OptionalField(key: "draw_code") var drawCode: String?
    @Field(key: "owner_name") var ownerName: String
    @OptionalField(key: "owner_siret") var ownerSiret: String?
    @Field(key: "position") var position: Int
    @Children(for: \.$envelope) var revisions: [EnvelopeRevisionModel]

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [$id, $call, $parent, $key, $label, $drawCode, $ownerName, $ownerSiret, $position, $revisions]
    }

    init() {}

    init(
        id: UUID? = nil, callID: UUID, parentID: UUID?, key: String, label: String, drawCode: String?,
        ownerName: String, ownerSiret: String?, position: Int
    ) {
        self.id = id
        self.key = key
        self.$call.id = callID
        self.$parent.id = parentID
        self.label = label
        self.drawCode = drawCode
        self.ownerName = ownerName
        self.ownerSiret = ownerSiret
        self.position = position
    }
}

/// A dated amount of an envelope with its reason (`envelope_revisions`); never updated.
final class EnvelopeRevisionModel: Model, @unchecked Sendable {
    static let schema = "envelope_revisions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "envelope_id") var envelope: EnvelopeModel
    @Field(key: "amount_cents") var amountCents: Int64
    @Field(key: "effective_on") var effectiveOn: Date
    @Field(key: "reason") var reason: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $envelope, $amountCents, $effectiveOn, $reason, $createdAt] }

    init() {}

    init(envelopeID: UUID, amountCents: Int64, effectiveOn: Date, reason: String) {
        self.$envelope.id = envelopeID
        self.amountCents = amountCents
        self.effectiveOn = effectiveOn
        self.reason = reason
    }
}
