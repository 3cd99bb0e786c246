import Fluent
import SQLKit
import Vapor

/// `GET /health` (liveness): answers `{"status":"ok"}` once the database has answered a query.
///
/// `GET /health/ready` (readiness, for a load balancer or an orchestrator): 200 when this instance
/// should receive traffic, 503 otherwise, with each check in the body: the database answers, its
/// migrations are exactly this binary's (none pending, none from a newer version), and the
/// outbox and webhook queues are not falling behind (see ``Backlog``).
struct HealthController: RouteCollection {
    struct Health: Content {
        let status: String
    }

    struct Readiness: Content {
        struct Check: Content {
            let name: String
            let ok: Bool
            let detail: String
        }
        let status: String
        let checks: [Check]
    }

    /// When a queue is said to fall behind: more than `maxWaiting` items waiting, or the oldest
    /// waiting longer than `maxAge` seconds (mail is sent every 5 s and retried with a growing
    /// delay, so an hour means the sending has stopped or keeps failing).
    struct Backlog {
        static let maxWaiting = 5_000
        static let maxAge: TimeInterval = 3_600
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(.health, use: health)
        routes.get(.healthReady, use: ready)
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

    /// The outbox's and the webhooks' waiting items and the age of the oldest, in seconds: what
    /// readiness judges and what the metrics report.
    static func queues(on db: any Database, now: Date) async throws -> [(name: String, waiting: Int, age: Double)] {
        let sql = try db.sql()
        var queues: [(name: String, waiting: Int, age: Double)] = []
        for (name, table, waiting) in [
            ("outbox", OutboxMessageModel.schema, "sent_at IS NULL"),
            ("webhooks", WebhookDeliveryModel.schema, "delivered_at IS NULL AND failed_at IS NULL"),
        ] {
            let row = try await sql.raw(
                "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM \(ident: table) WHERE \(unsafeRaw: waiting)"
            ).first()
            let count = try row?.decode(column: "n", as: Int.self) ?? 0
            let oldest = try row?.decodeIfPresent(column: "oldest", as: Date.self)
            queues.append((name, count, oldest.map { now.timeIntervalSince($0) } ?? 0))
        }
        return queues
    }

    @Sendable
    func ready(req: Request) async throws -> Response {
        var checks: [Readiness.Check] = []
        do {
            let version = try await SchemaVersion.read(req.db)
            checks.append(.init(name: "database", ok: true, detail: "la base répond"))
            let (pending, unknown) = (version.pending, version.unknown)
            checks.append(
                .init(
                    name: "migrations", ok: pending.isEmpty && unknown.isEmpty,
                    detail: pending.isEmpty && unknown.isEmpty
                        ? "\(version.known.count) migrations, toutes appliquées"
                        : "\(pending.count) en attente, \(unknown.count) inconnues de ce programme"))
            for (name, count, age) in try await Self.queues(on: req.db, now: Date()) {
                checks.append(
                    .init(
                        name: name, ok: count <= Backlog.maxWaiting && age <= Backlog.maxAge,
                        detail: "\(count) en attente, la plus ancienne depuis \(Int(age)) s"))
            }
        } catch {
            req.logger.error("readiness: database unreachable: \(String(reflecting: error))")
            checks.append(.init(name: "database", ok: false, detail: "la base ne répond pas"))
        }
        let ready = checks.allSatisfy(\.ok)
        let response = Response(status: ready ? .ok : .serviceUnavailable)
        try response.content.encode(Readiness(status: ready ? "ready" : "not_ready", checks: checks))
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
