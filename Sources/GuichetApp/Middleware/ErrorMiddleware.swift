import GuichetDomain
import Vapor

/// Turns every error into a clear answer: JSON `{"error":{"code","message"}}` for the API and
/// health check, a French HTML page for people. Unexpected errors are logged and answered with a
/// generic message, never with internals.
struct GuichetErrorMiddleware: AsyncMiddleware {
    struct ErrorBody: Content {
        struct Detail: Content {
            let code: String
            let message: String
        }
        let error: Detail
    }

    struct ErrorPage: Encodable {
        let chrome: Chrome
        let title: String
        let status: UInt
        let message: String
        let code: String
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let (status, code, message) = describe(error, request: request)
            let wantsJSON = request.url.path.hasPrefix("/api/") || request.url.path == SiteURL.health.path
                || request.headers.accept.first.map { $0.mediaType.type == "application" && $0.mediaType.subType == "json" } == true
            if wantsJSON {
                let response = Response(status: status)
                try response.content.encode(ErrorBody(error: .init(code: code, message: message)))
                return response
            }
            let page = ErrorPage(chrome: .make(request), title: status == .notFound ? "Page introuvable" : "Une erreur est survenue",
                                 status: status.code, message: message, code: code)
            do {
                let view = try await request.view.render("error", page).encodeResponse(for: request)
                view.status = status
                return view
            } catch {
                let response = Response(status: status, body: .init(string: message))
                response.headers.contentType = .plainText
                return response
            }
        }
    }

    private func describe(_ error: any Error, request: Request) -> (HTTPResponseStatus, String, String) {
        switch error {
        case let domain as DomainError:
            return (domain.httpStatus, domain.code, domain.message)
        case let app as AppError:
            return (app.status, app.code, app.message)
        case let abort as any AbortError where abort.status.code < 500:
            let code: String
            let message: String
            switch abort.status {
            case .notFound: (code, message) = ("not_found", "Cette page n'existe pas.")
            case .methodNotAllowed: (code, message) = ("method_not_allowed", "Cette action n'est pas possible sur cette adresse.")
            case .badRequest: (code, message) = ("bad_request", "La requête est mal formée.")
            default: (code, message) = ("http_\(abort.status.code)", abort.reason)
            }
            return (abort.status, code, message)
        default:
            request.logger.report(error: error)
            return (.internalServerError, "internal_error",
                    "Une erreur inattendue est survenue ; elle a été journalisée. Réessayez dans un instant.")
        }
    }
}

/// Security headers on every response; no external asset is ever loaded.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    /// Whether the site is served over HTTPS only (`GUICHET_SECURE_COOKIES=1`): browsers are then
    /// told to never use plain HTTP for it again (HSTS).
    var httpsOnly = false

    /// Installed outside the error middleware, so that error pages (404, 403, 413, 500) carry the
    /// same headers as every other answer.
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if httpsOnly {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains")
        }
        // A standalone document (the press kit) sets its own policy, allowing its one style block by hash.
        if !response.headers.contains(name: "Content-Security-Policy") {
            response.headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.policy(styleSources: "'self'"))
        }
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        return response
    }

    /// The site's policy: nothing from elsewhere, no script at all.
    static func policy(styleSources: String) -> String {
        "default-src 'self'; img-src 'self' data:; style-src \(styleSources); script-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    }
}
