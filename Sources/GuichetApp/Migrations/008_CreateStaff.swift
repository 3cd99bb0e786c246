import Fluent

/// Staff scopes; each dossier's instructor group, assignee and pending correction request;
/// instruction opinions.
struct CreateStaff: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            try await database.schema(StaffScopeModel.schema)
                .id()
                .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
                .field("scope", .string, .required)
                .field("created_at", .datetime)
                .unique(on: "user_id", "scope")
                .create()
            try await database.schema(DossierModel.schema).field("instructor_group", .string).update()
            try await database.schema(DossierModel.schema).field("assignee_id", .uuid).update()
            try await Indexes.create(
                "dossiers_call_group", on: DossierModel.schema, ["call_id", "instructor_group"], database)
            try await database.schema(DossierModel.schema).field("correction_due_on", .datetime).update()
            try await database.schema(DossierModel.schema).field("correction_message", .string).update()
            try await database.schema(DossierModel.schema).field("correction_reminded_at", .datetime).update()
            try await database.schema(OpinionModel.schema)
                .id()
                .field("dossier_id", .uuid, .required, .references(DossierModel.schema, "id", onDelete: .cascade))
                .field("author_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
                .field("kind", .string, .required)
                .field("proposed_cents", .int64, .required)
                .field("motive", .string, .required)
                .field("simulated", .bool, .required, .sql(.default(false)))
                .field("created_at", .datetime)
                .create()
            try await Indexes.create("opinions_dossier", on: OpinionModel.schema, ["dossier_id"], database)
            try await database.schema(StaffLinkModel.schema)
                .id()
                .field("user_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
                .field("siret", .string)
                .field("rna", .string)
                .field("description", .string, .required)
                .field("created_at", .datetime)
                .create()
            try await Indexes.create("staff_links_user", on: StaffLinkModel.schema, ["user_id"], database)
            try await database.schema(CallModel.schema).field("scoring_grid", .string).update()
            try await database.schema(ReviewModel.schema)
                .id()
                .field("dossier_id", .uuid, .required, .references(DossierModel.schema, "id", onDelete: .cascade))
                .field("reviewer_id", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
                .field("marks", .string, .required)
                .field("comments", .string, .required)
                .field("score", .int, .required)
                .field("simulated", .bool, .required, .sql(.default(false)))
                .field("created_at", .datetime)
                .field("updated_at", .datetime)
                .unique(on: "dossier_id", "reviewer_id")
                .create()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ReviewModel.schema).delete()
        try await database.schema(CallModel.schema).deleteField("scoring_grid").update()
        try await database.schema(StaffLinkModel.schema).delete()
        try await database.schema(OpinionModel.schema).delete()
        try await database.schema(DossierModel.schema).deleteField("correction_reminded_at").update()
        try await database.schema(DossierModel.schema).deleteField("correction_message").update()
        try await database.schema(DossierModel.schema).deleteField("correction_due_on").update()
        try await Indexes.drop("dossiers_call_group", database)
        try await database.schema(DossierModel.schema).deleteField("assignee_id").update()
        try await database.schema(DossierModel.schema).deleteField("instructor_group").update()
        try await database.schema(StaffScopeModel.schema).delete()
    }
}
