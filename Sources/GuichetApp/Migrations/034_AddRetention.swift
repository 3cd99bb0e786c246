import Fluent
import Foundation

/// What retention needs (``RetentionService``): when an account last signed in (an account
/// unused for the retention period is anonymised), and when a person's data was removed from an
/// account or a dossier (an anonymised dossier keeps its figures, and `guichet verify` no longer
/// recomputes its receipt from answers that are gone).
///
/// Accounts existing before this migration count from their creation.
struct AddRetention: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UserModel.schema).field("last_login_at", .datetime).update()
        try await database.schema(UserModel.schema).field("anonymised_at", .datetime).update()
        try await database.schema(DossierModel.schema).field("anonymised_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DossierModel.schema).deleteField("anonymised_at").update()
        try await database.schema(UserModel.schema).deleteField("anonymised_at").update()
        try await database.schema(UserModel.schema).deleteField("last_login_at").update()
    }
}
