import Fluent
import Foundation
import GuichetDomain
import Logging
import Testing
import VaporTesting

@testable import GuichetApp

/// `/metrics`: Prometheus's text, for the machine itself or the holder of the token, and a 404 for
/// anyone else, even through the local proxy. Serialized: the registry is the process's, and each
/// scrape sets the queue gauges from its own application's database.
@Suite(.serialized) struct MetricsTests {
    static let token = String(repeating: "t", count: 40)

    @Test func theLoopbackReadsRequestsQueuesAndFailedLogins() async throws {
        try await withGuichet(demo: false) { app in
            try await Mailer(database: app.db).enqueue(
                to: "a@b.fr", subject: "En attente", body: "Corps", kind: "test", now: Date().addingTimeInterval(-120))
            let server = try await LiveServer.start(app)
            defer { Task { await server.stop() } }
            // A failed sign-in and a page, then the scrape from 127.0.0.1.
            let accounts = AccountService(
                database: app.db, hasher: app.password.async, configuration: app.guichetConfiguration, now: Date())
            await #expect(throws: AppError.self) {
                try await accounts.logIn(email: "personne@exemple.fr", password: "mauvais", remoteAddress: "127.0.0.1")
            }
            _ = try await server.exchange("GET /health HTTP/1.1\r\nHost: g\r\nConnection: close\r\n\r\n")
            let answer = try await server.exchange("GET /metrics HTTP/1.1\r\nHost: g\r\nConnection: close\r\n\r\n")
            #expect(LiveServer.statuses(answer) == [200])
            #expect(answer.lowercased().contains("content-type: text/plain; version=0.0.4"))
            #expect(answer.contains(#"http_requests_total{method="GET",path="/health",status="200"}"#))
            #expect(answer.contains("http_request_duration_seconds_bucket{"))
            #expect(answer.contains("guichet_outbox_waiting 1.0"))
            let age = answer.components(separatedBy: "guichet_outbox_oldest_waiting_seconds ").last?.prefix {
                $0 != "\n"
            }
            #expect((age.flatMap { Double($0) } ?? 0) > 0)
            #expect(answer.contains("guichet_webhooks_waiting 0"))
            #expect(answer.contains("guichet_imports_running 0"))
            #expect(answer.contains("guichet_failed_logins_total "))
            await server.stop()
        }
    }

    @Test func othersGetANotFoundUnlessTheyHoldTheToken() async throws {
        try await withGuichet(
            demo: false,
            adjust: {
                $0.metricsToken = Self.token
                $0.trustedProxies = [NetworkRange("127.0.0.1")].compactMap { $0 }
            }
        ) { app in
            let server = try await LiveServer.start(app)
            // Relayed by the local proxy for a client outside: refused, as an unknown address.
            let relayed = try await server.exchange(
                "GET /metrics HTTP/1.1\r\nHost: g\r\nX-Forwarded-For: 203.0.113.9\r\nConnection: close\r\n\r\n")
            #expect(LiveServer.statuses(relayed) == [404])
            let wrong = try await server.exchange(
                "GET /metrics HTTP/1.1\r\nHost: g\r\nX-Forwarded-For: 203.0.113.9\r\nAuthorization: Bearer \(String(repeating: "x", count: 40))\r\nConnection: close\r\n\r\n"
            )
            #expect(LiveServer.statuses(wrong) == [404])
            let holder = try await server.exchange(
                "GET /metrics HTTP/1.1\r\nHost: g\r\nX-Forwarded-For: 203.0.113.9\r\nAuthorization: Bearer \(Self.token)\r\nConnection: close\r\n\r\n"
            )
            #expect(LiveServer.statuses(holder) == [200])
            await server.stop()
        }
        // In process (no peer address): refused.
        try await withGuichet(demo: false) { app in
            try await app.testing().test(.GET, "metrics") { res in
                #expect(res.status == .notFound)
            }
        }
    }

    @Test func aShortTokenIsRefusedAtStart() {
        #expect(throws: ConfigurationError.self) {
            try AppConfiguration.fromEnvironment(["GUICHET_METRICS_TOKEN": "court"])
        }
    }
}

/// `GUICHET_LOG_FORMAT=json`: one JSON object a line, metadata (the request id) included.
@Suite struct JSONLogTests {
    @Test func aLineIsOneJSONObjectWithTheRequestID() throws {
        let data = JSONLogHandler.line(
            LogEvent(
                level: .warning, message: "refusé : \"guillemets\"\net retour", metadata: ["request-id": "ABC-123"],
                source: "GuichetApp", file: #fileID, function: #function, line: #line),
            label: "codes.vapor.application", base: ["database-id": "psql"], provider: nil)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasSuffix("\n") && text.dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["request-id"] as? String == "ABC-123")
        #expect(object["database-id"] as? String == "psql")
        #expect(object["level"] as? String == "warning")
        #expect(object["message"] as? String == "refusé : \"guillemets\"\net retour")
        #expect((object["time"] as? String)?.hasSuffix("Z") == true)
    }
}
