import Crypto
import Fluent
import Foundation
import GuichetDomain
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

@testable import GuichetApp

/// Webhooks: queued with each state change, scoped to the owner's territory, signed, retried.
@Suite struct WebhookTests {
    /// A client that records what it is asked to send and answers the statuses it is given.
    final class RecordingClient: Client, @unchecked Sendable {
        let eventLoop: any EventLoop
        let byteBufferAllocator = ByteBufferAllocator()
        private let lock = NIOLock()
        private var statuses: [HTTPStatus]
        private(set) var requests: [ClientRequest] = []

        init(eventLoop: any EventLoop, statuses: [HTTPStatus]) {
            self.eventLoop = eventLoop
            self.statuses = statuses
        }

        func delegating(to eventLoop: any EventLoop) -> any Client { self }
        func allocating(to byteBufferAllocator: ByteBufferAllocator) -> any Client { self }
        func send(_ request: ClientRequest) -> EventLoopFuture<ClientResponse> {
            let status = lock.withLock {
                requests.append(request)
                return statuses.isEmpty ? HTTPStatus.ok : statuses.removeFirst()
            }
            return eventLoop.makeSucceededFuture(ClientResponse(status: status))
        }
        var sent: [ClientRequest] { lock.withLock { requests } }
        private var targets: [WebhookAddresses.Checked] = []
        /// The addresses each delivery was pinned to.
        var pinned: [WebhookAddresses.Checked] { lock.withLock { targets } }
    }

