import Fluent
import Foundation

/// One scope of a staff member (`staff_scopes`): `departement:02`, `region:32`, `national`,
/// `service:DRAAF:alimentation` (see ``GuichetDomain/StaffScope``).
final class StaffScopeModel: Model, @unchecked Sendable {
    static let schema = "staff_scopes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "scope") var scope: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $user, $scope, $createdAt] }

    init() {}

    init(userID: UUID, scope: String) {
        self.$user.id = userID
        self.scope = scope
    }
}

/// An instruction opinion on a dossier (`opinions`): favourable, with reservations or
/// unfavourable, a proposed amount, a motive. Kept as a history: a new opinion adds a row.
final class OpinionModel: Model, @unchecked Sendable {
    static let schema = "opinions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "dossier_id") var dossier: DossierModel
    @Parent(key: "author_id") var author: UserModel
    /// An ``GuichetDomain/OpinionKind`` raw value.
    @Field(key: "kind") var kind: String
    @Field(key: "proposed_cents") var proposedCents: Int64
    @Field(key: "motive") var motive: String
    /// Invented by the demo.
    @Field(key: "simulated") var simulated: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [$id, $dossier, $author, $kind, $proposedCents, $motive, $simulated, $createdAt]
    }

    init() {}
}

/// A staff member's declared link to an organisation (`staff_links`), by SIRET or RNA: the
/// conflict-of-interest rule reads these.
final class StaffLinkModel: Model, @unchecked Sendable {
    static let schema = "staff_links"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @OptionalField(key: "siret") var siret: String?
    @OptionalField(key: "rna") var rna: String?
    /// What the link is, in the person's words ("membre du conseil d'administration").
    @Field(key: "description") var description: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $user, $siret, $rna, $description, $createdAt] }

    init() {}
}

/// One reviewer's marks on a dossier (`reviews`), one row per reviewer and dossier (a new
/// scoring replaces the reviewer's previous one; the audit log keeps the history).
final class ReviewModel: Model, @unchecked Sendable {
    static let schema = "reviews"

    @ID(key: .id) var id: UUID?
    @Parent(key: "dossier_id") var dossier: DossierModel
    @Parent(key: "reviewer_id") var reviewer: UserModel
    /// JSON object: criterion code → mark.
    @Field(key: "marks") var marks: String
    /// JSON object: criterion code → comment.
    @Field(key: "comments") var comments: String
    /// Weighted score out of 100, in hundredths.
    @Field(key: "score") var score: Int
    @Field(key: "simulated") var simulated: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [$id, $dossier, $reviewer, $marks, $comments, $score, $simulated, $createdAt, $updatedAt]
    }

    init() {}
}

/// A request for an expert service's advisory opinion on a dossier (`expert_requests`).
final class ExpertRequestModel: Model, @unchecked Sendable {
    static let schema = "expert_requests"

    enum Status: String {
        case pending, answered, revoked
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "dossier_id") var dossier: DossierModel
    /// The service asked (`DRAAF`, `ARS`): every expert of that service sees the request.
    @Field(key: "service") var service: String
    @Field(key: "question") var question: String
    @Field(key: "due_on") var dueOn: Date
    @Parent(key: "requested_by") var requestedBy: UserModel
    @Field(key: "status") var status: String
    /// An ``GuichetDomain/OpinionKind`` raw value.
    @OptionalField(key: "answer_kind") var answerKind: String?
    @OptionalField(key: "answer_text") var answerText: String?
    @OptionalField(key: "answered_by") var answeredBy: UUID?
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    /// When the experts were reminded of the due day.
    @OptionalField(key: "reminded_at") var remindedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [
            $id, $dossier, $service, $question, $dueOn, $requestedBy, $status, $answerKind, $answerText, $answeredBy,
            $answeredAt, $revokedAt, $remindedAt, $createdAt,
        ]
    }

    init() {}
}
