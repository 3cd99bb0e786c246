import Fluent

/// Each running import job says it is alive (`heartbeat_at`, renewed every few seconds by the
/// instance that runs it), so that a job whose instance stopped mid-way is found and ended as
/// interrupted instead of staying `running` for ever.
struct AddImportJobHeartbeat: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ImportJobModel.schema).field("heartbeat_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ImportJobModel.schema).deleteField("heartbeat_at").update()
    }
}