    /// An administrator's endpoint, created on the page; returns its secret.
    func endpoint(_ app: Application, email: String, scope: String, events: [String] = ["*"]) async throws -> String {
        let admin = try await Factory.staff(app, email, role: .administrator, scopes: [scope])
        try await admin.get(SiteURL.webhooks.path)
        let page = try await admin.post(
            pairs: SiteURL.webhooks.path, [("url", "https://recepteur.example/guichet")] + events.map { ("event", $0) })
        #expect(page.status == .created)
        return String(try #require(page.body.string.firstMatch(of: /<code>(whsec_[A-Za-z0-9_-]+)<\/code>/)).1)
    }

    @Test func aFilingQueuesASignedEventForTheTerritorysAdministratorOnly() async throws {
        try await withGuichet { app in
            // setup
            let secret = try await endpoint(app, email: "admin32@exemple.fr", scope: "region:32")
            _ = try await endpoint(app, email: "admin11@exemple.fr", scope: "region:11")
            _ = try await endpoint(
                app, email: "admin-envelopes@exemple.fr", scope: "national", events: ["envelope.revised"])
            // act: an applicant files a dossier in the Aisne
            _ = try await Factory.filedDossier(app)
            // validate
            let deliveries = try await WebhookDeliveryModel.query(on: app.db).with(\.$endpoint).all()
            #expect(deliveries.map(\.eventType) == ["dossier.filed"])
            #expect(deliveries.first?.endpoint.secret == secret)
            let client = RecordingClient(eventLoop: app.eventLoopGroup.any(), statuses: [.ok])
            let sent = try await WebhookSender(
                database: app.db, transport: client, logger: app.logger, addresses: app.webhookAddresses
            ).deliverDue()
            #expect(sent == 1)
            let request = try #require(client.sent.first)
            #expect(request.url.string == "https://recepteur.example/guichet")
            // Sent to the address the check approved, not to a second resolution of the name.
            #expect(client.pinned == [WebhookAddresses.Checked(host: "recepteur.example", address: "93.184.216.34")])
            #expect(request.headers.first(name: "X-Guichet-Event") == "dossier.filed")
            let body = String(buffer: try #require(request.body))
            #expect(body.contains("\"type\":\"dossier.filed\""))
            let header = try #require(request.headers.first(name: "X-Guichet-Signature"))
            let parts = Dictionary(
                uniqueKeysWithValues: header.split(separator: ",").map {
                    $0.split(separator: "=", maxSplits: 1).map(String.init)
                }.map { ($0[0], $0[1]) })
            let timestamp = try #require(parts["t"].flatMap(Int.init))
            let expected = HMAC<SHA256>.authenticationCode(
                for: Data("\(timestamp).\(body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
            #expect(parts["v1"] == expected.map { String(format: "%02x", $0) }.joined())
            #expect(try await WebhookDeliveryModel.query(on: app.db).first()?.deliveredAt != nil)
            // Nothing is sent twice.
            #expect(
                try await WebhookSender(
                    database: app.db, transport: client, logger: app.logger, addresses: app.webhookAddresses
                ).deliverDue() == 0)
        }
    }

    @Test func aFailedDeliveryIsRetriedWithGrowingDelaysThenAbandoned() async throws {
        try await withGuichet { app in
            _ = try await endpoint(app, email: "admin32@exemple.fr", scope: "region:32")
            _ = try await Factory.filedDossier(app)
            let client = RecordingClient(
                eventLoop: app.eventLoopGroup.any(), statuses: Array(repeating: .internalServerError, count: 20))
            let sender = WebhookSender(
                database: app.db, transport: client, logger: app.logger, addresses: app.webhookAddresses)
            var now = Date()
            #expect(try await sender.deliverDue(now: now) == 0)
            let first = try #require(try await WebhookDeliveryModel.query(on: app.db).first())
            #expect(first.attempts == 1 && first.lastStatus == 500 && first.deliveredAt == nil)
            #expect(abs(first.nextAttemptAt.timeIntervalSince(now) - 60) < 1)
            // Not due yet: nothing is sent.
            #expect(try await sender.deliverDue(now: now.addingTimeInterval(30)) == 0)
            #expect(client.sent.count == 1)
            for _ in 0..<10 {
                now = now.addingTimeInterval(13 * 3_600)
                _ = try await sender.deliverDue(now: now)
            }
            let last = try #require(try await WebhookDeliveryModel.query(on: app.db).first())
            #expect(last.attempts == 8)
            #expect(last.failedAt != nil)
            #expect(client.sent.count == 8)
            let page = try await Factory.staff(
                app, "admin-lecture@exemple.fr", role: .administrator, scopes: ["region:32"]
            )
            .get(SiteURL.webhooks.path)
            #expect(page.status == .ok)
        }
    }

    @Test func aDisabledEndpointAndABadFormQueueNothing() async throws {
        try await withGuichet { app in
            let admin = try await Factory.staff(
                app, "admin32@exemple.fr", role: .administrator, scopes: ["region:32"])
            try await admin.get(SiteURL.webhooks.path)
            let bad = try await admin.post(pairs: SiteURL.webhooks.path, [("url", "ftp://ailleurs"), ("event", "*")])
            #expect(bad.status == .unprocessableEntity)
            let unknown = try await admin.post(
                pairs: SiteURL.webhooks.path, [("url", "https://recepteur.example/"), ("event", "dossier.envole")])
            #expect(unknown.status == .unprocessableEntity)
            #expect(try await WebhookEndpointModel.query(on: app.db).count() == 0)
            try await admin.post(pairs: SiteURL.webhooks.path, [("url", "https://recepteur.example/"), ("event", "*")])
            let id = try #require(try await WebhookEndpointModel.query(on: app.db).first()?.requireID())
            try await admin.get(SiteURL.webhooks.path)
            try await admin.post(SiteURL.webhooks.path + "/\(id.uuidString.lowercased())/desactiver", [:])
            _ = try await Factory.filedDossier(app)
            #expect(try await WebhookDeliveryModel.query(on: app.db).count() == 0)
        }
    }
}

/// Webhooks never reach the server's own network: private, loopback, link-local and metadata
/// addresses are refused at creation and before every delivery; no redirects; a generic failure
/// text; a cap per administrator; closed accounts hear nothing.
@Suite struct WebhookSSRFTests {
    final class FailingClient: Client, @unchecked Sendable {
        let eventLoop: any EventLoop
        let byteBufferAllocator = ByteBufferAllocator()
        private let lock = NIOLock()
        private var count = 0
        init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }
        func delegating(to eventLoop: any EventLoop) -> any Client { self }
        func allocating(to byteBufferAllocator: ByteBufferAllocator) -> any Client { self }
        func send(_ request: ClientRequest) -> EventLoopFuture<ClientResponse> {
            lock.withLock { count += 1 }
            return eventLoop.makeFailedFuture(
                Abort(.badGateway, reason: "secret interne du serveur cible: db=10.0.0.5 password=hunter2"))
        }
        var calls: Int { lock.withLock { count } }
    }

    @Test func privateAndLocalAddressesAreRefusedAtCreation() async throws {
        try await withGuichet(demo: false) { app in
            let admin = try await Factory.staff(
                app, "admin@exemple.fr", role: .administrator, scopes: ["national"])
            try await admin.get(SiteURL.webhooks.path)
            for url in [
                "http://127.0.0.1:8080/", "http://169.254.169.254/latest/meta-data/", "https://[::1]/",
                "http://10.0.0.1/hook",
            ] {
                let refused = try await admin.post(pairs: SiteURL.webhooks.path, [("url", url), ("event", "*")])
                #expect(refused.status == .unprocessableEntity, "\(url)")
                #expect(refused.visibleText.contains("réseau local ou privé"), "\(url)")
            }
            app.webhookResolver = { _ in ["192.168.1.20"] }
            let named = try await admin.post(
                pairs: SiteURL.webhooks.path, [("url", "https://intranet.example/"), ("event", "*")])
            #expect(named.status == .unprocessableEntity)
            app.webhookResolver = { _ in [] }
            #expect(
                try await admin.post(
                    pairs: SiteURL.webhooks.path, [("url", "https://inconnu.example/"), ("event", "*")]
                ).visibleText.contains("introuvable"))
            #expect(try await WebhookEndpointModel.query(on: app.db).count() == 0)
            // Ten active endpoints at most.
            app.webhookResolver = { _ in ["93.184.216.34"] }
            for index in 0..<IntegrationController.maxEndpoints {
                #expect(
                    try await admin.post(
                        pairs: SiteURL.webhooks.path, [("url", "https://r\(index).example/"), ("event", "*")]
                    ).status == .created)
            }
            let eleventh = try await admin.post(
                pairs: SiteURL.webhooks.path, [("url", "https://r11.example/"), ("event", "*")])
            #expect(eleventh.status == .unprocessableEntity)
            #expect(try await WebhookEndpointModel.query(on: app.db).count() == IntegrationController.maxEndpoints)
        }
    }

