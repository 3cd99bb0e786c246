import CoreMetrics
import Foundation
import NIOConcurrencyHelpers
import Prometheus

/// The process's metrics, in Prometheus's text format at `/metrics` (``MetricsController``).
///
/// swift-metrics is the API (Vapor records every request through it: `http_requests_total`,
/// `http_request_errors_total` and the `http_request_duration_seconds` histogram, by method, route
/// pattern and status — an unknown address counts as `vapor_route_undefined`, so that no client
/// can grow the series without bound); swift-prometheus is the backend, bootstrapped once per
/// process (`MetricsSystem` can be set only once: tests configure many applications in one).
/// Guichet's own counters go through the same API; the queue depths and ages are read from the
/// database when the metrics are scraped (``MetricsController``), so that they are true for every
/// instance sharing it.
enum GuichetMetrics {
    /// The registry the factory writes into and `/metrics` reads.
    static let registry = PrometheusCollectorRegistry()

    private static let bootstrapped = NIOLockedValueBox(false)

    /// Makes swift-prometheus the metrics backend, once.
    static func bootstrap() {
        let first = bootstrapped.withLockedValue { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        var factory = PrometheusMetricsFactory(registry: registry)
        // From a frozen page (under a millisecond) to a slow export.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
    }

    /// Sign-ins refused for a wrong address or password.
    static func failedLogin() {
        CoreMetrics.Counter(label: "guichet_failed_logins_total").increment()
    }

    /// A published page or file answered from memory, before the router (``FrozenAnswers``):
    /// these never reach Vapor's responder, so its request counters do not see them.
    static func frozenAnswer() { frozenAnswers.increment() }

    private static let frozenAnswers = CoreMetrics.Counter(label: "guichet_frozen_answers_total")

    /// The whole text a scrape reads.
    static func text() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16_384)
        registry.emit(into: &buffer)
        return buffer
    }
}
