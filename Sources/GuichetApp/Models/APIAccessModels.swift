import Fluent
import Foundation
import GuichetDomain

/// An API token (`api_tokens`): only its SHA-256 digest is stored; the token is shown once.
final class APITokenModel: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "name") var name: String
    /// The token's first characters, to recognise it in a list.
    @Field(key: "prefix") var prefix: String
    @Field(key: "token_hash") var tokenHash: String
    /// ``APIScope`` raw values, comma-separated.
    @Field(key: "scopes") var scopes: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [$id, $user, $name, $prefix, $tokenHash, $scopes, $createdAt, $lastUsedAt, $revokedAt]
    }

    init() {}

    var scopeSet: Set<APIScope> { Set(scopes.split(separator: ",").compactMap { APIScope(rawValue: String($0)) }) }
}

/// A webhook endpoint (`webhook_endpoints`) registered by an administrator.
final class WebhookEndpointModel: Model, @unchecked Sendable {
    static let schema = "webhook_endpoints"

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var owner: UserModel
    @Field(key: "url") var url: String
    /// The HMAC key; shown once to the administrator, kept to sign each delivery.
    @Field(key: "secret") var secret: String
    /// ``WebhookEvent`` types, comma-separated, or `*` for every one.
    @Field(key: "events") var events: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "disabled_at") var disabledAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $owner, $url, $secret, $events, $createdAt, $disabledAt] }

    init() {}

    func wants(_ type: String) -> Bool {
        events == "*" || events.split(separator: ",").contains { $0 == type }
    }
}

/// One event to deliver to one endpoint (`webhook_deliveries`), retried until it is accepted.
final class WebhookDeliveryModel: Model, @unchecked Sendable {
    static let schema = "webhook_deliveries"

    @ID(key: .id) var id: UUID?
    @Parent(key: "endpoint_id") var endpoint: WebhookEndpointModel
    @Field(key: "event_type") var eventType: String
    @Field(key: "payload") var payload: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "claimed_until") var claimedUntil: Date?
    @OptionalField(key: "delivered_at") var deliveredAt: Date?
    @OptionalField(key: "failed_at") var failedAt: Date?
    @OptionalField(key: "last_status") var lastStatus: Int?
    @OptionalField(key: "last_error") var lastError: String?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [
            $id, $endpoint, $eventType, $payload, $createdAt, $attempts, $nextAttemptAt, $claimedUntil, $deliveredAt,
            $failedAt, $lastStatus, $lastError,
        ]
    }

    init() {}
}

/// A long import run in the background (`import_jobs`): its file, its progress, its outcome.
final class ImportJobModel: Model, @unchecked Sendable {
    static let schema = "import_jobs"

    enum Status: String {
        case running, done, refused, failed
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "call_id") var call: CallModel
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "file_name") var fileName: String
    /// The file, kept until it is imported (imports may be checked again on another instance).
    @Field(key: "content") var content: String
    @Field(key: "dry_run") var dryRun: Bool
    @Field(key: "status") var status: String
    /// Data rows in the file, and rows checked so far.
    @Field(key: "total") var total: Int
    @Field(key: "processed") var processed: Int
    /// The summary, or the report's faulty rows as JSON (`[{"line":…,"problems":[…]}]`).
    @OptionalField(key: "outcome") var outcome: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?
    /// Renewed every few seconds while the job runs (``ImportJobs/heartbeat``).
    @OptionalField(key: "heartbeat_at") var heartbeatAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [
            $id, $call, $user, $fileName, $content, $dryRun, $status, $total, $processed, $outcome, $createdAt,
            $finishedAt, $heartbeatAt,
        ]
    }

    init() {}
}
