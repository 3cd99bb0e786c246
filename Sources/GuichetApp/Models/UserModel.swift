import Fluent
import Foundation
import Vapor

/// A person with an account (`users`): applicants now, staff later.
final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    /// Normalised (lowercased) address; unique.
    @Field(key: "email") var email: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "display_name") var displayName: String
    /// A ``GuichetDomain/Role`` raw value.
    @Field(key: "role") var role: String
    @OptionalField(key: "email_verified_at") var emailVerifiedAt: Date?
    /// Set when an administrator closes a staff account: no login, no session, history kept.
    @OptionalField(key: "disabled_at") var disabledAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [$id, $email, $passwordHash, $displayName, $role, $emailVerifiedAt, $disabledAt, $createdAt]
    }

    init() {}

    init(id: UUID? = nil, email: String, passwordHash: String, displayName: String, role: String) {
        self.id = id
        self.email = email
        self.passwordHash = passwordHash
        self.displayName = displayName
        self.role = role
    }
}

extension UserModel: ModelSessionAuthenticatable {}

/// A single-use secret sent by email (`user_tokens`): only its SHA-256 is stored.
final class UserTokenModel: Model, @unchecked Sendable {
    static let schema = "user_tokens"

    enum Purpose: String {
        case verifyEmail = "verify_email"
        case resetPassword = "reset_password"
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: UserModel
    @Field(key: "purpose") var purpose: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $user, $purpose, $tokenHash, $expiresAt, $usedAt, $createdAt] }

    init() {}

    init(userID: UUID, purpose: Purpose, tokenHash: String, expiresAt: Date) {
        self.$user.id = userID
        self.purpose = purpose.rawValue
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
    }
}

/// Failed-login counters (`login_attempts`), one row per key (`email:…`, `ip:…`).
final class LoginAttemptModel: Model, @unchecked Sendable {
    static let schema = "login_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "failures") var failures: Int
    @Field(key: "window_start") var windowStart: Date
    @OptionalField(key: "blocked_until") var blockedUntil: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $key, $failures, $windowStart, $blockedUntil] }

    init() {}
}

/// An email waiting to be sent, or sent (`outbox_messages`). A message is never deleted by a
/// failed send: it is retried until it goes.
final class OutboxMessageModel: Model, @unchecked Sendable {
    static let schema = "outbox_messages"

    @ID(key: .id) var id: UUID?
    @Field(key: "to_address") var toAddress: String
    @Field(key: "subject") var subject: String
    @Field(key: "body_text") var bodyText: String
    /// What the message is about (`verify_email`, `reset_password`, `receipt`…), for the logs.
    @Field(key: "kind") var kind: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    /// A sender holds the message until this instant (so two instances never send it twice).
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @OptionalField(key: "sent_at") var sentAt: Date?
    @OptionalField(key: "last_error") var lastError: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] {
        [
            $id, $toAddress, $subject, $bodyText, $kind, $attempts, $nextAttemptAt, $lockedUntil, $sentAt, $lastError,
            $createdAt,
        ]
    }

    init() {}

    init(to: String, subject: String, body: String, kind: String, now: Date) {
        self.toAddress = to
        self.subject = subject
        self.bodyText = body
        self.kind = kind
        self.attempts = 0
        self.nextAttemptAt = now
    }
}

/// Restores the signed-in person from the session, unless their account was closed since: a
/// closed account loses its open sessions at once, on every instance.
struct OpenAccountAuthenticator: AsyncSessionAuthenticator {
    typealias User = UserModel

    func authenticate(sessionID: UUID, for request: Request) async throws {
        // The session store read the account with the session row (same query) when it could.
        var user = request.storage[SessionStore.SessionUser.self].flatMap { $0.id == sessionID ? $0 : nil }
        if user == nil { user = try await UserModel.find(sessionID, on: request.db) }
        guard let user, user.disabledAt == nil else { return }
        request.auth.login(user)
    }
}
