import Fluent
import Foundation
import Vapor
import VaporTesting

@testable import GuichetApp

/// A person with a browser: keeps the session cookie between requests, reads each page's CSRF
/// token, and posts forms as HTML does (URL-encoded).
final class Browser: @unchecked Sendable {
    let app: Application
    private(set) var cookie: String?
    /// The other cookies the site set, by name.
    private var otherCookies: [String: String] = [:]
    private(set) var csrf: String?

    init(_ app: Application) { self.app = app }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await send(.GET, path, form: nil)
    }

    /// Posts a form; the page's CSRF token is added unless `csrf` is false or a field overrides it.
    @discardableResult
    func post(_ path: String, _ form: [String: String], csrf sendToken: Bool = true) async throws -> TestingHTTPResponse
    {
        var fields = form
        if sendToken, fields["_csrf"] == nil, let csrf { fields["_csrf"] = csrf }
        return try await send(.POST, path, form: fields)
    }

    /// Posts a URL-encoded form with repeated names (ticked checkboxes), in order; the CSRF token is added.
    @discardableResult
    func post(pairs path: String, _ pairs: [(String, String)]) async throws -> TestingHTTPResponse {
        try await post(path, pairs: pairs)
    }

    /// Posts a URL-encoded form with repeated names (ticked checkboxes), in order; the CSRF token is added.
    @discardableResult
    func post(_ path: String, pairs: [(String, String)]) async throws -> TestingHTTPResponse {
        var all = pairs
        if let csrf { all.append(("_csrf", csrf)) }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = all.map {
            "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }
        .joined(separator: "&")
        return try await send(.POST, path, form: nil) { req in
            req.headers.replaceOrAdd(name: .contentType, value: "application/x-www-form-urlencoded")
            req.body = ByteBuffer(string: body)
        }
    }

    /// Posts a `multipart/form-data` form as a browser does for a form with file inputs; repeated
    /// names (checkboxes) are repeated parts.
    @discardableResult
    func postMultipart(
        _ path: String, _ fields: [(String, String)], files: [(name: String, fileName: String, data: Data)] = [],
        csrf sendToken: Bool = true
    ) async throws -> TestingHTTPResponse {
        let boundary = "----GuichetTest\(UUID().uuidString)"
        var body = Data()
        var all = fields
        if sendToken, let csrf { all.append(("_csrf", csrf)) }
        for (name, value) in all {
            body.append(
                Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for file in files {
            body.append(
                Data(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.fileName)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                        .utf8))
            body.append(file.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        let payload = body
        return try await send(.POST, path, form: nil) { req in
            req.headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            req.body = ByteBuffer(data: payload)
        }
    }

    private func send(
        _ method: HTTPMethod, _ path: String, form: [String: String]?,
        prepare: (@Sendable (inout TestingHTTPRequest) throws -> Void)? = nil
    ) async throws -> TestingHTTPResponse {
        var captured: TestingHTTPResponse?
        try await app.testing().test(
            method, path,
            beforeRequest: { req in
                let jar =
                    ([self.cookie].compactMap { $0 }
                        + self.otherCookies.sorted { $0.key < $1.key }.map {
                            "\($0.key)=\($0.value)"
                        })
                if !jar.isEmpty { req.headers.replaceOrAdd(name: .cookie, value: jar.joined(separator: "; ")) }
                if let form { try req.content.encode(form, as: .urlEncodedForm) }
                try prepare?(&req)
            },
            afterResponse: { res in
                captured = res
            })
        guard let res = captured else { throw Abort(.internalServerError) }
        for value in res.headers[.setCookie] {
            guard let pair = value.split(separator: ";").first else { continue }
            let string = String(pair)
            if string.hasPrefix("guichet_session=") {
                let expired = value.contains("Max-Age=0") || string == "guichet_session="
                cookie = expired ? nil : string
            } else if let equals = string.firstIndex(of: "=") {
                // Other cookies (the queue to come back to) are kept too; paths are not told apart.
                otherCookies[String(string[..<equals])] = String(string[string.index(after: equals)...])
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
