import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// `GET /metrics`: Prometheus's text format (``GuichetMetrics``), for a scraper on the same
/// machine or one that presents the token.
///
/// Allowed when the client is the loopback itself — the address as Guichet understands it behind
/// its trusted proxies (`GUICHET_TRUSTED_PROXIES`), so that a request relayed by the local nginx for
/// someone outside is not taken for a local one — or when it sends `Authorization: Bearer` with
/// `GUICHET_METRICS_TOKEN` (compared in constant time). Anyone else gets a 404, as for an address
/// that does not exist: the page is not announced.
///
/// Besides what the requests record, each scrape reads from the database what every instance
/// shares: the outbox's and the webhooks' waiting items and the age of the oldest, the imports
/// running; and from this instance, the requests in flight and the database pool's size.
struct MetricsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.metrics, use: metrics)
    }

    @Sendable
    func metrics(req: Request) async throws -> Response {
        guard Self.allowed(req) else { throw Abort(.notFound) }
        var text = GuichetMetrics.text()
        text.append(contentsOf: try await Self.readGauges(req).utf8)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: Data(text)))
    }

    static func allowed(_ req: Request) -> Bool {
        if let token = req.application.guichetConfiguration.metricsToken, !token.isEmpty,
            let presented = req.headers.bearerAuthorization?.token
        {
            // Both hashed first: equal lengths, and the comparison's time says nothing of the token.
            let expected = SHA256.hash(data: Data(token.utf8))
            let given = SHA256.hash(data: Data(presented.utf8))
            if zip(expected, given).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 { return true }
        }
        let client = req.clientAddress
        return client == "127.0.0.1" || client == "::1" || client.hasPrefix("127.")
    }

    /// The gauges read at each scrape, in Prometheus's text format. They are written into the
    /// answer rather than kept in the registry: their values belong to the moment and to this
    /// application's database.
    static func readGauges(_ req: Request) async throws -> String {
        var gauges = PrometheusGauges()
        let sql = try req.db.sql()
        for (name, count, age) in try await HealthController.queues(on: req.db, now: Date()) {
            gauges.set("guichet_\(name)_waiting", Double(count))
            gauges.set("guichet_\(name)_oldest_waiting_seconds", age)
        }
        let running = try await ImportJobModel.query(on: req.db).filter(
            \.$status == ImportJobModel.Status.running.rawValue
        ).count()
        gauges.set("guichet_imports_running", Double(running))
        gauges.set("guichet_requests_in_flight", Double(req.application.guichetServer.inFlight.count))
        let configuration = req.application.guichetConfiguration
        let loops = Double(req.application.eventLoopGroup.makeIterator().reduce(0) { count, _ in count + 1 })
        if case .postgres = configuration.database {
            gauges.set("guichet_database_pool_size", Double(configuration.databasePoolSize) * loops)
            // Connections by state on the whole database (every instance), as PostgreSQL counts them.
            for row in try await sql.raw(
                """
                SELECT COALESCE(state, 'unknown') AS state, COUNT(*) AS n FROM pg_stat_activity
                WHERE datname = current_database() GROUP BY state
                """
            ).all() {
                gauges.set(
                    "guichet_database_connections", Double(try row.decode(column: "n", as: Int.self)),
                    labels: [("state", try row.decode(column: "state", as: String.self))])
            }
        } else {
            gauges.set("guichet_database_pool_size", loops)
        }
        return gauges.text
    }
}

/// Gauges in Prometheus's text exposition format, one `# TYPE` line a name.
struct PrometheusGauges {
    private var names: [String] = []
    private var samples: [String: [String]] = [:]

    mutating func set(_ name: String, _ value: Double, labels: [(String, String)] = []) {
        if samples[name] == nil { names.append(name) }
        let rendered =
            labels.isEmpty
            ? ""
            : "{" + labels.map { "\($0.0)=\"\(Self.escaped($0.1))\"" }.joined(separator: ",") + "}"
        samples[name, default: []].append("\(name)\(rendered) \(value)")
    }

    var text: String {
        names.map { name in "# TYPE \(name) gauge\n" + (samples[name] ?? []).joined(separator: "\n") + "\n" }.joined()
    }

    static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
