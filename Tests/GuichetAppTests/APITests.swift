import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import GuichetApp

@Suite struct APITests {
    @Test func healthChecksTheDatabase() async throws {
        try await withGuichet(demo: false) { app in
            try await app.testing().test(.GET, SiteURL.health.path) { res in
                #expect(res.status == .ok)
                #expect(res.body.string == #"{"status":"ok"}"#)
            }
        }
    }

    @Test func healthReportsAnUnreachableDatabase() async throws {
        try await withGuichet(demo: false) { app in
            try await app.autoRevert()  // the tables are gone: the check's query fails
            try await app.testing().test(.GET, SiteURL.health.path) { res in
                #expect(res.status == .serviceUnavailable)
                #expect(res.body.string.contains("database_unavailable"))
            }
            try await app.autoMigrate()
        }
    }

    @Test func readinessChecksMigrationsAndQueues() async throws {
        try await withGuichet(demo: false) { app in
            try await app.testing().test(.GET, SiteURL.healthReady.path) { res in
                #expect(res.status == .ok)
                let body = try json(HealthController.Readiness.self, res)
                #expect(body.status == "ready")
                #expect(body.checks.map(\.name) == ["database", "migrations", "outbox", "webhooks"])
            }
            // A mail waiting for two hours: the sending has stopped, the instance is not ready.
            let stuck = OutboxMessageModel()
            stuck.toAddress = "asso@exemple.fr"
            stuck.subject = "Objet"
            stuck.bodyText = "Texte"
            stuck.kind = "receipt"
            stuck.attempts = 9
            stuck.nextAttemptAt = Date()
            try await stuck.create(on: app.db)
            try await app.db.sql().raw(
                "UPDATE outbox_messages SET created_at = \(bind: Date().addingTimeInterval(-7_200))"
            ).run()
            try await app.testing().test(.GET, SiteURL.healthReady.path) { res in
                #expect(res.status == .serviceUnavailable)
                let body = try json(HealthController.Readiness.self, res)
                #expect(body.checks.first { $0.name == "outbox" }?.ok == false)
                #expect(body.checks.first { $0.name == "migrations" }?.ok == true)
            }
        }
    }

    @Test func anErrorCarriesItsRequestIdForTheLogs() async throws {
        try await withGuichet(demo: false) { app in
            try await app.testing().test(.GET, SiteURL.apiCall("inconnu").path) { res in
                #expect(res.status == .notFound)
                #expect(!(res.headers.first(name: "X-Request-Id") ?? "").isEmpty)
            }
            try await app.testing().test(.GET, "/nulle-part") { res in
                let id = try #require(res.headers.first(name: "X-Request-Id"))
                #expect(res.body.string.contains("<code>\(id)</code>"))
            }
        }
    }

    @Test func aDatabaseMigratedByANewerVersionIsRefused() async throws {
        try await withGuichet(demo: false) { app in
            try await app.db.sql().raw(
                """
                INSERT INTO _fluent_migrations (id, name, batch, created_at, updated_at)
                VALUES (\(bind: UUID()), 'GuichetApp.FromALaterVersion', 99, \(bind: Date()), \(bind: Date()))
                """
            ).run()
            await #expect(throws: AppError.self) { try await app.migrateDatabase() }
            do {
                try await app.migrateDatabase()
            } catch let error as AppError {
                #expect(error.code == "database_newer_than_binary")
                #expect(error.message.contains("GuichetApp.FromALaterVersion"))
            }
            try await app.testing().test(.GET, SiteURL.healthReady.path) { res in
                #expect(res.status == .serviceUnavailable)
                #expect(res.body.string.contains("1 inconnues de ce programme"))
            }
        }
    }

    @Test func callsListTheDemoCall() async throws {
        try await withGuichet { app in
            try await app.testing().test(.GET, SiteURL.apiCalls.path) { res in
                #expect(res.status == .ok)
                let body = try json(CallListDTO.self, res)
                #expect(body.calls.map(\.reference).sorted() == ["essai-hdf", "hdf-2021"])
                let call = try #require(body.calls.first { $0.reference == "hdf-2021" })
                #expect(call.deadline == "2021-01-15")
                #expect(call.closesAt == "2021-01-15T23:00:00Z")
                #expect(call.simulated)
                #expect(call.links.results == "/api/v1/calls/\(call.id.uuidString)/results")
            }
        }
    }

