import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Testing

@testable import GuichetApp

/// A call's envelopes and decision sums kept by an instance (``LedgerParts``) are what the tables
/// hold: the database raises the call's ledger revision at every change to what they sum.
@Suite struct LedgerPartsTests {
    static func revision(_ reference: String, on db: any Database) async throws -> Int {
        try await CallPartsTests.revision(reference, column: "ledger_revision", on: db)
    }

    @Test func everyChangeToWhatTheLedgerSumsRaisesTheRevision() async throws {
        try await withGuichet { app in
            let db = app.db
            let sql = try db.sql()
            let call = try #require(try await CallModel.query(on: db).filter(\.$reference == "hdf-2021").first())
            let id = try call.requireID()
            var last = try await Self.revision("hdf-2021", on: db)
            func raised() async throws -> Bool {
                let now = try await Self.revision("hdf-2021", on: db)
                defer { last = now }
                return now > last
            }
            let envelope = try #require(try await EnvelopeModel.query(on: db).filter(\.$call.$id == id).first())
            try await sql.raw("UPDATE envelopes SET label = label || ' !' WHERE id = \(bind: envelope.requireID())")
                .run()
            #expect(try await raised())
            try await sql.raw(
                "UPDATE envelope_revisions SET reason = reason || ' !' WHERE envelope_id = \(bind: envelope.requireID())"
            ).run()
            #expect(try await raised())
            let decision = try #require(
                try await DecisionModel.query(on: db).join(parent: \.$wave).filter(WaveModel.self, \.$call.$id == id)
                    .join(parent: \.$dossier).filter(DossierModel.self, \.$status == DossierStatus.retained.rawValue)
                    .first())
            try await sql.raw(
                "UPDATE decisions SET granted_cents = granted_cents + 100 WHERE id = \(bind: decision.requireID())"
            )
            .run()
            #expect(try await raised())
            // A laureate leaving the laureates counts; a dossier moving between instruction's
            // statuses does not touch the call.
            try await sql.raw(
                "UPDATE dossiers SET status = \(bind: DossierStatus.withdrawn.rawValue) WHERE id = \(bind: decision.$dossier.id)"
            ).run()
            #expect(try await raised())
            let filed = try #require(
                try await DossierModel.query(on: db).filter(\.$call.$id == id)
                    .filter(\.$status ~~ [DossierStatus.rejected.rawValue, DossierStatus.waitingList.rawValue]).first())
            try await sql.raw(
                "UPDATE dossiers SET status = \(bind: DossierStatus.underReview.rawValue) WHERE id = \(bind: filed.requireID())"
            ).run()
            #expect(try await !raised())
            try await sql.raw(
                "UPDATE dossiers SET status = \(bind: DossierStatus.retained.rawValue) WHERE id = \(bind: filed.requireID())"
            ).run()
            #expect(try await raised())
            try await sql.raw("DELETE FROM decisions WHERE id = \(bind: decision.requireID())").run()
            #expect(try await raised())
            // Another call's change leaves this one's revision alone.
            let other = try #require(try await CallModel.query(on: db).filter(\.$reference != "hdf-2021").first())
            try await sql.raw("UPDATE envelopes SET label = label || ' ?' WHERE call_id = \(bind: other.requireID())")
                .run()
            #expect(try await !raised())
        }
    }

    @Test func theStatementShowsDecisionsChangedBehindItsBack() async throws {
        // Its own database, migrated and loaded here: this test reads the process-wide cache, keyed
        // by call id, and copies of the template share the template's ids (`TestDatabases`).
        try await withGuichet(fresh: true) { app in
            let db = app.db
            let results = ResultsService(database: db)
            let first = try await results.statement(CallRepository(database: db).load("hdf-2021"), publishedOnly: false)
            let call = try await CallRepository(database: db).load("hdf-2021")
            #expect(LedgerParts.shared.parts(of: call.id, revision: call.model.ledgerRevision ?? -1) != nil)
            let committed = first.lines.reduce(Int64(0)) { $0 + $1.committed.cents }
            #expect(committed > 0)
            // Another instance retains 1 € more on one decision, straight in the database.
            let decision = try #require(
                try await DecisionModel.query(on: db).join(parent: \.$wave).filter(
                    WaveModel.self, \.$call.$id == call.id
                )
                .filter(\.$outcome == DossierStatus.retained.rawValue).first())
            try await db.sql().raw(
                "UPDATE decisions SET granted_cents = granted_cents + 100 WHERE id = \(bind: decision.requireID())"
            ).run()
            let again = try await results.statement(CallRepository(database: db).load("hdf-2021"), publishedOnly: false)
            // The decision's envelope and those above it moved by the euro.
            #expect(again.lines.reduce(Int64(0)) { $0 + $1.committed.cents } > committed)
        }
    }

    @Test func anAppliedSessionsSumsAreKeptOnlyForTheRevisionTheyWereReadAt() throws {
        let parts = LedgerParts()
        let session = UUID()
        #expect(parts.appliedSums(of: session, revision: 3) == nil)
        parts.keepAppliedSums(["32": try Money(cents: 150_000)], of: session, revision: 3)
        #expect(parts.appliedSums(of: session, revision: 3) == ["32": try Money(cents: 150_000)])
        #expect(parts.appliedSums(of: session, revision: 4) == nil)
        #expect(parts.appliedSums(of: UUID(), revision: 3) == nil)
    }
}
