import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// Pages for staff of the given roles; everyone else gets 404.
struct StaffRequired: AsyncMiddleware {
    let roles: Set<Role>

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = request.auth.get(UserModel.self), let role = Role(rawValue: user.role), roles.contains(role)
        else {
            throw AppError.notFound()
        }
        return try await next.respond(to: request)
    }
}
