import Fluent

/// `staff_scopes_scope`: who holds a scope, for the people who may instruct a dossier (the
/// scopes covering it) and the experts of a service, without reading every staff member.
struct AddStaffScopeIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await Indexes.create("staff_scopes_scope", on: StaffScopeModel.schema, ["scope", "user_id"], database)
    }

    func revert(on database: any Database) async throws {
        try await Indexes.drop("staff_scopes_scope", database)
    }
}
