import Foundation
import Testing
import VaporTesting

@testable import GuichetApp

/// Every answer carries the security headers, error pages included.
@Suite struct SecurityHeadersTests {
    static func expectHeaders(_ res: TestingHTTPResponse, _ what: String) {
        #expect(
            res.headers.first(name: "Content-Security-Policy")?.contains("script-src 'none'") == true, "\(what): CSP")
        #expect(res.headers.first(name: "X-Frame-Options") == "DENY", "\(what): frames")
        #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(what): nosniff")
        #expect(res.headers.first(name: "Referrer-Policy") == "same-origin", "\(what): referrer")
    }

    @Test func errorPagesCarryTheSameHeadersAsEveryPage() async throws {
        try await withGuichet(demo: false) { app in
            let missing = try await Browser(app).get("/nulle-part")
            #expect(missing.status == .notFound)
            Self.expectHeaders(missing, "404")
            let forged = try await Browser(app).post(
                SiteURL.login.path, ["email": "a@b.fr", "password": "x"], csrf: false)
            #expect(forged.status == .forbidden)
            Self.expectHeaders(forged, "403")
            let api = try await Browser(app).get("/api/v1/calls/inconnu")
            #expect(api.status == .notFound)
            Self.expectHeaders(api, "API 404")
            #expect(missing.headers.first(name: "Strict-Transport-Security") == nil)
        }
    }

    @Test func httpsDeploymentsAskBrowsersToStayOnHTTPS() async throws {
        try await withGuichet(demo: false, adjust: { $0.secureCookies = true }) { app in
            let home = try await Browser(app).get("/")
            #expect(home.headers.first(name: "Strict-Transport-Security") == "max-age=31536000; includeSubDomains")
            let missing = try await Browser(app).get("/nulle-part")
            #expect(missing.headers.first(name: "Strict-Transport-Security") == "max-age=31536000; includeSubDomains")
        }
    }
}
