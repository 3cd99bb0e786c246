import Foundation

/// An email address, normalised for comparison (trimmed, lowercased).
public struct EmailAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    /// Checks the address's shape: one `@`, a non-empty local part, a domain with a dot, no space
    /// or control character, at most 254 characters. Deliverability is proven by the emailed link.
    /// - Throws: ``DomainError/invalidForm(errors:)`` on the `email` field.
    public init(_ text: String) throws(DomainError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        let valid =
            trimmed.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[0].count <= 64
            && parts[1].contains(".") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && !parts[1].contains("..")
            && trimmed.unicodeScalars.allSatisfy {
                $0.value > 32 && $0.value != 127 && !"<>()[]\\,;:\"".unicodeScalars.contains($0)
            }
        guard valid else {
            throw .invalidForm(errors: ["email": "Adresse électronique invalide : elle s'écrit comme nom@exemple.fr."])
        }
        value = trimmed
    }

    public var description: String { value }
}

/// The password rules: long enough to resist guessing, short enough for bcrypt.
public enum PasswordPolicy {
    /// ANSSI's recommendation for passwords alone protecting an account: 12 characters at least.
    public static let minimumLength = 12
    /// bcrypt reads 72 bytes at most; longer passwords would be silently truncated.
    public static let maximumBytes = 72

    /// Checks a new password (and its confirmation).
    /// - Throws: ``DomainError/invalidForm(errors:)`` on `password` or `password_confirmation`.
    public static func check(_ password: String, confirmation: String) throws(DomainError) {
        if password.count < minimumLength {
            throw .invalidForm(errors: [
                "password":
                    "Le mot de passe doit comporter au moins \(minimumLength) caractères (vous en avez saisi \(password.count))."
            ])
        }
        if password.utf8.count > maximumBytes {
            throw .invalidForm(errors: [
                "password":
                    "Le mot de passe est trop long : \(maximumBytes) octets au plus (environ \(maximumBytes) lettres sans accent)."
            ])
        }
        if password != confirmation {
            throw .invalidForm(errors: ["password_confirmation": "La confirmation ne correspond pas au mot de passe."])
        }
    }
}

/// Slows down repeated failed logins, per account and per network address.
///
/// The first failures are free (people mistype); from then on each failure doubles the wait, up to
/// an hour. Counters live in the database, so every server instance sees the same state.
public struct LoginThrottle: Sendable, Equatable {
    /// Failures counted so far in the current window, and when the window started.
    public var failures: Int
    public var windowStart: Date
    /// No attempt is examined before this instant.
    public var blockedUntil: Date?

    public init(failures: Int = 0, windowStart: Date, blockedUntil: Date? = nil) {
        self.failures = failures
        self.windowStart = windowStart
        self.blockedUntil = blockedUntil
    }

    /// Failures allowed before any wait.
    public static let freeFailures = 5
    /// A window after which failures are forgotten.
    public static let window: TimeInterval = 15 * 60
    public static let firstDelay: TimeInterval = 30
    public static let maximumDelay: TimeInterval = 3600

    /// When a new attempt may be examined; `nil` if it may be now.
    public func waitUntil(now: Date) -> Date? {
        guard let blockedUntil, blockedUntil > now else { return nil }
        return blockedUntil
    }

    /// The state after a failed attempt at `now`.
    public func failing(at now: Date) -> LoginThrottle {
        var next =
            now.timeIntervalSince(windowStart) > Self.window && (blockedUntil ?? .distantPast) <= now
            ? LoginThrottle(failures: 0, windowStart: now)
            : self
        next.failures += 1
        if next.failures >= Self.freeFailures {
            let exponent = Double(min(next.failures - Self.freeFailures, 10))
            let delay = min(Self.firstDelay * pow(2, exponent), Self.maximumDelay)
            next.blockedUntil = now.addingTimeInterval(delay)
        }
        return next
    }
}
