import Fluent
import Foundation
import GuichetDomain
import Testing

@testable import GuichetApp

@Suite struct DossierServiceTests {
    let instructor = Agent(id: UUID(), name: "DDETS de l'Aisne", role: .instructor)
    let chair = Agent(id: UUID(), name: "Commissaire", role: .committeeChair)
    let now = ParisTime.day("2021-05-20")!

    func dossier(_ status: DossierStatus, _ db: any Database) async throws -> DossierModel {
        try #require(try await DossierModel.query(on: db).filter(\.$status == status.rawValue).sort(\.$number).first())
    }

    func auditCount(_ id: UUID, _ db: any Database) async throws -> Int {
        try await AuditEntryModel.query(on: db).filter(\.$entityID == id).count()
    }

    @Test func aTransitionSavesTheStatusWithItsAuditEntry() async throws {
        try await withGuichet { app in
            // setup
            let model = try await dossier(.reviewed, app.db)
            let id = try model.requireID()
            let before = try await auditCount(id, app.db)
            // act
            let transition = try await DossierService(database: app.db)
                .apply(
                    .withdraw(reason: "Projet abandonné"), to: id,
                    by: Agent(id: nil, name: "Admin", role: .administrator), now: now)
            // validate
            #expect(transition.to == .withdrawn)
            let reloaded = try #require(try await DossierModel.find(id, on: app.db))
            #expect(reloaded.status == "withdrawn")
            #expect(try await auditCount(id, app.db) == before + 1)
            let entry = try #require(
                try await AuditEntryModel.query(on: app.db).filter(\.$entityID == id).sort(\.$at, .descending).first())
            #expect(entry.action == "withdraw" && entry.fromState == "reviewed" && entry.toState == "withdrawn")
            #expect(
                entry.reason == "Projet abandonné" && entry.actorName == "Admin" && entry.actorRole == "administrator")
        }
    }

    @Test func aRefusedTransitionChangesNothing() async throws {
        try await withGuichet { app in
            let model = try await dossier(.retained, app.db)
            let id = try model.requireID()
            let before = try await auditCount(id, app.db)
            await #expect(throws: DomainError.transitionNotAllowed(action: "déclarer recevable", from: .retained)) {
                try await DossierService(database: app.db).apply(.declareEligible, to: id, by: instructor, now: now)
            }
            #expect(try await DossierModel.find(id, on: app.db)?.status == "retained")
            #expect(try await auditCount(id, app.db) == before)
        }
    }

    @Test func unknownDossierIsNotFound() async throws {
        try await withGuichet(demo: false) { app in
            await #expect(throws: AppError.self) {
                try await DossierService(database: app.db).apply(.declareEligible, to: UUID(), by: instructor, now: now)
            }
        }
    }

    @Test func aDecisionWithinTheEnvelopeIsSavedInTheOpenWave() async throws {
        try await withGuichet { app in
            let model = try await dossier(.waitingList, app.db)
            let id = try model.requireID()
            let amount = try Money(cents: min(model.requestedCents, 100_000_00))
            let decision = try await DossierService(database: app.db)
                .decide(id, outcome: .retained(amount: amount), wave: 2, by: chair, now: now)
            #expect(decision.waveNumber == 2)
            #expect(try await DossierModel.find(id, on: app.db)?.status == "retained")
            #expect(try await DecisionModel.query(on: app.db).filter(\.$dossier.$id == id).count() == 2)
        }
    }

    @Test func aDecisionThatWouldOverspendTheEnvelopeIsRefusedAndStoresNothing() async throws {
        try await withGuichet { app in
            // setup: a waiting-list dossier asking for more than the 2.2 M€ left in the region.
            let model = try await dossier(.waitingList, app.db)
            let id = try model.requireID()
            model.requestedCents = 3_000_000_00
            try await model.save(on: app.db)
            let decisionsBefore = try await DecisionModel.query(on: app.db).count()
            let auditBefore = try await auditCount(id, app.db)
            // act
            await #expect(throws: DomainError.self) {
                try await DossierService(database: app.db)
                    .decide(id, outcome: .retained(amount: Money(cents: 3_000_000_00)), wave: 2, by: chair, now: now)
            }
            // validate
            #expect(try await DecisionModel.query(on: app.db).count() == decisionsBefore)
            #expect(try await DossierModel.find(id, on: app.db)?.status == "waiting_list")
            #expect(try await auditCount(id, app.db) == auditBefore)
        }
    }

    @Test func aDecisionInThePublishedWaveIsRefused() async throws {
        try await withGuichet { app in
            let id = try await dossier(.reviewed, app.db).requireID()
            await #expect(throws: DomainError.waveFrozen(1)) {
                try await DossierService(database: app.db).decide(
                    id, outcome: .waitingList, wave: 1, by: chair, now: now)
            }
            #expect(try await DossierModel.find(id, on: app.db)?.status == "reviewed")
        }
    }
}
