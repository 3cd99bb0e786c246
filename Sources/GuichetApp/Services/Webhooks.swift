import AsyncHTTPClient
import Crypto
import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// Webhook payloads, signatures and delivery.
enum Webhooks {
    /// The event's JSON body: what changed and where to read it, no personal data.
    static func payload(type: String, entry: AuditEntryModel) throws -> String {
        struct Body: Encodable {
            let id: UUID
            let type: String
            let occurredAt: Date
            let entity: Entity
            let from: String?
            let to: String?
        }
        struct Entity: Encodable {
            let type: String
            let id: UUID
            let href: String?
        }
        let href = entry.entityType == "dossier" ? SiteURL.apiDossier(entry.entityID).path : nil
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = Body(
            id: entry.id ?? UUID(), type: type, occurredAt: entry.at,
            entity: Entity(type: entry.entityType, id: entry.entityID, href: href), from: entry.fromState,
            to: entry.toState)
        return String(decoding: try encoder.encode(body), as: UTF8.self)
    }

    /// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body" with the endpoint's secret>`.
    static func signature(secret: String, timestamp: Int, body: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(WebhookEvent.signedContent(timestamp: timestamp, body: body).utf8),
            using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=" + Hex.string(mac)
    }

    /// A new endpoint secret: 32 random bytes, base64url.
    static func newSecret() -> String { "whsec_" + SecretToken.make() }
}

/// Sends the deliveries that are due; each instance runs it, and a conditional claim keeps two
/// instances from sending one delivery twice.
struct WebhookSender {
    let database: any Database
    let transport: any WebhookTransport
    let logger: Logger
    /// The address check each delivery passes first.
    let addresses: WebhookAddresses

    /// Sends what is due now; returns how many deliveries were accepted.
    @discardableResult
    func deliverDue(now: Date = Date(), limit: Int = 50) async throws -> Int {
        let due = try await WebhookDeliveryModel.query(on: database).filter(\.$deliveredAt == nil).filter(
            \.$failedAt == nil
        )
        .filter(\.$nextAttemptAt <= now).sort(\.$nextAttemptAt).limit(limit).with(\.$endpoint).all()
        var accepted = 0
        for delivery in due where try await claim(delivery, now: now) {
            accepted += try await send(delivery, now: now) ? 1 : 0
        }
        return accepted
    }

    /// Takes a delivery for two minutes unless another instance holds it.
    private func claim(_ delivery: WebhookDeliveryModel, now: Date) async throws -> Bool {
        let sql = try database.sql()
        let rows = try await sql.update(WebhookDeliveryModel.schema)
            .set("claimed_until", to: SQLBind(now.addingTimeInterval(120)))
            .where("id", .equal, SQLBind(try delivery.requireID()))
            .where {
                $0.where(SQLIdentifier("claimed_until"), .is, SQLLiteral.null)
                    .orWhere(SQLIdentifier("claimed_until"), .lessThan, SQLBind(now))
            }
            .returning("id").all()
        return rows.count == 1
    }

    private func send(_ delivery: WebhookDeliveryModel, now: Date) async throws -> Bool {
        let endpoint = delivery.endpoint
        let timestamp = Int(now.timeIntervalSince1970)
        var status: Int?
        var failure: String?
        // A closed account's endpoints stop: its deliveries are abandoned.
        if let owner = try await UserModel.find(endpoint.$owner.id, on: database), owner.disabledAt != nil {
            delivery.failedAt = now
            delivery.lastError = "compte du destinataire fermé"
            delivery.claimedUntil = nil
            try await delivery.save(on: database)
            return false
        }
        do {
            let target = try await addresses.check(endpoint.url)
            var headers = HTTPHeaders()
            headers.contentType = .json
            headers.replaceOrAdd(name: "X-Guichet-Event", value: delivery.eventType)
            headers.replaceOrAdd(name: "X-Guichet-Delivery", value: try delivery.requireID().uuidString.lowercased())
            headers.replaceOrAdd(
                name: "X-Guichet-Signature",
                value: Webhooks.signature(secret: endpoint.secret, timestamp: timestamp, body: delivery.payload))
            let answered = try await transport.post(
                endpoint.url, to: target, headers: headers, body: ByteBuffer(string: delivery.payload))
            status = Int(answered.code)
            if !(200..<300).contains(answered.code) { failure = "réponse HTTP \(answered.code)" }
        } catch let refused as DomainError {
            failure = "adresse refusée"
            logger.warning("webhook: \(endpoint.url) refused: \(refused.message)")
        } catch {
            // The target's own words never reach the page: only what kind of failure it was.
            failure = "\(error)".contains("imeout") ? "délai dépassé" : "connexion impossible"
            logger.info("webhook: delivery to \(endpoint.url) failed: \(error)")
        }
        delivery.attempts += 1
        delivery.lastStatus = status
        delivery.lastError = failure
        delivery.claimedUntil = nil
        if failure == nil {
            delivery.deliveredAt = now
        } else if let delay = WebhookEvent.retryDelay(afterAttempts: delivery.attempts) {
            delivery.nextAttemptAt = now.addingTimeInterval(delay)
        } else {
            delivery.failedAt = now
            logger.warning(
                "webhook: delivery \(delivery.id?.uuidString ?? "") to \(endpoint.url) abandoned after \(delivery.attempts) attempts"
            )
        }
        try await delivery.save(on: database)
        return failure == nil
    }
}

/// Posts one delivery to the address its check approved.
protocol WebhookTransport: Sendable {
    func post(
        _ url: String, to target: WebhookAddresses.Checked, headers: HTTPHeaders, body: ByteBuffer
    ) async throws -> HTTPStatus
}

/// The running server's transport: an HTTP client per delivery whose name resolution is pinned
/// to the checked address (TLS still asks for and verifies the certificate of the host's name),
/// with no redirects, 5 s to connect and 10 s in all. A client per delivery costs a connection
/// each time; deliveries are few, and no connection is ever reused for another, unchecked address.
struct PinnedHTTPTransport: WebhookTransport {
    let eventLoopGroup: any EventLoopGroup

    func post(
        _ url: String, to target: WebhookAddresses.Checked, headers: HTTPHeaders, body: ByteBuffer
    ) async throws -> HTTPStatus {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)))
        configuration.dnsOverride = [target.host: target.address]
        let client = HTTPClient(eventLoopGroupProvider: .shared(eventLoopGroup), configuration: configuration)
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers = headers
            request.body = .bytes(body)
            let response = try await client.execute(request, timeout: .seconds(10))
            try await client.shutdown()
            return response.status
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
