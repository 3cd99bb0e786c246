import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// Fifty committee sessions apply their decisions at the same moment, through two server
/// instances sharing the database, racing for the last euros of an envelope: exactly as many as
/// fit are applied, the others are refused whole, and the envelope is never overspent.
@Suite struct CommitteeConcurrencyTests {
    static let racers = 50
    static let winners = 7

    @Test func fiftyParallelDecisionsNeverOverspendTheEnvelope() async throws {
        let file = NSTemporaryDirectory() + "guichet-race-\(UUID().uuidString).sqlite"
        defer { try? FileManager.default.removeItem(atPath: file) }
        // Two instances need one database: a shared file on SQLite (PostgreSQL shares its schema).
        try await withGuichet(adjust: { config in
            if case .sqliteMemory = config.database { config.database = .sqliteFile(file) }
        }) { app in
            // setup: one chair, fifty one-member sessions of wave 2, each staging one decision.
            let chair = try await StaffDirectory(database: app.db).createStaff(
                email: "president@exemple.fr", name: "Commissaire", role: .committeeChair, scopes: ["region:32"],
                password: nil,
                hasher: app.password.async, now: Date())
            let member = try await StaffDirectory(database: app.db).createStaff(
                email: "membre@exemple.fr", name: "Membre", role: .committeeMember, scopes: ["region:32"],
                password: nil,
                hasher: app.password.async, now: Date())
            let call = try await CallRepository(database: app.db).load(DemoCall.reference)
            let candidates = try await DossierModel.query(on: app.db).filter(\.$call.$id == call.id)
                .filter(\.$status == DossierStatus.reviewed.rawValue).sort(\.$number).range(0..<Self.racers).all()
            try #require(candidates.count == Self.racers)
            let grant = try #require(candidates.map(\.requestedCents).min())
            let service = CommitteeService(database: app.db, configuration: app.guichetConfiguration, now: Date())
            // Leave room for exactly seven grants (and a half) on the region's envelope.
            let before = try await ResultsService(database: app.db).results(call, publishedOnly: false).ledger
            let hdf = try before.envelope(for: .regional(region: "32"))
            let committed = try #require(before.line(hdf.id)?.committed)
            try await EnvelopeRevisionModel(
                envelopeID: hdf.id, amountCents: committed.cents + grant * Int64(Self.winners) + grant / 2,
                effectiveOn: Date(), reason: "Réduite pour l'essai de concurrence"
            ).create(on: app.db)
            var sessions: [CommitteeSessionModel] = []
            for dossier in candidates {
                var input = CommitteeService.NewSession()
                input.title = "Séance \(dossier.number ?? "")"
                input.heldOn = Date()
                input.waveNumber = 2
                input.scope = "region:32"
                input.quorum = 2
                input.chairID = try chair.requireID()
                input.memberIDs = [try member.requireID()]
                let session = try await service.create(input, call: call, by: chair)
                let loaded = try await service.session(session.requireID(), for: chair)
                try await service.setAttendance(
                    loaded, present: [try chair.requireID(), try member.requireID()], by: chair)
                let present = try await service.session(session.requireID(), for: chair)
                try await service.stage(
                    present, dossier: dossier, outcome: .retained(amount: try Money(cents: grant)), by: chair)
                sessions.append(try await service.session(session.requireID(), for: chair))
            }
            let second = try await Application.make(.testing)
            // A second instance is a second process, with threads of its own for SQLite: SQLite's
            // busy handler (SQLiteNIO's) retries without end on the thread that waits, so four
            // connections of one process waiting on one file could hold every thread of a shared
            // pool while the one holding the lock waits for a thread to go on.
            second.threadPool = NIOThreadPool(numberOfThreads: 2)
            try await configure(second, app.guichetConfiguration)
            // act: all at once, half through each instance.
            let outcomes = await withTaskGroup(of: String.self) { group in
                for (index, session) in sessions.enumerated() {
                    let database = index.isMultiple(of: 2) ? app.db : second.db
                    let configuration = app.guichetConfiguration
                    group.addTask {
                        do {
                            try await CommitteeService(database: database, configuration: configuration, now: Date())
                                .apply(session, by: chair, confirmed: true)
                            return "applied"
                        } catch let error as DomainError {
                            return error.code
                        } catch {
                            return "unexpected: \(error)"
                        }
                    }
                }
                var all: [String] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            try await second.asyncShutdown()
            // validate
            #expect(outcomes.filter { $0 == "applied" }.count == Self.winners, "\(outcomes)")
            #expect(outcomes.filter { $0 == "decision_refused" }.count == Self.racers - Self.winners, "\(outcomes)")
            let after = try await ResultsService(database: app.db).results(call, publishedOnly: false).ledger
            let line = try #require(after.line(hdf.id))
            #expect(line.committed.cents == committed.cents + grant * Int64(Self.winners))
            #expect(line.committed <= line.envelope.currentAmount)
            let wave2 = try #require(call.waves.first { $0.number == 2 })
            #expect(
                try await DecisionModel.query(on: app.db).filter(\.$wave.$id == wave2.requireID()).count()
                    == Self.winners)
            #expect(
                try await DossierModel.query(on: app.db).filter(\.$id ~~ candidates.compactMap(\.id))
                    .filter(\.$status == DossierStatus.retained.rawValue).count() == Self.winners)
            #expect(
                try await CommitteeSessionModel.query(on: app.db).filter(\.$id ~~ sessions.compactMap(\.id)).filter(
                    \.$status == "applied"
                ).count() == Self.winners)
        }
    }
}
