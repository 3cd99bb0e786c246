import Foundation
import GuichetDomain
import Vapor

/// `/mon-espace/jetons`: one's API tokens, the form to create one, a new token shown once.
struct TokenPage: Encodable {
    struct Row: Encodable {
        let name: String
        let prefix: String
        let scopes: String
        let created: String
        let lastUsed: String
        let revoked: Bool
        let revokeURL: String
    }

    struct Scope: Encodable {
        let value: String
        let label: String
    }

    let chrome: Chrome
    let csrf: String
    let action: String
    let created: String?
    let error: String?
    let scopes: [Scope]
    let tokens: [Row]
    let openAPIURL: String

    init(_ req: Request, tokens: [APITokenModel], created: String?, error: String?) {
        chrome = .make(req)
        csrf = chrome.csrf ?? ""
        action = SiteURL.apiTokens.path
        self.created = created
        self.error = error
        scopes = APIScope.allCases.map { Scope(value: $0.rawValue, label: "\($0.label) (\($0.rawValue))") }
        self.tokens = tokens.map { token in
            Row(
                name: token.name, prefix: token.prefix + "…",
                scopes: token.scopes.replacingOccurrences(of: ",", with: ", "),
                created: ParisTime.longDateTime(token.createdAt),
                lastUsed: token.lastUsedAt.map(ParisTime.longDateTime) ?? "jamais",
                revoked: token.revokedAt != nil,
                revokeURL: token.id.map { SiteURL.apiTokenRevocation($0).path } ?? SiteURL.apiTokens.path)
        }
        openAPIURL = SiteURL.apiOpenAPI.path
    }
}

/// `/admin/webhooks`: one's endpoints, the form to add one, a new secret shown once, recent deliveries.
struct WebhookPage: Encodable {
    struct Row: Encodable {
        let url: String
        let events: String
        let created: String
        let active: Bool
        let disableURL: String
    }

    struct Delivery: Encodable {
        let event: String
        let created: String
        let state: String
    }

    struct Event: Encodable {
        let value: String
        let label: String
    }

    let chrome: Chrome
    let csrf: String
    let action: String
    let created: String?
    let error: String?
    let events: [Event]
    let endpoints: [Row]
    let deliveries: [Delivery]

    init(
        _ req: Request, endpoints: [WebhookEndpointModel], deliveries: [WebhookDeliveryModel], created: String?,
        error: String?
    ) {
        chrome = .make(req)
        csrf = chrome.csrf ?? ""
        action = SiteURL.webhooks.path
        self.created = created
        self.error = error
        events =
            [Event(value: "*", label: "Tous les événements")]
            + WebhookEvent.catalogue.map { Event(value: $0.type, label: "\($0.type) — \($0.description)") }
        self.endpoints = endpoints.map { endpoint in
            Row(
                url: endpoint.url,
                events: endpoint.events == "*" ? "tous" : endpoint.events.replacingOccurrences(of: ",", with: ", "),
                created: ParisTime.longDateTime(endpoint.createdAt), active: endpoint.disabledAt == nil,
                disableURL: endpoint.id.map { SiteURL.webhookDisabling($0).path } ?? SiteURL.webhooks.path)
        }
        self.deliveries = deliveries.map { delivery in
            let state: String
            if let delivered = delivery.deliveredAt {
                state = "reçu le \(ParisTime.longDateTime(delivered))"
            } else if delivery.failedAt != nil {
                state = "abandonné après \(delivery.attempts) tentatives (\(delivery.lastError ?? ""))"
            } else {
                state =
                    delivery.attempts == 0
                    ? "en attente"
                    : "nouvelle tentative le \(ParisTime.longDateTime(delivery.nextAttemptAt)) (\(delivery.lastError ?? ""))"
            }
            return Delivery(
                event: delivery.eventType, created: ParisTime.longDateTime(delivery.createdAt), state: state)
        }
    }
}
