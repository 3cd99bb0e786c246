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
        /// The request's id, as every log line about it carries it (`request-id`).
        let requestID: String
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let (status, code, message) = describe(error, request: request)
            let wantsJSON =
                request.url.path.hasPrefix(SiteURL.apiPrefix) || request.url.path == SiteURL.health.path
                || request.url.path == SiteURL.healthReady.path
                || request.headers.accept.first.map {
                    $0.mediaType.type == "application" && $0.mediaType.subType == "json"
                } == true
            // Headers an error carries are part of its answer (`Allow` on a 405), and the request's
            // id, which the logs carry, so that a reported error is found in them.
            var carried = (error as? Abort)?.headers ?? [:]
            carried.replaceOrAdd(name: "X-Request-Id", value: request.id)
            if wantsJSON {
                let response = Response(status: status)
                try response.content.encode(ErrorBody(error: .init(code: code, message: message)))
                for (name, value) in carried { response.headers.replaceOrAdd(name: name, value: value) }
                return response
            }
            let page = ErrorPage(
                chrome: .make(request), title: status == .notFound ? "Page introuvable" : "Une erreur est survenue",
                status: status.code, message: message, code: code, requestID: request.id)
            do {
                let view = try await request.view.render("error", page).encodeResponse(for: request)
                view.status = status
                for (name, value) in carried { view.headers.replaceOrAdd(name: name, value: value) }
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
            case .methodNotAllowed:
                (code, message) = ("method_not_allowed", "Cette action n'est pas possible sur cette adresse.")
            case .badRequest: (code, message) = ("bad_request", "La requête est mal formée.")
            default: (code, message) = ("http_\(abort.status.code)", abort.reason)
            }
            return (abort.status, code, message)
        default:
            request.logger.report(error: error)
            return (
                .internalServerError, "internal_error",
                "Une erreur inattendue est survenue ; elle a été journalisée. Réessayez dans un instant."
            )
        }
    }
}
