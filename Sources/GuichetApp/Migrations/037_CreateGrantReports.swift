import Fluent
import SQLKit

/// The financial reports (`grant_reports`, issue 18): one per grant act (unique), its form frozen
/// with it (the form of the call in force when the report was started: a later version of the
/// call's form never changes what a report answered), its answers, where it stands, the amount
/// spent it states, the instructor's correction request and validation, and the two reminders
/// (before and after the due day), each claimed once by a conditional update.
struct CreateGrantReports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(GrantReportModel.schema)
            .id()
            .field("act_id", .uuid, .required, .references(GrantActModel.schema, "id", onDelete: .cascade))
            .field("dossier_id", .uuid, .required, .references(DossierModel.schema, "id", onDelete: .cascade))
            .field("call_id", .uuid, .required, .references(CallModel.schema, "id", onDelete: .cascade))
            .field("form", .string, .required)
            .field("answers", .string, .required)
            .field("status", .string, .required)
            .field("spent_cents", .int64)
            .field("filed_at", .datetime)
            .field("correction_message", .string)
            .field("correction_due_on", .datetime)
            .field("validated_at", .datetime)
            .field("validated_by", .string)
            .field("simulated", .bool, .required, .sql(.default(false)))
            .field("updated_at", .datetime)
            .unique(on: "act_id")
            .create()
        try await Indexes.create("grant_reports_call", on: GrantReportModel.schema, ["call_id", "status"], database)
        // Reminders are claimed on the act, which knows the due day for acts without a report too.
        try await database.schema(GrantActModel.schema).field("reminded_before_at", .datetime).update()
        try await database.schema(GrantActModel.schema).field("reminded_after_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(GrantActModel.schema).deleteField("reminded_after_at").update()
        try await database.schema(GrantActModel.schema).deleteField("reminded_before_at").update()
        try await Indexes.drop("grant_reports_call", database)
        try await database.schema(GrantReportModel.schema).delete()
    }
}
