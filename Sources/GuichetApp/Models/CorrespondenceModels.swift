import Fluent
import Foundation

/// A message on a dossier (`dossier_messages`), written by the instruction or by the applicant.
final class DossierMessageModel: Model, @unchecked Sendable {
    static let schema = "dossier_messages"

    @ID(key: .id) var id: UUID?
    @Parent(key: "dossier_id") var dossier: DossierModel
    /// A ``GuichetDomain/Correspondence/Side`` raw value.
    @Field(key: "side") var side: String
    @Parent(key: "author_id") var author: UserModel
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date
    /// When the other side first opened the conversation after it (the applicant, for the
    /// instruction's messages); `nil` while unread.
    @OptionalField(key: "read_at") var readAt: Date?
    @Children(for: \.$message) var attachments: [MessageAttachmentModel]

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $dossier, $side, $author, $body, $createdAt, $readAt, $attachments] }

    init() {}
}

/// A file joined to a message (`message_attachments`), stored by SHA-256 like the dossier's.
final class MessageAttachmentModel: Model, @unchecked Sendable {
    static let schema = "message_attachments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "message_id") var message: DossierMessageModel
    @Field(key: "file_name") var fileName: String
    @Field(key: "kind") var kind: String
    @Field(key: "size_bytes") var sizeBytes: Int64
    @Field(key: "sha256") var sha256: String
    @Field(key: "scan_status") var scanStatus: String

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $message, $fileName, $kind, $sizeBytes, $sha256, $scanStatus] }

    init() {}
}

/// A label on a dossier (`dossier_labels`); `label_key` is the case-insensitive identity.
final class DossierLabelModel: Model, @unchecked Sendable {
    static let schema = "dossier_labels"

    @ID(key: .id) var id: UUID?
    @Parent(key: "dossier_id") var dossier: DossierModel
    @Field(key: "label") var label: String
    @Field(key: "label_key") var labelKey: String
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $dossier, $label, $labelKey, $createdBy, $createdAt] }

    init() {}
}

/// An internal note of the instruction on a dossier (`dossier_annotations`), never shown to the
/// applicant.
final class DossierAnnotationModel: Model, @unchecked Sendable {
    static let schema = "dossier_annotations"

    @ID(key: .id) var id: UUID?
    @Parent(key: "dossier_id") var dossier: DossierModel
    @Parent(key: "author_id") var author: UserModel
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $dossier, $author, $body, $createdAt] }

    init() {}
}
