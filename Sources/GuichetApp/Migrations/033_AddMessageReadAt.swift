import Fluent
import Foundation

/// When the other side first read a message: the applicant's space shows the instruction's
/// messages not read yet (a sign on the dossier and in the list), so that a question asked by
/// the instruction is not missed by an association that does not watch its mail.
///
/// Messages written before this migration count as read: nobody is told of old news.
struct AddMessageReadAt: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DossierMessageModel.schema).field("read_at", .datetime).update()
        try await DossierMessageModel.query(on: database).set(\.$readAt, to: Date()).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DossierMessageModel.schema).deleteField("read_at").update()
    }
}
