import Crypto
import Foundation
import Vapor

/// Protects every form against cross-site request forgery (synchroniser token pattern).
///
/// Each session holds a random token; every form carries it in a hidden `_csrf` field; any
/// POST/PUT/PATCH/DELETE outside the JSON API must send it back. The JSON API is not
/// session-authenticated, so it has nothing to protect this way.
struct CSRFMiddleware: AsyncMiddleware {
    static let sessionKey = "csrf"
    static let fieldName = "_csrf"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let unsafe: [HTTPMethod] = [.POST, .PUT, .PATCH, .DELETE]
        guard unsafe.contains(request.method), !request.url.path.hasPrefix(SiteURL.apiPrefix) else {
            return try await next.respond(to: request)
        }
        // The body was read by RequestLimitsMiddleware, within its route's limit.
        let sent = try? request.content.get(String.self, at: Self.fieldName)
        guard let expected = request.hasSession ? request.session.data[Self.sessionKey] : nil,
            let sent, Self.constantTimeEqual(sent, expected)
        else {
            throw AppError(
                status: .forbidden, code: "csrf_invalid",
                message: "Ce formulaire a expiré ou ne provient pas de Guichet : rechargez la page et recommencez.")
        }
        return try await next.respond(to: request)
    }

    /// The session's token, created on first use.
    static func token(for request: Request) -> String {
        if let token = request.session.data[sessionKey] { return token }
        let token = Data([UInt8].random(count: 32)).base64URLEncodedString()
        request.session.data[sessionKey] = token
        return token
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
