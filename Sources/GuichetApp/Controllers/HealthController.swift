import Fluent
import SQLKit
import Vapor

/// `GET /health`: answers `{"status":"ok"}` once the database has answered a query.
struct HealthController: RouteCollection {
    struct Health: Content {
        let status: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.health, use: health)
    }

    @Sendable
    func health(req: Request) async throws -> Health {
        do {
            _ = try await CallModel.query(on: req.db).count()
        } catch {
            req.logger.error("health check: database unreachable: \(String(reflecting: error))")
            throw AppError(
                status: .serviceUnavailable, code: "database_unavailable",
                message: "La base de données ne répond pas.")
        }
        return Health(status: "ok")
    }
}
