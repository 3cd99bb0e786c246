import Foundation
@testable import GuichetApp
import Vapor
import VaporTesting

/// A person with a browser: keeps the session cookie between requests, reads each page's CSRF
/// token, and posts forms as HTML does (URL-encoded).
final class Browser: @unchecked Sendable {
    let app: Application
    private(set) var cookie: String?
    private(set) var csrf: String?

    init(_ app: Application) { self.app = app }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await send(.GET, path, form: nil)
    }

    /// Posts a form; the page's CSRF token is added unless `csrf` is false or a field overrides it.
    @discardableResult
    func post(_ path: String, _ form: [String: String], csrf sendToken: Bool = true) async throws -> TestingHTTPResponse {
        var fields = form
        if sendToken, fields["_csrf"] == nil, let csrf { fields["_csrf"] = csrf }
        return try await send(.POST, path, form: fields)
    }

    private func send(_ method: HTTPMethod, _ path: String, form: [String: String]?) async throws -> TestingHTTPResponse {
        var captured: TestingHTTPResponse?
        try await app.testing().test(method, path, beforeRequest: { req in
            if let cookie = self.cookie { req.headers.replaceOrAdd(name: .cookie, value: cookie) }
            if let form { try req.content.encode(form, as: .urlEncodedForm) }
        }, afterResponse: { res in
            captured = res
        })
        guard let res = captured else { throw Abort(.internalServerError) }
        for value in res.headers[.setCookie] {
            guard let pair = value.split(separator: ";").first else { continue }
            let string = String(pair)
            if string.hasPrefix("guichet_session=") {
                let expired = value.contains("Max-Age=0") || string == "guichet_session="
                cookie = expired ? nil : string
            }
        }
        if let token = Self.csrfToken(in: res.body.string) { csrf = token }
        return res
    }

    /// Uses another browser's session cookie (an attacker replaying a stolen or foreign cookie).
    func adoptCookie(_ other: String?) { cookie = other }

    static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: #"name="_csrf" value=""#) else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}

/// The emails waiting in the outbox.
func outbox(_ app: Application, to address: String? = nil) async throws -> [OutboxMessageModel] {
    let query = OutboxMessageModel.query(on: app.db).sort(\.$createdAt)
    if let address { query.filter(\.$toAddress == address) }
    return try await query.all()
}

/// The token of the last link of a given path in a message body.
func linkToken(in body: String, path: String) -> String? {
    guard let range = body.range(of: "\(path)?jeton=", options: .backwards) else { return nil }
    return String(body[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
}

import Fluent
