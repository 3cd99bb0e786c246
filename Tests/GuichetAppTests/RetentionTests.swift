import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Testing
import Vapor

@testable import GuichetApp

/// Retention: what is due is anonymised or deleted, the figures stay true, the audit log says it,
/// a second run finds nothing; and a person's data exported.
@Suite struct RetentionTests {
    static let longAgo = Date().addingTimeInterval(-6 * 365 * 86_400)

    @Test func dueDataAreAnonymisedOrDeletedAndTheFiguresStay() async throws {
        try await withGuichet { app in
            let sql = try app.db.sql()
            let (_, refused) = try await Factory.filedDossier(app, email: "refuse@exemple.fr")
            let drafter = try await Applicant.make(app, email: "brouillon@exemple.fr")
            let draft = try await drafter.startDossier()
            let (_, laureate) = try await Factory.filedDossier(app, email: "garde@exemple.fr")
            // Long ago: the first refused, the draft left, every account's last sign-in.
            try await sql.update(DossierModel.schema).set("status", to: SQLBind(DossierStatus.ineligible.rawValue))
                .set("updated_at", to: SQLBind(Self.longAgo)).where("id", .equal, SQLBind(refused)).run()
            try await sql.update(DossierModel.schema).set("updated_at", to: SQLBind(Self.longAgo))
                .where("id", .in, SQLBind.group([draft, laureate])).run()
            try await sql.update(UserModel.schema).set("last_login_at", to: SQLBind(Self.longAgo))
                .set("created_at", to: SQLBind(Self.longAgo)).where("email", .like, SQLBind("%@exemple.fr")).run()
            try await Mailer(database: app.db).enqueue(
                to: "refuse@exemple.fr", subject: "Ancien", body: "x", kind: "test")
            try await OutboxMessageModel.query(on: app.db).filter(\.$subject == "Ancien")
                .set(\.$sentAt, to: Self.longAgo).update()
            let number = try #require(try await DossierModel.find(refused, on: app.db)?.number)
            let filedBefore = try await DossierModel.query(on: app.db).filter(\.$number != nil).count()
            let reportBefore = try await ResultsService(database: app.db).results(
                try await CallRepository(database: app.db).load(PracticeCall.reference), publishedOnly: false)

            let service = RetentionService(database: app.db, configuration: app.guichetConfiguration, now: Date())
            let counted = Dictionary(
                uniqueKeysWithValues: try await service.run(apply: false).map { ($0.kind, $0.count) })
            #expect(counted["drafts"] == 1)
            #expect(counted["refused_dossiers"] == 1)
            // The drafter's only dossier is a draft, the refused applicant's a refused one; the
            // third still has a filed dossier under instruction.
            #expect(counted["accounts"] == 2)
            #expect(counted["mail"] ?? 0 >= 1)
            #expect(try await DossierModel.find(draft, on: app.db) != nil, "a dry run changes nothing")

            let applied = Dictionary(
                uniqueKeysWithValues: try await service.run(apply: true).map { ($0.kind, $0.count) })
            #expect(applied["drafts"] == 1 && applied["refused_dossiers"] == 1 && applied["accounts"] == 2)
            #expect(try await DossierModel.find(draft, on: app.db) == nil)
            let anonymised = try #require(try await DossierModel.find(refused, on: app.db))
            #expect(anonymised.title == "Dossier anonymisé" && anonymised.summary.isEmpty && anonymised.answers == "{}")
            #expect(anonymised.number == number && anonymised.status == DossierStatus.ineligible.rawValue)
            #expect(try await AttachmentModel.query(on: app.db).filter(\.$dossier.$id == refused).count() == 0)
            #expect(try await DossierModel.find(laureate, on: app.db)?.title != "Dossier anonymisé")
            // The accounts: no address, no name, no password, no session; the third kept.
            #expect(try await UserModel.query(on: app.db).filter(\.$email == "refuse@exemple.fr").first() == nil)
            #expect(try await UserModel.query(on: app.db).filter(\.$email == "garde@exemple.fr").first() != nil)
            let gone = try await UserModel.query(on: app.db).filter(\.$displayName == "Compte anonymisé").all()
            #expect(
                gone.count == 2 && gone.allSatisfy { $0.passwordHash == "!" && $0.email.hasSuffix("@guichet.invalid") })
            #expect(try await OutboxMessageModel.query(on: app.db).filter(\.$subject == "Ancien").count() == 0)
            // Figures and proofs: numbers kept, results unchanged, the log says it, the base whole.
            #expect(try await DossierModel.query(on: app.db).filter(\.$number != nil).count() == filedBefore)
            let reportAfter = try await ResultsService(database: app.db).results(
                try await CallRepository(database: app.db).load(PracticeCall.reference), publishedOnly: false)
            #expect(reportAfter.report.filed == reportBefore.report.filed && reportBefore.report.filed >= 2)
            #expect(try await AuditEntryModel.query(on: app.db).filter(\.$action == "anonymise").count() == 3)
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$entityID == draft).filter(
                    \.$action == "delete_draft"
                ).count() == 1)
            let report = try await IntegrityCheck(app: app).run()
            #expect(report.problems == [])
            // Nothing left to do.
            let again = try await service.run(apply: true)
            #expect(
                again.filter { ["drafts", "refused_dossiers", "accounts"].contains($0.kind) }.allSatisfy {
                    $0.count == 0
                })
        }
    }

    @Test func aPersonsDataAreExportedAsJSON() async throws {
        try await withGuichet { app in
            let (applicant, id) = try await Factory.filedDossier(app, email: "acces@exemple.fr")
            let export = try #require(
                try await PersonalDataExport(database: app.db).export(email: " ACCES@exemple.fr "))
            #expect(export.account.email == "acces@exemple.fr")
            #expect(export.organisations.map(\.id) == [applicant.organisationID])
            let dossier = try #require(export.dossiers.first { $0.id == id })
            #expect(dossier.number != nil && !dossier.attachments.isEmpty && !dossier.answers.isEmpty)
            #expect(export.mail.contains { $0.subject.hasPrefix("Accusé de réception") })
            #expect(export.actions.contains { $0.action == "file" && $0.entityID == id })
            let text = String(decoding: try PersonalDataExport.json(export), as: UTF8.self)
            #expect(text.contains("\"display_name\"") && text.contains("\"sha256\""))
            #expect(try await PersonalDataExport(database: app.db).export(email: "personne@exemple.fr") == nil)
        }
    }
}
