import Crypto
import Foundation
import Vapor

/// Secrets: 32 random bytes from the system's generator, base64url (43 characters) — single-use
/// links sent by email (stored only as their SHA-256), API tokens, webhook signing keys.
enum SecretToken {
    static func make() -> String { Data([UInt8].random(count: 32)).base64URLEncodedString() }

    static func hash(_ token: String) -> String {
        Hex.string(SHA256.hash(data: Data(token.utf8)))
    }
}

extension Data {
    /// Base64 without padding, URL-safe: tokens that travel in links and form fields.
    func base64URLEncodedString() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
