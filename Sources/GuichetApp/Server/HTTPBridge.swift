import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Vapor

/// The last handler of a connection: turns SwiftNIO's request parts into Vapor requests — each
/// body collected within its route's limit — hands them to the responder one at a time, and writes
/// the responses back in order. Protocol refusals (a request line too long, a body over its
/// limit, headers too large, a malformed request) become requests carrying a
/// ``RequestLimits/Refusal``, answered by Guichet's middleware, after which the connection closes.
final class HTTPBridge: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Asks the connection to close once its current response is written (server shutdown).
    struct CloseWhenIdle {}

    /// A request read whole (or refused), waiting for its turn.
    private struct Pending {
        var head: HTTPRequestHead
        var body: ByteBuffer?
        var refusal: RequestLimits.Refusal?
        var frozen: FrozenAnswers.Answer?
    }

    private enum Reading {
        case idle
        case collecting(HTTPRequestHead, ByteBuffer, limit: Int, files: Bool)
        /// A request a frozen answer serves, waiting for its end.
        case frozen(HTTPRequestHead, FrozenAnswers.Answer)
        /// The body of a refused request: dropped until its end.
        case skipping
    }

    /// More requests waiting on one connection than this and the connection is closed.
    static let maxPipelined = 16

    private let application: Application
    private let responder: any Responder
    private let limits: RouteBodyLimits
    private let lineGuard: RequestLineGuard
    private let frozen: FrozenAnswers
    private let httpsOnly: Bool
    private let inFlight: RequestsInFlight
    private var reading = Reading.idle
    private var queue: [Pending] = []
    private var responding = false
    /// Set by a refusal that leaves the connection unreadable, or at shutdown.
    private var closeAfterResponse = false
    /// After a refusal, nothing more is read from the connection.
    private var refused = false
    private var closed = false

    /// How long a refused connection keeps draining what the client still sends after the
    /// answer, so that the client reads the answer instead of a reset.
    static let lingering: TimeAmount = .seconds(2)

    init(
        application: Application, responder: any Responder, limits: RouteBodyLimits, lineGuard: RequestLineGuard,
        frozen: FrozenAnswers, httpsOnly: Bool, inFlight: RequestsInFlight
    ) {
        self.inFlight = inFlight
        self.application = application
        self.responder = responder
        self.limits = limits
        self.lineGuard = lineGuard
        self.frozen = frozen
        self.httpsOnly = httpsOnly
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if let answer = frozen.answer(for: head) {
                reading = .frozen(head, answer)
                return
            }
            let (limit, files) = limits.limit(method: head.method, uri: head.uri)
            if let length = head.headers.first(name: .contentLength).flatMap(Int.init), length > limit {
                // Refused before a byte of the body is read (a client that asked `Expect:
                // 100-continue` sends none); the connection cannot be reused.
                refuse(.bodyTooLarge(limit: limit, files: files), head: head, context: context)
                return
            }
            if head.headers[.expect].contains(where: { $0.lowercased() == "100-continue" }) {
                context.writeAndFlush(
                    wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))), promise: nil)
            }
            reading = .collecting(head, context.channel.allocator.buffer(capacity: 0), limit: limit, files: files)
        case .body(var chunk):
            guard case .collecting(let head, var body, let limit, let files) = reading else { return }
            guard body.readableBytes + chunk.readableBytes <= limit else {
                refuse(.bodyTooLarge(limit: limit, files: files), head: head, context: context)
                return
            }
            reading = .idle  // lets `body` be uniquely referenced while it grows
            body.writeBuffer(&chunk)
            reading = .collecting(head, body, limit: limit, files: files)
        case .end:
            lineGuard.expectRequestLine()
            switch reading {
            case .collecting(let head, let body, _, _):
                enqueue(Pending(head: head, body: body.readableBytes > 0 ? body : nil), context: context)
            case .frozen(let head, let answer):
                enqueue(Pending(head: head, frozen: answer), context: context)
            case .idle, .skipping:
                break
            }
            reading = .idle
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is RequestLineGuard.LineTooLong:
            refuse(.uriTooLong, context: context)
        case is CloseWhenIdle:
            closeAfterResponse = true
            if !responding, queue.isEmpty { close(context) }
        case let idle as IdleStateHandler.IdleStateEvent where idle == .read:
            // A silent connection is closed, unless it waits for the answer being prepared.
            if !responding, queue.isEmpty { close(context) }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            close(context)
            return
        }
        refuse(parserError == .headerOverflow ? .headersTooLarge : .malformed, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        queue.removeAll()
        context.fireChannelInactive()
    }

    /// A protocol refusal: answered once, after the requests before it, then the connection
    /// closes. `head` is the refused request's when it was read (its address chooses between the
    /// page and the API's JSON), a neutral one otherwise.
    private func refuse(_ refusal: RequestLimits.Refusal, head: HTTPRequestHead? = nil, context: ChannelHandlerContext)
    {
        guard !refused else { return }
        refused = true
        reading = .skipping
        closeAfterResponse = true
        var head = head ?? HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
        head.headers.remove(name: .contentLength)
        head.headers.remove(name: .transferEncoding)
        enqueue(Pending(head: head, refusal: refusal), context: context)
    }

    private func enqueue(_ pending: Pending, context: ChannelHandlerContext) {
        guard queue.count < Self.maxPipelined else {
            close(context)
            return
        }
        queue.append(pending)
        respondToNext(context: context)
    }

    private func respondToNext(context: ChannelHandlerContext) {
        guard !responding, !closed, !queue.isEmpty else { return }
        let pending = queue.removeFirst()
        responding = true
        if let answer = pending.frozen {
            writeFrozen(answer, for: pending.head, context: context)
            return
        }
        let request = Request(
            application: application, method: pending.head.method, url: URI(path: pending.head.uri),
            version: pending.head.version, headersNoUpdate: pending.head.headers, collectedBody: pending.body,
            remoteAddress: context.channel.remoteAddress, logger: application.logger,
            byteBufferAllocator: context.channel.allocator, on: context.eventLoop)
        if let refusal = pending.refusal { request.storage[RequestLimits.RefusalKey.self] = refusal }
        let keepAlive = pending.head.isKeepAlive && pending.refusal == nil
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        // Counted until the response is produced whole, even if the connection goes away.
        let work = inFlight.begin()
        responder.respond(to: request)
            .flatMapError { error in
                request.logger.report(error: error)
                return request.eventLoop.makeSucceededFuture(Response(status: .internalServerError))
            }
            .flatMap { response -> EventLoopFuture<(Response, ByteBuffer?)> in
                guard response.storage[StreamedBody.Key.self] == nil else {
                    return request.eventLoop.makeSucceededFuture((response, nil))
                }
                return response.body.collect(on: request.eventLoop).map { (response, $0) }
                    .flatMapErrorThrowing { _ in (Response(status: .internalServerError), nil) }
            }
            .hop(to: context.eventLoop)
            .whenComplete { result in
                guard case .success((let response, let body)) = result else {
                    work.end()
                    return
                }
                let (bridge, context) = bound.value
                if let streamed = response.storage[StreamedBody.Key.self] {
                    bridge.write(
                        response, streamed: streamed, for: request, keepAlive: keepAlive, work: work, context: context)
                } else {
                    work.end()
                    bridge.write(response, body: body, for: request, keepAlive: keepAlive, context: context)
                }
            }
    }

    private func write(
        _ response: Response, body: ByteBuffer?, for request: Request, keepAlive requested: Bool,
        context: ChannelHandlerContext
    ) {
        guard !closed else { return }
        let keepAlive = requested && !closeAfterResponse
        var headers = response.headers
        headers.remove(name: .transferEncoding)
        headers.replaceOrAdd(name: .connection, value: keepAlive ? "keep-alive" : "close")
        if !headers.contains(name: .date) { headers.replaceOrAdd(name: .date, value: HTTPDate.now()) }
        let code = response.status.code
        let bodiless = code < 200 || code == 204 || code == 304
        if !bodiless { headers.replaceOrAdd(name: .contentLength, value: String(body?.readableBytes ?? 0)) }
        context.write(
            wrapOutboundOut(
                .head(HTTPResponseHead(version: request.version, status: response.status, headers: headers))),
            promise: nil)
        if let body, !bodiless, request.method != .HEAD, body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        finish(keepAlive: keepAlive, context: context)
    }

    /// Writes a streamed response: the head, then each piece the producer writes as a chunk,
    /// flushed and awaited before the next (``StreamedBody``).
    private func write(
        _ response: Response, streamed: StreamedBody, for request: Request, keepAlive requested: Bool,
        work: RequestsInFlight.Token, context: ChannelHandlerContext
    ) {
        guard !closed else {
            work.end()
            return
        }
        // HTTP/1.0 knows no chunks: the body ends when the connection closes.
        let chunked = request.version.major == 1 && request.version.minor >= 1
        let keepAlive = requested && !closeAfterResponse && chunked
        var headers = response.headers
        headers.remove(name: .contentLength)
        headers.remove(name: .transferEncoding)
        if chunked { headers.replaceOrAdd(name: .transferEncoding, value: "chunked") }
        headers.replaceOrAdd(name: .connection, value: keepAlive ? "keep-alive" : "close")
        if !headers.contains(name: .date) { headers.replaceOrAdd(name: .date, value: HTTPDate.now()) }
        context.writeAndFlush(
            wrapOutboundOut(
                .head(HTTPResponseHead(version: request.version, status: response.status, headers: headers))),
            promise: nil)
        guard request.method != .HEAD else {
            work.end()
            finish(keepAlive: keepAlive, context: context)
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let writer = ChannelBodyWriter(bound: bound, eventLoop: context.eventLoop)
        let logger = request.logger
        let loop = context.eventLoop
        Task {
            defer { work.end() }
            do {
                try await streamed.produce(writer)
                loop.execute {
                    let (bridge, context) = bound.value
                    bridge.finish(keepAlive: keepAlive, context: context)
                }
            } catch {
                logger.report(error: error)
                loop.execute {
                    let (bridge, context) = bound.value
                    bridge.responding = false
                    bridge.close(context)
                }
            }
        }
    }

    /// Writes a streamed body's pieces on the connection's event loop, each flushed and awaited.
    private struct ChannelBodyWriter: AsyncBodyStreamWriter {
        let bound: NIOLoopBound<(HTTPBridge, ChannelHandlerContext)>
        let eventLoop: any EventLoop

        func write(_ result: BodyStreamResult) async throws {
            guard case .buffer(let buffer) = result, buffer.readableBytes > 0 else { return }
            try await eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
                let (bridge, context) = bound.value
                guard !bridge.closed else {
                    return context.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
                }
                return context.writeAndFlush(bridge.wrapOutboundOut(.body(.byteBuffer(buffer))))
            }.get()
        }
    }

    /// Writes a frozen answer: no responder, no database, the bytes already in memory.
    private func writeFrozen(_ answer: FrozenAnswers.Answer, for head: HTTPRequestHead, context: ChannelHandlerContext)
    {
        GuichetMetrics.frozenAnswer()
        var (responseHead, body) = FrozenAnswers.response(answer, for: head, httpsOnly: httpsOnly)
        let keepAlive = head.isKeepAlive && !closeAfterResponse
        responseHead.headers.replaceOrAdd(name: .connection, value: keepAlive ? "keep-alive" : "close")
        responseHead.headers.replaceOrAdd(name: .date, value: HTTPDate.now())
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        finish(keepAlive: keepAlive, context: context)
    }

    /// Ends the response written: then the next request waiting, or the connection closes (after
    /// draining what a refused client still sends).
    private func finish(keepAlive: Bool, context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { result in
            let (bridge, context) = bound.value
            bridge.responding = false
            guard case .success = result, keepAlive else {
                bridge.close(context, lingering: bridge.refused)
                return
            }
            bridge.respondToNext(context: context)
        }
    }

    private func close(_ context: ChannelHandlerContext, lingering: Bool = false) {
        guard !closed else { return }
        closed = true
        guard lingering else {
            context.close(promise: nil)
            return
        }
        // The answer is sent; what the client still sends is read and dropped for a moment.
        let channel = context.channel
        channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
        channel.eventLoop.scheduleTask(in: Self.lingering) { channel.close(promise: nil) }
    }
}

/// The `Date` header's value (RFC 9110, IMF-fixdate), computed once per second.
enum HTTPDate {
    private static let cache = NIOLockedValueBox<(second: Int, text: String)>((-1, ""))

    static func now() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let second = Int(now.tv_sec)
        return cache.withLockedValue { cached in
            if cached.second == second { return cached.text }
            let text = format(second)
            cached = (second, text)
            return text
        }
    }

    /// A moment as the `Date` and `Last-Modified` headers write it.
    static func format(_ date: Date) -> String { format(Int(date.timeIntervalSince1970)) }

    private static func format(_ second: Int) -> String {
        do {
            var seconds = time_t(second)
            var parts = tm()
            gmtime_r(&seconds, &parts)
            let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            let text =
                "\(days[Int(parts.tm_wday)]), " + String(format: "%02d", parts.tm_mday)
                + " \(months[Int(parts.tm_mon)]) \(1900 + Int(parts.tm_year)) "
                + String(format: "%02d:%02d:%02d", parts.tm_hour, parts.tm_min, parts.tm_sec) + " GMT"
            return text
        }
    }
}
