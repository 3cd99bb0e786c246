import Fluent
import Foundation
import GuichetDomain

/// A committee session (`committee_sessions`): the dossiers of its scope are decided into its wave.
final class CommitteeSessionModel: Model, @unchecked Sendable {
    static let schema = "committee_sessions"

    enum Status: String {
        /// Decisions are being prepared.
        case open
        /// The staged decisions were applied as the wave's decisions: the session is closed.
        case applied
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "call_id") var call: CallModel
    @Parent(key: "wave_id") var wave: WaveModel
    @Field(key: "title") var title: String
    @Field(key: "held_on") var heldOn: Date
    /// A ``GuichetDomain/StaffScope`` stored form: the dossiers the session decides.
    @Field(key: "scope") var scope: String
    @Field(key: "quorum") var quorum: Int
    @Field(key: "status") var status: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "applied_at") var appliedAt: Date?
    @OptionalField(key: "applied_by") var appliedBy: UUID?
    @Children(for: \.$session) var members: [CommitteeMemberModel]

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [
            $id, $call, $wave, $title, $heldOn, $scope, $quorum, $status, $createdBy, $createdAt, $appliedAt,
            $appliedBy, $members,
        ]
    }

    init() {}

    var isOpen: Bool { status == Status.open.rawValue }
}

/// A member of a session (`committee_members`), chair or not, present or not.
final class CommitteeMemberModel: Model, @unchecked Sendable {
    static let schema = "committee_members"

    @ID(key: .id) var id: UUID?
    @Parent(key: "session_id") var session: CommitteeSessionModel
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "is_chair") var isChair: Bool
    @Field(key: "present") var present: Bool

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $session, $user, $isChair, $present] }

    init() {}
}

/// A decision prepared in a session (`staged_decisions`), applied with the session's wave.
final class StagedDecisionModel: Model, @unchecked Sendable {
    static let schema = "staged_decisions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "session_id") var session: CommitteeSessionModel
    @Parent(key: "dossier_id") var dossier: DossierModel
    /// `retained`, `waiting_list` or `rejected`.
    @Field(key: "outcome") var outcome: String
    @Field(key: "granted_cents") var grantedCents: Int64
    @OptionalField(key: "motive") var motive: String?
    @Field(key: "staged_by") var stagedBy: UUID
    @Field(key: "staged_at") var stagedAt: Date
    /// Once the session is applied: the decision's place in its ranking and its envelope's
    /// running total there (``FreezeAppliedBoards``); written by the database only.
    @OptionalField(key: "board_rank") var boardRank: Int?
    @OptionalField(key: "board_total") var boardTotal: Int64?
    /// Once the session is applied: the dossier's columns the board filters on, as they were then
    /// (``FreezeBoardFilters``); written by the database only.
    @OptionalField(key: "draw_code") var frozenDrawCode: String?
    @OptionalField(key: "scope_kind") var frozenScopeKind: String?
    @OptionalField(key: "territory_code") var frozenTerritoryCode: String?
    @OptionalField(key: "theme_code") var frozenThemeCode: String?
    @OptionalField(key: "instructor_group") var frozenInstructorGroup: String?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [
            $id, $session, $dossier, $outcome, $grantedCents, $motive, $stagedBy, $stagedAt, $boardRank, $boardTotal,
            $frozenDrawCode, $frozenScopeKind, $frozenTerritoryCode, $frozenThemeCode, $frozenInstructorGroup,
        ]
    }

    init() {}

    /// The domain's outcome.
    func domainOutcome() throws -> DecisionOutcome {
        switch outcome {
        case "retained": return .retained(amount: try Money(cents: grantedCents))
        case "waiting_list": return .waitingList
        default: return .rejected(motive: motive ?? "")
        }
    }
}
