import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Testing
import VaporTesting

@testable import GuichetApp

/// The audit log is sealed in hash chains, one per call: editing, deleting or inserting a row is
/// found and named; a publication shows the chain's head.
@Suite struct AuditChainTests {
    func seedChain(_ app: Application) async throws -> String {
        AuditChainStore.key(call: try await CallRepository(database: app.db).find(DemoCall.reference).requireID())
    }

    @Test func theDemosChainsAreWholeAndThePublicationShowsItsHead() async throws {
        try await withGuichet { app in
            for chain in try await AuditChainModel.query(on: app.db).all() {
                let result = try await AuditChainStore.verify(chain.chainKey, on: app.db)
                #expect(result.problem == nil, "\(chain.chainKey): \(String(describing: result.problem))")
                #expect(result.legacy == 0)
            }
            let key = try await seedChain(app)
            let publication = try #require(try await PublicationModel.query(on: app.db).first())
            let entry = try #require(
                try await AuditEntryModel.query(on: app.db).filter(\.$action == "publish_wave").first())
            #expect(publication.auditSequence == entry.sequence && publication.auditHash == entry.entryHash)
            #expect(entry.chainKey == key)
            let page = try await Browser(app).get(SiteURL.resultsVersion(DemoCall.reference, 1).path)
            #expect(page.visibleText.contains("empreinte SHA-256 \(entry.entryHash ?? "-")"))
        }
    }

    @Test func concurrentWritersTakeConsecutivePlaces() async throws {
        try await withGuichet(demo: false) { app in
            let id = UUID()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await AuditEntryModel(
                            AuditEntry(
                                at: Date(), actor: .system("Essai"), action: "essai", entityType: "user",
                                entityID: id, from: nil, to: String(index), reason: nil)
                        ).create(on: app.db)
                    }
                }
                try await group.waitForAll()
            }
            let result = try await AuditChainStore.verify(AuditChainStore.general, on: app.db)
            #expect(result.problem == nil)
            #expect(result.entries == 8)
            #expect(result.head?.0 == 8)
        }
    }

    @Test func anEditADeletionAndAnInsertionAreEachNamed() async throws {
        try await withGuichet { app in
            let key = try await seedChain(app)
            let sql = try app.db.sql()
            // Only someone who removes the database's own protection can alter the log.
            try await ProtectAuditLog().revert(on: app.db)
            // An edit: the tenth entry's reason.
            let tenth = try #require(
                try await AuditEntryModel.query(on: app.db).filter(\.$chainKey == key).filter(\.$sequence == 10).first()
            )
            try await sql.update(AuditEntryModel.schema).set("reason", to: SQLBind("Réécrit")).where(
                "id", .equal, SQLBind(try tenth.requireID())
            ).run()
            #expect(
                try await AuditChainStore.verify(key, on: app.db).problem
                    == .edited(sequence: 10, id: try tenth.requireID()))
            try await sql.update(AuditEntryModel.schema).set("reason", to: SQLBind(tenth.reason)).where(
                "id", .equal, SQLBind(try tenth.requireID())
            ).run()
            #expect(try await AuditChainStore.verify(key, on: app.db).problem == nil)
            // A deletion: the twentieth entry.
            let twentieth = try #require(
                try await AuditEntryModel.query(on: app.db).filter(\.$chainKey == key).filter(\.$sequence == 20).first()
            )
            let next = try #require(
                try await AuditEntryModel.query(on: app.db).filter(\.$chainKey == key).filter(\.$sequence == 21).first()
            )
            try await sql.delete(from: AuditEntryModel.schema).where("id", .equal, SQLBind(try twentieth.requireID()))
                .run()
            #expect(
                try await AuditChainStore.verify(key, on: app.db).problem
                    == .deleted(before: 21, id: try next.requireID()))
            // An insertion: a row written without its seal after the chain began.
            let dossier = try #require(try await DossierModel.query(on: app.db).filter(\.$status == "retained").first())
            let forged = UUID()
            try await sql.insert(into: AuditEntryModel.schema)
                .columns("id", "at", "actor_name", "actor_role", "action", "entity_type", "entity_id")
                .values(
                    SQLBind(forged), SQLBind(Date()), SQLBind("Faussaire"), SQLBind("system"), SQLBind("decide"),
                    SQLBind("dossier"),
                    SQLBind(try dossier.requireID())
                )
                .run()
            #expect(try await AuditChainStore.verify(key, on: app.db).problem == .inserted(id: forged))
            try await ProtectAuditLog().prepare(on: app.db)
        }
    }
}
