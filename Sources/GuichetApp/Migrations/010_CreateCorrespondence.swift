import Fluent

/// Messages between the instruction and the applicant (with their files), the instruction's
/// labels and internal notes, and a flag to close a staff account without deleting its history.
struct CreateCorrespondence: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            try await database.schema(DossierMessageModel.schema)
                .id()
                .field("dossier_id", .uuid, .required, .references(DossierModel.schema, "id", onDelete: .cascade))
                .field("side", .string, .required)
                .field("author_id", .uuid, .required, .references(UserModel.schema, "id"))
                .field("body", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await Indexes.create(
                "dossier_messages_dossier", on: DossierMessageModel.schema, ["dossier_id", "created_at"], database)
            try await database.schema(MessageAttachmentModel.schema)
                .id()
                .field(
                    "message_id", .uuid, .required, .references(DossierMessageModel.schema, "id", onDelete: .cascade)
                )
                .field("file_name", .string, .required)
                .field("kind", .string, .required)
                .field("size_bytes", .int64, .required)
                .field("sha256", .string, .required)
                .field("scan_status", .string, .required)
                .create()
            try await Indexes.create(
                "message_attachments_message", on: MessageAttachmentModel.schema, ["message_id"], database)
            try await database.schema(DossierLabelModel.schema)
                .id()
                .field("dossier_id", .uuid, .required, .references(DossierModel.schema, "id", onDelete: .cascade))
                .field("label", .string, .required)
                .field("label_key", .string, .required)
                .field("created_by", .uuid, .required, .references(UserModel.schema, "id"))
                .field("created_at", .datetime, .required)
                .unique(on: "dossier_id", "label_key")
                .create()
            try await Indexes.create("dossier_labels_key", on: DossierLabelModel.schema, ["label_key"], database)
            try await database.schema(DossierAnnotationModel.schema)
                .id()
                .field("dossier_id", .uuid, .required, .references(DossierModel.schema, "id", onDelete: .cascade))
                .field("author_id", .uuid, .required, .references(UserModel.schema, "id"))
                .field("body", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await Indexes.create(
                "dossier_annotations_dossier", on: DossierAnnotationModel.schema, ["dossier_id"], database)
            try await database.schema(UserModel.schema).field("disabled_at", .datetime).update()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UserModel.schema).deleteField("disabled_at").update()
        for index in [
            "dossier_annotations_dossier", "dossier_labels_key", "message_attachments_message",
            "dossier_messages_dossier",
        ] {
            try await Indexes.drop(index, database)
        }
        try await database.schema(DossierAnnotationModel.schema).delete()
        try await database.schema(DossierLabelModel.schema).delete()
        try await database.schema(MessageAttachmentModel.schema).delete()
        try await database.schema(DossierMessageModel.schema).delete()
    }
}
