import GuichetDomain
import Vapor

/// Security headers on every response; no external asset is ever loaded.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    /// Whether the site is served over HTTPS only (`GUICHET_SECURE_COOKIES=1`): browsers are then
    /// told to never use plain HTTP for it again (HSTS).
    var httpsOnly = false

    /// Installed outside the error middleware, so that error pages (404, 403, 413, 500) carry the
    /// same headers as every other answer.
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        Self.apply(to: &response.headers, httpsOnly: httpsOnly)
        return response
    }

    /// Adds the headers: the one place that lists them (the server's frozen answers use it too).
    static func apply(to headers: inout HTTPHeaders, httpsOnly: Bool) {
        if httpsOnly {
            headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains")
        }
        // A standalone document (the press kit) sets its own policy, allowing its one style block by hash.
        if !headers.contains(name: "Content-Security-Policy") {
            headers.replaceOrAdd(name: "Content-Security-Policy", value: policy(styleSources: "'self'"))
        }
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
    }

    /// The site's policy: nothing from elsewhere, no script at all.
    static func policy(styleSources: String) -> String {
        "default-src 'self'; img-src 'self' data:; style-src \(styleSources); script-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    }
}