    @Test func aPrivateDeploymentMayAllowLocalReceivers() async throws {
        try await withGuichet(demo: false, adjust: { $0.webhooksAllowPrivate = true }) { app in
            let admin = try await Factory.staff(
                app, "admin@exemple.fr", role: .administrator, scopes: ["national"])
            try await admin.get(SiteURL.webhooks.path)
            #expect(
                try await admin.post(pairs: SiteURL.webhooks.path, [("url", "http://10.0.0.1/hook"), ("event", "*")])
                    .status == .created)
        }
    }

    @Test func aDeliveryIsCheckedAgainAndItsFailureTextIsGeneric() async throws {
        try await withGuichet { app in
            _ = try await WebhookTests().endpoint(app, email: "admin32@exemple.fr", scope: "region:32")
            _ = try await Factory.filedDossier(app)
            // The host now resolves to the private network: nothing is sent.
            app.webhookResolver = { _ in ["10.1.2.3"] }
            let client = FailingClient(eventLoop: app.eventLoopGroup.any())
            _ = try await WebhookSender(
                database: app.db, transport: client, logger: app.logger, addresses: app.webhookAddresses
            ).deliverDue()
            #expect(client.calls == 0)
            #expect(try await WebhookDeliveryModel.query(on: app.db).first()?.lastError == "adresse refusée")
            // The target's own error text never reaches the page.
            app.webhookResolver = { _ in ["93.184.216.34"] }
            try await WebhookDeliveryModel.query(on: app.db).set(\.$nextAttemptAt, to: Date().addingTimeInterval(-1))
                .update()
            _ = try await WebhookSender(
                database: app.db, transport: client, logger: app.logger, addresses: app.webhookAddresses
            ).deliverDue()
            #expect(client.calls == 1)
            #expect(try await WebhookDeliveryModel.query(on: app.db).first()?.lastError == "connexion impossible")
            let owner = Browser(app)
            try await owner.get(SiteURL.login.path)
            try await owner.post(
                SiteURL.login.path, ["email": "admin32@exemple.fr", "password": Factory.staffPassword])
            let page = try await owner.get(SiteURL.webhooks.path)
            #expect(page.visibleText.contains("connexion impossible"))
            #expect(!page.body.string.contains("hunter2"))
        }
    }

    @Test func aClosedAccountsEndpointsHearNothingMore() async throws {
        try await withGuichet { app in
            _ = try await WebhookTests().endpoint(app, email: "admin32@exemple.fr", scope: "region:32")
            try await UserModel.query(on: app.db).filter(\.$email == "admin32@exemple.fr").set(
                \.$disabledAt, to: Date()
            ).update()
            _ = try await Factory.filedDossier(app)
            #expect(try await WebhookDeliveryModel.query(on: app.db).count() == 0)
        }
    }
}

