import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Vapor

@testable import GuichetApp

/// Guichet's own HTTP server started on a free port, and a raw client that sends bytes exactly as
/// given (an address of a megabyte, a malformed request, pipelined requests) and reads the answer
/// until the server closes the connection or the wait ends.
struct LiveServer {
    let app: Application
    let port: Int

    static func start(_ app: Application) async throws -> LiveServer {
        try await app.guichetServer.start(address: .hostname("127.0.0.1", port: 0))
        guard let port = app.guichetServer.localAddress?.port else {
            throw Abort(.internalServerError, reason: "no port")
        }
        return LiveServer(app: app, port: port)
    }

    func stop() async { await app.guichetServer.shutdown() }

    /// A connection of the raw client: what the server wrote so far, and whether it closed.
    struct Connection {
        let channel: any Channel
        let collector: Collector

        var text: String { collector.text }

        func send(_ bytes: [UInt8]) {
            var buffer = channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            channel.writeAndFlush(buffer).whenFailure { _ in }
        }

        /// Waits until `condition` holds on what was received, or the server closes, or `wait` ends.
        func receive(
            until condition: @escaping (String) -> Bool = { _ in false }, wait: TimeAmount = .seconds(30)
        ) async -> String {
            let deadline = NIODeadline.now() + wait
            while NIODeadline.now() < deadline, channel.isActive, !condition(text) {
                try? await Task.sleep(for: .milliseconds(20))
            }
            return text
        }

        /// Whether the server closed the connection within `wait`.
        func closedByServer(within wait: TimeAmount) async -> Bool {
            _ = await receive(wait: wait)
            return !channel.isActive
        }
    }

    func open() async throws -> Connection {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return Connection(channel: channel, collector: collector)
    }

    /// Sends `bytes` on a new connection; everything the server wrote until it closed the
    /// connection (or `wait` elapsed), as text. The requests sent should end with
    /// `Connection: close` or be refused, so that the server closes.
    func exchange(_ bytes: [UInt8], wait: TimeAmount = .seconds(30)) async throws -> String {
        let connection = try await open()
        connection.send(bytes)
        let text = await connection.receive(wait: wait)
        try? await connection.channel.close()
        return text
    }

    func exchange(_ text: String, wait: TimeAmount = .seconds(30)) async throws -> String {
        try await exchange(Array(text.utf8), wait: wait)
    }

    /// The status codes of the answers in what the server wrote, in order.
    static func statuses(_ answer: String) -> [Int] {
        answer.components(separatedBy: "HTTP/1.").dropFirst().compactMap { Int($0.dropFirst(2).prefix(3)) }
    }

    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        private let received = NIOLockedValueBox([UInt8]())

        var text: String { String(decoding: received.withLockedValue { $0 }, as: UTF8.self) }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLockedValue { $0.append(contentsOf: buffer.readableBytesView) }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case ChannelEvent.inputClosed = event { context.close(promise: nil) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }
}
