import Fluent
import GuichetDomain
import Vapor

/// Pages for logged-in people: others are sent to the login page (API: 401).
struct LoginRequired: AsyncMiddleware {
    static let returnKey = "return_to"

    /// A local path to go back to, never another site (`//host`, `https:`).
    static func safeReturn(_ path: String?) -> String? {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\"), path.count < 2_000 else {
            return nil
        }
        return path
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.auth.has(UserModel.self) else {
            if request.url.path.hasPrefix(SiteURL.apiPrefix) {
                throw AppError(status: .unauthorized, code: "login_required", message: "Connexion requise.")
            }
            Flash.set("Connectez-vous pour accéder à cette page.", on: request)
            // Back to the page asked for after login (an invitation link, a dossier).
            if request.method == .GET { request.session.data[Self.returnKey] = request.url.string }
            return request.redirect(to: SiteURL.login.path)
        }
        return try await next.respond(to: request)
    }
}
