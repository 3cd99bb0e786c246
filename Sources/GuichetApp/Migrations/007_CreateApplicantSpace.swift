import Fluent

/// What applicants need: organisation members and invitations, the call's region and versioned
/// dossier forms, dossier answers and receipts, attachments.
struct CreateApplicantSpace: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            for column in ["address", "postcode", "city"] {
                try await database.schema(OrganisationModel.schema).field(FieldKey(stringLiteral: column), .string)
                    .update()
            }
            try await database.schema(OrganisationMemberModel.schema)
                .id()
                .field(
                    "organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id", onDelete: .cascade)
                )
                .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
                .field("created_at", .datetime)
                .unique(on: "organisation_id", "user_id")
                .create()
            try await Indexes.create(
                "organisation_members_user", on: OrganisationMemberModel.schema, ["user_id"], database)
            try await database.schema(OrganisationInvitationModel.schema)
                .id()
                .field(
                    "organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id", onDelete: .cascade)
                )
                .field("email", .string, .required)
                .field("token_hash", .string, .required)
                .field("invited_by", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
                .field("expires_at", .datetime, .required)
                .field("accepted_at", .datetime)
                .field("created_at", .datetime)
                .unique(on: "token_hash")
                .create()
            // One organisation per SIRET and per RNA number, even when two people register it at the
            // same moment (NULLs, the demo's unidentified carriers, do not collide).
            try await Indexes.create(
                "organisations_siret", on: OrganisationModel.schema, ["siret"], unique: true, database)
            try await Indexes.create("organisations_rna", on: OrganisationModel.schema, ["rna"], unique: true, database)

            try await database.schema(CallModel.schema).field("region_code", .string).update()
            try await database.schema(CallModel.schema).field("receipt_counter", .int, .required, .sql(.default(0)))
                .update()
            try await database.schema(CallFormModel.schema)
                .id()
                .field("call_id", .uuid, .required, .references(CallModel.schema, "id", onDelete: .cascade))
                .field("version", .int, .required)
                .field("definition", .string, .required)
                .field("created_at", .datetime)
                .unique(on: "call_id", "version")
                .create()

            // SQLite adds one column per ALTER TABLE.
            try await database.schema(DossierModel.schema).field("form_version", .int).update()
            try await database.schema(DossierModel.schema).field("answers", .string).update()
            try await database.schema(DossierModel.schema).field("created_by", .uuid).update()
            try await database.schema(DossierModel.schema).field("receipt_digest", .string).update()
            try await database.schema(AttachmentModel.schema)
                .id()
                .field("dossier_id", .uuid, .required, .references(DossierModel.schema, "id", onDelete: .cascade))
                .field("field_key", .string, .required)
                .field("file_name", .string, .required)
                .field("kind", .string, .required)
                .field("size_bytes", .int64, .required)
                .field("sha256", .string, .required)
                .field("scan_status", .string, .required)
                .field("uploaded_by", .uuid, .required)
                .field("created_at", .datetime)
                .create()
            try await Indexes.create(
                "attachments_dossier", on: AttachmentModel.schema, ["dossier_id", "field_key"], database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AttachmentModel.schema).delete()
        for column in ["form_version", "answers", "created_by", "receipt_digest"] {
            try await database.schema(DossierModel.schema).deleteField(FieldKey(stringLiteral: column)).update()
        }
        try await database.schema(CallFormModel.schema).delete()
        try await database.schema(CallModel.schema).deleteField("region_code").update()
        try await database.schema(CallModel.schema).deleteField("receipt_counter").update()
        try await database.schema(OrganisationInvitationModel.schema).delete()
        try await database.schema(OrganisationMemberModel.schema).delete()
        for column in ["address", "postcode", "city"] {
            try await database.schema(OrganisationModel.schema).deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}
