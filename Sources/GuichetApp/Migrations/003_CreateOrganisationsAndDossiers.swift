import Fluent

/// Organisations and their dossiers, indexed for what results and queues query.
struct CreateOrganisationsAndDossiers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            try await database.schema(OrganisationModel.schema)
                .id()
                .field("name", .string, .required)
                .field("legal_form", .string, .required)
                .field("siret", .string)
                .field("rna", .string)
                .field("departement_code", .string)
                .field("simulated", .bool, .required)
                .field("created_at", .datetime)
                .create()
            try await database.schema(DossierModel.schema)
                .id()
                .field("call_id", .uuid, .required, .references(CallModel.schema, "id", onDelete: .cascade))
                .field("organisation_id", .uuid, .required, .references(OrganisationModel.schema, "id"))
                .field("number", .string)
                .field("title", .string, .required)
                .field("summary", .string, .required)
                .field("theme_code", .string, .required)
                .field("scope_kind", .string, .required)
                .field("territory_code", .string, .required)
                .field("scope_regions", .string, .required)
                .field("requested_cents", .int64, .required)
                .field("total_budget_cents", .int64)
                .field("status", .string, .required)
                .field("filed_at", .datetime)
                .field("simulated", .bool, .required)
                .field("created_at", .datetime)
                .field("updated_at", .datetime)
                .unique(on: "number")
                .create()
            try await Indexes.create("dossiers_call_status", on: DossierModel.schema, ["call_id", "status"], database)
            try await Indexes.create(
                "dossiers_call_territory", on: DossierModel.schema, ["call_id", "scope_kind", "territory_code"],
                database)
            try await Indexes.create("dossiers_organisation", on: DossierModel.schema, ["organisation_id"], database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DossierModel.schema).delete()
        try await database.schema(OrganisationModel.schema).delete()
    }
}
