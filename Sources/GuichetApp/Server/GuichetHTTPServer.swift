import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Vapor

/// Guichet's HTTP/1.1 server: SwiftNIO's HTTP parser in front of Vapor's responder. Routing,
/// middleware, sessions, views — everything past the parser — stay Vapor's.
///
/// Why Guichet runs its own server rather than Vapor's: Vapor's pipeline cannot be extended, and
/// when SwiftNIO's parser meets an address or headers over its 80 KB limit, or any malformed
/// request, that pipeline closes the connection without a word — a reset where a browser, a
/// proxy or a scanner expects 414, 431 or 400. Here:
///
/// - ``RequestLineGuard`` sits before the parser and answers **414** as soon as a request line
///   outgrows what Guichet serves (``RequestLimits/requestLineBytes``), whatever its length.
/// - Other parse errors are answered **431** (headers over 80 KB) or **400**, then the
///   connection closes.
/// - Each body's limit is decided from its route *before a byte of it is read*
///   (``RouteBodyLimits``): a form's few kilobytes, the configured upload size on the routes that
///   take files. A `Content-Length` over it is answered **413** at once without reading the body;
///   a body sent without one is cut at the limit. `Expect: 100-continue` is honoured.
/// - Every refusal goes through Guichet's middleware like any request (``RequestLimits/Refusal``),
///   so it carries the same French page or JSON code, and the same security headers.
/// - A connection whose next request does not arrive within the idle timeout is closed; at
///   shutdown the server stops accepting, lets each connection finish its response, then closes.
///
/// Bodies are collected (within their limit) before the responder runs; responses are written
/// with their length (a streamed body is collected first: Guichet's largest, a file of the upload
/// size, fits in memory). Requests pipelined on one connection are answered in order.
final class GuichetHTTPServer: Server, @unchecked Sendable {
    private unowned let application: Application
    private let state = NIOLockedValueBox(State())
    private let shutdownPromise: EventLoopPromise<Void>
    /// The requests being answered: shutdown waits for them (``RequestsInFlight``).
    let inFlight = RequestsInFlight()

    private struct State {
        var channel: (any Channel)?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var stopping = false
        var shutDown = false
    }

    /// How long a kept-alive connection may stay silent before it is closed.
    static let idleTimeout: TimeAmount = .seconds(60)
    /// How long the shutdown waits for requests still being answered once every connection is
    /// closed.
    static let drainLimit: TimeAmount = .seconds(60)

    init(application: Application) {
        self.application = application
        self.shutdownPromise = application.eventLoopGroup.any().makePromise(of: Void.self)
    }

    var onShutdown: EventLoopFuture<Void> { shutdownPromise.futureResult }

    /// The address the server listens on, once started (the port chosen when asked for port 0).
    var localAddress: SocketAddress? { state.withLockedValue { $0.channel?.localAddress } }

    @available(*, noasync, message: "Use the async start() method instead.")
    func start(address: BindAddress?) throws {
        try bind(address).wait()
    }

    func start(address: BindAddress?) async throws {
        try await bind(address).get()
    }