    @Test func callAnswersByIdAndReference() async throws {
        try await withGuichet { app in
            let id = try #require(
                try await CallModel.query(on: app.db).filter(\.$reference == "hdf-2021").first()?.requireID())
            for key in [id.uuidString, "hdf-2021"] {
                try await app.testing().test(.GET, SiteURL.apiCall(key).path) { res in
                    #expect(res.status == .ok)
                    let call = try json(CallDTO.self, res)
                    #expect(call.id == id)
                }
            }
        }
    }

    @Test func resultsCarryThePressKitsFigures() async throws {
        try await withGuichet { app in
            try await app.testing().test(.GET, SiteURL.apiCallResults("hdf-2021").path) { res in
                #expect(res.status == .ok)
                let body = try json(ResultsDTO.self, res)
                #expect(body.filed == 287)
                #expect(body.retained == 37)
                #expect(body.retainedAmountCents == 440_000_000)
                #expect(body.simulated)
                let wave1 = try #require(body.waves.first)
                #expect(wave1.number == 1 && wave1.published && wave1.announcedOn == "2021-04-16")
                #expect(wave1.retained == 37)
                #expect(wave1.amountCents == 440_000_000)
                #expect(wave1.themes.map(\.code) == ["alimentation", "acces-aux-droits", "insertion"])
                #expect(wave1.themes.map(\.retained) == [19, 13, 5])
                #expect(
                    wave1.themes[0].territories.map(\.heading) == [
                        "Au niveau régional", "Dans l'Aisne", "Dans le Pas-de-Calais", "Dans la Somme", "Dans le Nord",
                    ])
                #expect(wave1.themes[1].territories.map(\.code) == ["32", "02", "60", "62", "80", "59"])
                #expect(wave1.themes.flatMap(\.territories).flatMap(\.laureates).allSatisfy { $0.simulated })
                #expect(body.waves.count == 1, "wave 2 is not published: it stays out of the public results")
                #expect(body.themes.map(\.filed).reduce(0, +) == 287)
                #expect(body.territories.map(\.retained).reduce(0, +) == 37)
                #expect(body.territories.first?.level == "region")
                let hdf = try #require(body.envelopes.first { $0.drawCode == "32" })
                #expect(hdf.initialCents == 330_000_000)
                #expect(hdf.currentCents == 660_000_000)
                #expect(hdf.committedCents == 440_000_000)
                #expect(hdf.remainingCents == 220_000_000)
                #expect(hdf.revisions.last?.reason == "Doublement des moyens financiers initialement envisagés")
                let plan = try #require(body.envelopes.first)
                #expect(plan.parentId == nil && plan.currentCents == 10_000_000_000)
                let national = try #require(body.envelopes.first { $0.drawCode == "FR" })
                let regional = try #require(body.envelopes.first { $0.label.contains("deux tiers") })
                #expect(national.currentCents + regional.currentCents == plan.currentCents)
            }
        }
    }

    @Test func unknownIdsAnswer404InJSON() async throws {
        try await withGuichet { app in
            for path in [
                SiteURL.apiCall(UUID().uuidString).path, SiteURL.apiCallResults("inconnu").path,
                SiteURL.apiCallResults("%00").path, "/api/v1/nothing",
            ] {
                try await app.testing().test(.GET, path) { res in
                    #expect(res.status == .notFound)
                    let body = try json(GuichetErrorMiddleware.ErrorBody.self, res)
                    #expect(["call_not_found", "not_found"].contains(body.error.code))
                    #expect(!body.error.message.isEmpty)
                }
            }
        }
    }

    @Test func writesAreNotRoutes() async throws {
        try await withGuichet(demo: false) { app in
            // The address exists for reading only: 405 with what it allows, and the error's JSON.
            try await app.testing().test(.POST, SiteURL.apiCalls.path) { res in
                #expect(res.status == .methodNotAllowed)
                #expect(res.headers.first(name: .allow) == "GET, HEAD")
                #expect(res.body.string.contains("\"method_not_allowed\""))
            }
        }
    }
}
