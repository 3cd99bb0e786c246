import Fluent

/// Staff scopes, and each dossier's instructor group and assignee.
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
            try await Indexes.create("dossiers_call_group", on: DossierModel.schema, ["call_id", "instructor_group"], database)
        }
    }

    func revert(on database: any Database) async throws {
        try await Indexes.drop("dossiers_call_group", database)
        try await database.schema(DossierModel.schema).deleteField("assignee_id").update()
        try await database.schema(DossierModel.schema).deleteField("instructor_group").update()
        try await database.schema(StaffScopeModel.schema).delete()
    }
}