/// The server's transport connects to the checked address, whatever the name would resolve to.
@Suite struct PinnedTransportTests {
    @Test func aDeliveryConnectsToTheCheckedAddressNotToTheNamesResolution() async throws {
        try await withGuichet(demo: false) { app in
            let received = NIOLockedValueBox([String]())
            app.post("api", "essai-reception") { req -> HTTPStatus in
                received.withLockedValue {
                    $0.append((req.headers.first(name: .host) ?? "") + " " + (req.body.string ?? ""))
                }
                return .accepted
            }
            app.post("api", "essai-redirection") { req in
                req.redirect(to: "/api/essai-reception", redirectType: .temporary)
            }
            let server = try await LiveServer.start(app)
            // `.invalid` never resolves: only the pinned address can be reached.
            let url = "http://recepteur.invalid:\(server.port)/api/essai-reception"
            let transport = PinnedHTTPTransport(eventLoopGroup: app.eventLoopGroup)
            let status = try await transport.post(
                url, to: .init(host: "recepteur.invalid", address: "127.0.0.1"),
                headers: ["Content-Type": "application/json"], body: ByteBuffer(string: "{\"type\":\"essai\"}"))
            #expect(status == .accepted)
            #expect(received.withLockedValue { $0 } == ["recepteur.invalid:\(server.port) {\"type\":\"essai\"}"])
            // A redirect is not followed.
            let redirected = try await transport.post(
                "http://recepteur.invalid:\(server.port)/api/essai-redirection",
                to: .init(host: "recepteur.invalid", address: "127.0.0.1"), headers: [:], body: ByteBuffer())
            #expect(redirected == .temporaryRedirect)
            #expect(received.withLockedValue { $0.count } == 1)
            await server.stop()
        }
    }
}

extension WebhookTests.RecordingClient: WebhookTransport {
    func post(
        _ url: String, to target: WebhookAddresses.Checked, headers: HTTPHeaders, body: ByteBuffer
    ) async throws -> HTTPStatus {
        lock.withLock { targets.append(target) }
        return try await send(ClientRequest(method: .POST, url: URI(string: url), headers: headers, body: body)).get()
            .status
    }
}

extension WebhookSSRFTests.FailingClient: WebhookTransport {
    func post(
        _ url: String, to target: WebhookAddresses.Checked, headers: HTTPHeaders, body: ByteBuffer
    ) async throws -> HTTPStatus {
        try await send(ClientRequest(method: .POST, url: URI(string: url), headers: headers, body: body)).get().status
    }
}