    private func bind(_ address: BindAddress?) -> EventLoopFuture<Void> {
        var configuration = application.http.server.configuration
        switch address {
        case .none: break
        case .hostname(let hostname, let port):
            configuration.address = .hostname(hostname ?? configuration.hostname, port: port ?? configuration.port)
        case .unixDomainSocket:
            configuration.address = address ?? configuration.address
        }
        let application = self.application
        let responder = application.responder.current
        let limits = RouteBodyLimits(
            routes: application.routes, maxUploadBytes: application.guichetConfiguration.maxUploadBytes)
        let frozen = application.frozenAnswers
        let httpsOnly = application.guichetConfiguration.secureCookies
        let inFlight = self.inFlight
        frozen.freezeStaticAnswers(
            publicDirectory: AppResources.publicDirectory, openAPI: try? OpenAPIDocument.json(), started: Date())
        let bootstrap = ServerBootstrap(group: application.eventLoopGroup)
            .serverChannelOption(ChannelOptions.backlog, value: Int32(configuration.backlog))
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: configuration.reuseAddress ? 1 : 0)
            .childChannelInitializer { [weak self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let lineGuard = RequestLineGuard(maxBytes: RequestLimits.requestLineBytes)
                    try channel.pipeline.syncOperations.addHandlers([
                        lineGuard,
                        HTTPResponseEncoder(),
                        ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)),
                        IdleStateHandler(readTimeout: Self.idleTimeout),
                        HTTPBridge(
                            application: application, responder: responder, limits: limits, lineGuard: lineGuard,
                            frozen: frozen, httpsOnly: httpsOnly, inFlight: inFlight),
                    ])
                    self?.track(channel)
                }
            }
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: configuration.tcpNoDelay ? 1 : 0)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 1)
        let bound: EventLoopFuture<any Channel>
        switch configuration.address {
        case .hostname(let hostname, let port):
            bound = bootstrap.bind(host: hostname ?? configuration.hostname, port: port ?? configuration.port)
        case .unixDomainSocket(let path):
            bound = bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true)
        }
        let chosen = configuration
        return bound.map { [self] channel in
            var configuration = chosen
            state.withLockedValue { state in
                state.channel = channel
                state.stopping = false
            }
            if let local = channel.localAddress {
                if let hostname = local.ipAddress, let port = local.port {
                    configuration.address = .hostname(hostname, port: port)
                } else if let path = local.pathname {
                    configuration.address = .unixDomainSocket(path: path)
                }
            }
            application.http.server.configuration = configuration
            let description =
                switch configuration.address {
                case .hostname(let hostname, let port):
                    "http://\(hostname ?? configuration.hostname):\(port ?? configuration.port)"
                case .unixDomainSocket(let path): "unix:\(path)"
                }
            configuration.logger.notice("Server started on \(description)")
            if case .hostname(let hostname, let port) = configuration.address {
                Self.adoptAddress(
                    hostname: hostname ?? configuration.hostname, port: port ?? configuration.port, in: application)
            }
        }
    }

    /// Without `GUICHET_PUBLIC_URL`, the links in emails name the address just bound (the port of
    /// `serve --port`, not a fixed default): a mail written by a test run or a demo on another port
    /// still leads back to it. In production the setting is expected (behind a proxy the bound
    /// address is not the one people reach): its absence is logged as a warning at every start.
    static func adoptAddress(hostname: String, port: Int, in application: Application) {
        var settings = application.guichetConfiguration
        guard settings.publicURLIsDefault else { return }
        let host =
            ["0.0.0.0", "::", ""].contains(hostname)
            ? "127.0.0.1" : (hostname.contains(":") ? "[\(hostname)]" : hostname)
        settings.publicURL = "http://\(host):\(port)"
        application.storage[ConfigurationKey.self] = settings
        if application.environment == .production {
            application.logger.warning(
                "GUICHET_PUBLIC_URL n'est pas défini : les liens des courriels mènent à \(settings.publicURL). Donnez l'adresse publique du service."
            )
        }
    }

    private func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let stopping = state.withLockedValue { state in
            state.connections[id] = channel
            return state.stopping
        }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.state.withLockedValue { $0.connections.removeValue(forKey: id) }
        }
        if stopping { channel.pipeline.fireUserInboundEventTriggered(HTTPBridge.CloseWhenIdle()) }
    }

    @available(*, noasync, message: "Use the async shutdown() method instead.")
    func shutdown() {
        try? stop().wait()
    }

    func shutdown() async {
        try? await stop().get()
    }

    /// Stops accepting, lets each connection finish the response it is writing, closes every
    /// connection (those still busy after the configured shutdown timeout included).
    private func stop() -> EventLoopFuture<Void> {
        let (channel, connections) = state.withLockedValue { state in
            state.stopping = true
            let channel = state.channel
            state.channel = nil
            return (channel, Array(state.connections.values))
        }
        let loop = application.eventLoopGroup.any()
        let closed = (channel?.close() ?? loop.makeSucceededVoidFuture()).flatMapErrorThrowing { _ in }
        for connection in connections { connection.pipeline.fireUserInboundEventTriggered(HTTPBridge.CloseWhenIdle()) }
        let finished = EventLoopFuture.andAllComplete(connections.map(\.closeFuture), on: loop)
        let timeout = application.http.server.configuration.shutdownTimeout
        let deadline = loop.scheduleTask(in: timeout) {
            for connection in connections { connection.close(promise: nil) }
        }
        // Then the requests still being answered, their connections closed or not: the databases
        // are shut down after this (``RequestsInFlight``), within a bound past which the
        // shutdown goes on regardless.
        let inFlight = self.inFlight
        let logger = application.logger
        let drained = closed.and(finished).flatMap { _ -> EventLoopFuture<Void> in
            let pending = inFlight.count
            guard pending > 0 else { return loop.makeSucceededVoidFuture() }
            logger.notice("Waiting for \(pending) request(s) still being answered before stopping")
            let done = loop.makePromise(of: Void.self)
            let once = NIOLockedValueBox(false)
            let finish = {
                let first = once.withLockedValue { settled -> Bool in
                    defer { settled = true }
                    return !settled
                }
                if first { done.succeed() }
            }
            let bound = loop.scheduleTask(in: Self.drainLimit) {
                logger.warning("Stopping with \(inFlight.count) request(s) still being answered")
                finish()
            }
            inFlight.drained(on: loop).whenComplete { _ in
                bound.cancel()
                finish()
            }
            return done.futureResult
        }
        return drained.map { _ in
            deadline.cancel()
            let first = self.state.withLockedValue { state in
                defer { state.shutDown = true }
                return !state.shutDown
            }
            if first { self.shutdownPromise.succeed() }
        }
    }
}

extension Application {
    private struct GuichetServerKey: StorageKey {
        typealias Value = GuichetHTTPServer
    }

    /// Guichet's server for this application (one instance: `serve`, tests and shutdown share it).
    var guichetServer: GuichetHTTPServer {
        if let existing = storage[GuichetServerKey.self] { return existing }
        let server = GuichetHTTPServer(application: self)
        storage[GuichetServerKey.self] = server
        return server
    }
}

/// What a body may weigh, by route, known before the body is read: the routes marked
/// ``Vapor/Route/takingFiles()`` accept the configured upload size and their form, every other
/// one a form's size.
struct RouteBodyLimits: Sendable {
    private let fileRoutes: [(method: HTTPMethod, path: [PathComponent])]
    private let maxUploadBytes: Int

    init(routes: Routes, maxUploadBytes: Int) {
        fileRoutes = routes.all.filter { $0.userInfo[RequestLimits.userInfoKey] as? Bool == true }.map {
            ($0.method, $0.path)
        }
        self.maxUploadBytes = maxUploadBytes
    }

    /// The limit of a request to this path (its query left out), and whether it takes files.
    func limit(method: HTTPMethod, uri: String) -> (bytes: Int, files: Bool) {
        let path = uri.split(separator: "?", maxSplits: 1).first ?? ""
        let parts = path.split(separator: "/")
        let takesFiles = fileRoutes.contains { route in
            route.method == method && route.path.count == parts.count
                && zip(route.path, parts).allSatisfy { component, part in
                    if case .constant(let constant) = component { return constant == part }
                    return true
                }
        }
        return takesFiles ? (maxUploadBytes + RequestLimits.formBytes, true) : (RequestLimits.formBytes, false)
    }
}
