import Fluent
import Foundation

/// A user who represents an organisation (`organisation_members`).
final class OrganisationMemberModel: Model, @unchecked Sendable {
    static let schema = "organisation_members"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organisation_id") var organisation: OrganisationModel
    @Parent(key: "user_id") var user: UserModel
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $organisation, $user, $createdAt] }

    init() {}

    init(organisationID: UUID, userID: UUID) {
        self.$organisation.id = organisationID
        self.$user.id = userID
    }
}

/// An invitation to represent an organisation, sent by email (`organisation_invitations`).
final class OrganisationInvitationModel: Model, @unchecked Sendable {
    static let schema = "organisation_invitations"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organisation_id") var organisation: OrganisationModel
    @Field(key: "email") var email: String
    @Field(key: "token_hash") var tokenHash: String
    @Parent(key: "invited_by") var invitedBy: UserModel
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [$id, $organisation, $email, $tokenHash, $invitedBy, $expiresAt, $acceptedAt, $createdAt]
    }

    init() {}
}

/// A version of a call's dossier form (`call_forms`): the definition as JSON. Versions are
/// never changed; each dossier keeps the version it was filed with.
final class CallFormModel: Model, @unchecked Sendable {
    static let schema = "call_forms"

    @ID(key: .id) var id: UUID?
    @Parent(key: "call_id") var call: CallModel
    @Field(key: "version") var version: Int
    @Field(key: "definition") var definition: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $call, $version, $definition, $createdAt] }

    init() {}

    init(callID: UUID, version: Int, definition: String) {
        self.$call.id = callID
        self.version = version
        self.definition = definition
    }
}

/// A file attached to a dossier (`attachments`); the bytes live on disk under their SHA-256.
final class AttachmentModel: Model, @unchecked Sendable {
    static let schema = "attachments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "dossier_id") var dossier: DossierModel
    /// The form field the file answers.
    @Field(key: "field_key") var fieldKey: String
    @Field(key: "file_name") var fileName: String
    /// A ``GuichetDomain/FileKind`` raw value, detected from the content.
    @Field(key: "kind") var kind: String
    @Field(key: "size_bytes") var sizeBytes: Int64
    @Field(key: "sha256") var sha256: String
    /// `clean`, `infected` (quarantined) or `not_scanned` (no scanner installed).
    @Field(key: "scan_status") var scanStatus: String
    @Field(key: "uploaded_by") var uploadedBy: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [$id, $dossier, $fieldKey, $fileName, $kind, $sizeBytes, $sha256, $scanStatus, $uploadedBy, $createdAt]
    }

    init() {}
}
