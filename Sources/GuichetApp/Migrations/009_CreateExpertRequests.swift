import Fluent

/// Requests for an expert opinion (DRAAF, ARS…) on a dossier, and the call's theme → service map.
struct CreateExpertRequests: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            try await database.schema(ExpertRequestModel.schema)
                .id()
                .field("dossier_id", .uuid, .required, .references(DossierModel.schema, "id", onDelete: .cascade))
                .field("service", .string, .required)
                .field("question", .string, .required)
                .field("due_on", .datetime, .required)
                .field("requested_by", .uuid, .required, .references(UserModel.schema, "id", onDelete: .cascade))
                .field("status", .string, .required)
                .field("answer_kind", .string)
                .field("answer_text", .string)
                .field("answered_by", .uuid)
                .field("answered_at", .datetime)
                .field("revoked_at", .datetime)
                .field("reminded_at", .datetime)
                .field("created_at", .datetime)
                .create()
            try await Indexes.create(
                "expert_requests_service", on: ExpertRequestModel.schema, ["service", "status"], database)
            try await Indexes.create("expert_requests_dossier", on: ExpertRequestModel.schema, ["dossier_id"], database)
            try await database.schema(CallModel.schema).field("expert_services", .string).update()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CallModel.schema).deleteField("expert_services").update()
        try await Indexes.drop("expert_requests_service", database)
        try await Indexes.drop("expert_requests_dossier", database)
        try await database.schema(ExpertRequestModel.schema).delete()
    }
}
