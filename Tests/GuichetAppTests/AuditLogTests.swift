import Fluent
import Foundation
import SQLKit
import Testing

@testable import GuichetApp

@Suite struct AuditLogTests {
    @Test func theDatabaseRefusesToUpdateOrDeleteAuditEntries() async throws {
        try await withGuichet { app in
            let entry = try #require(try await AuditEntryModel.query(on: app.db).first())
            let id = try entry.requireID()
            let before = try await AuditEntryModel.query(on: app.db).count()
            entry.reason = "falsifié"
            await #expect(throws: (any Error).self) { try await entry.save(on: app.db) }
            await #expect(throws: (any Error).self) {
                try await (app.db as! any SQLDatabase).raw("DELETE FROM audit_entries").run()
            }
            await #expect(throws: (any Error).self) { try await AuditEntryModel.query(on: app.db).delete() }
            #expect(try await AuditEntryModel.query(on: app.db).count() == before)
            #expect(try await AuditEntryModel.find(id, on: app.db)?.reason != "falsifié")
        }
    }

    @Test func appendingStillWorks() async throws {
        try await withGuichet(demo: false) { app in
            let entry = AuditEntryModel(
                .init(
                    at: Date(), actor: .system(), action: "test", entityType: "call",
                    entityID: UUID(), from: nil, to: nil, reason: nil))
            try await entry.create(on: app.db)
            #expect(try await AuditEntryModel.query(on: app.db).count() == 1)
        }
    }
}
