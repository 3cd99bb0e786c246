import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// Published versions served from memory to readers without a session: the same bytes the
/// responder serves, replaced by a new version, forgotten when the version is gone.
@Suite struct PublishedAnswersTests {
    let reference = "hdf-2021"

    var publicPaths: [String] {
        [
            SiteURL.home.path, SiteURL.callResults(reference).path, SiteURL.apiCallResults(reference).path,
            SiteURL.apiCallEnvelopes(reference).path, SiteURL.pressKit(reference).path,
            SiteURL.openData(reference, PublicationService.FileName.subsidies).path,
            SiteURL.openData(reference, PublicationService.FileName.results).path,
        ]
    }

    func live(_ body: (Application, LiveServer) async throws -> Void) async throws {
        try await withGuichet { app in
            let server = try await LiveServer.start(app)
            do { try await body(app, server) } catch {
                await server.stop()
                throw error
            }
            await server.stop()
        }
    }

    /// The body of a raw HTTP/1.1 answer.
    func body(_ raw: String) -> String {
        raw.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    }

    @Test func everyPublishedAnswerIsServedFromMemoryWithTheBytesTheResponderServes() async throws {
        try await live { app, server in
            // act
            try await app.publishedAnswers.refresh()
            // validate
            for path in publicPaths {
                #expect(app.frozenAnswers.answer(for: path) != nil, "\(path)")
                let raw = try await server.exchange(
                    "GET \(path) HTTP/1.1\r\nHost: guichet\r\nConnection: close\r\n\r\n")
                #expect(LiveServer.statuses(raw) == [200], "\(path)")
                let etag = try #require(raw.firstMatch(of: /(?i)etag: ("[0-9a-f]{32}")/)?.1, "\(path)")
                let responder = try await Browser(app).get(path)
                #expect(responder.status == .ok, "\(path)")
                #expect(body(raw) == responder.body.string, "\(path)")
                let again = try await server.exchange(
                    "GET \(path) HTTP/1.1\r\nHost: guichet\r\nIf-None-Match: \(etag)\r\nConnection: close\r\n\r\n")
                #expect(LiveServer.statuses(again) == [304], "\(path)")
            }
            // The press kit keeps its own policy (its inline styles by digest, still no script).
            let kit = try await server.exchange(
                "GET \(SiteURL.pressKit(reference).path) HTTP/1.1\r\nHost: guichet\r\nConnection: close\r\n\r\n")
            #expect(kit.contains("style-src 'self' 'sha256-") && kit.contains("script-src 'none'"))
            #expect(body(kit).contains("37 projets retenus"))
            // The open data comes as a named file.
            let csv = try await server.exchange(
                "GET \(SiteURL.openData(reference, PublicationService.FileName.subsidies).path) HTTP/1.1\r\nHost: guichet\r\nConnection: close\r\n\r\n"
            )
            #expect(csv.contains("filename=\"subventions.csv\""))
        }
    }

    @Test func aNewVersionReplacesTheAnswersAndAVersionThatIsGoneIsForgotten() async throws {
        try await live { app, server in
            // setup
            try await app.publishedAnswers.refresh()
            let path = SiteURL.callResults(reference).path
            let first = try #require(app.frozenAnswers.answer(for: path)?.etag)
            _ = try await Factory.decideJune(app, count: 3)
            let admin = try await Factory.staff(app, "admin@exemple.fr", role: .administrator, scopes: ["region:32"])
            try await admin.get(SiteURL.publicationAdmin(reference).path)
            // act: the instance that publishes refreshes at once.
            let published = try await admin.post(SiteURL.publish(reference).path, ["wave": "2", "confirm": "oui"])
            // validate
            #expect(published.headers.first(name: "X-Guichet-Error") == nil)
            #expect(app.frozenAnswers.answer(for: path)?.etag != first)
            let page = try await server.exchange("GET \(path) HTTP/1.1\r\nHost: guichet\r\nConnection: close\r\n\r\n")
            #expect(body(page).contains("40 projets retenus"))
            let api = try await server.exchange(
                "GET \(SiteURL.apiCallResults(reference).path) HTTP/1.1\r\nHost: guichet\r\nConnection: close\r\n\r\n")
            let results = try JSONDecoder().decode(ResultsDTO.self, from: Data(body(api).utf8))
            #expect(results.retained == 40)

            // act: the call's versions are gone (removed through another instance).
            try await PublicationModel.query(on: app.db).delete()
            try await app.publishedAnswers.refresh()
            // validate: the responder answers again, from the database.
            for path in publicPaths where path != SiteURL.home.path {
                #expect(app.frozenAnswers.answer(for: path) == nil, "\(path)")
            }
            let home = try await server.exchange("GET / HTTP/1.1\r\nHost: guichet\r\nConnection: close\r\n\r\n")
            #expect(!body(home).contains("40 projets retenus"))
            #expect(try await Browser(app).get(SiteURL.pressKit(reference).path).status == .notFound)
        }
    }

    @Test func theRefreshingLoopEndsWithTheApplicationAndReadsNothingAfter() async throws {
        // setup: the loop as `serve` runs it, about to wake.
        let app = try await Application.make(.testing)
        try await configure(app, AppConfiguration(database: .sqliteMemory, loadDemoWhenEmpty: false, bcryptCost: 4))
        try await app.autoMigrate()
        app.lifecycle.use(OutboxWorker.Lifecycle(task: app.publishedAnswers.start()))
        try await app.asyncBoot()
        try await Task.sleep(for: .milliseconds(1_900))
        // act: stopping cancels its sleep and waits for its round; a read after the databases
        // closed would stop the process here.
        try await app.asyncShutdown()
        // validate
        #expect(app.didShutdown)
    }
}
