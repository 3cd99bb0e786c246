import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One reply of an SMTP server: a three-digit code and its text lines (RFC 5321 §4.2).
struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    let code: Int
    let lines: [String]

    /// The first digit: 2 done, 3 go on, 4 try again later, 5 refused.
    var kind: Int { code / 100 }
    var description: String { "\(code) " + lines.filter { !$0.isEmpty }.joined(separator: " / ") }
}

/// A TCP connection to an SMTP server, optionally under TLS, that sends command lines and waits
/// for replies, each within a time limit.
///
/// Closing the channel is the one way out of every wait: a timeout closes it, and closing it
/// fails the pending reply, so a silent server cannot hold the outbox.
struct SMTPConnection: Sendable {
    let channel: any Channel
    private let reader: NIOLoopBound<SMTPReplyReader>
    let timeout: TimeAmount

    /// Opens the connection; with `tls`, the TLS handshake starts at once (`smtps`).
    static func open(
        host: String, port: Int, tls: NIOSSLContext?, timeout: TimeAmount,
        group: any EventLoopGroup
    ) async throws -> SMTPConnection {
        let serverName = SMTPConnection.serverNameIndication(for: host)
        // The reader is taken while the pipeline is built: a server that closes at once (a failed
        // TLS handshake) would leave nothing to look it up in afterwards.
        return try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    let reader = SMTPReplyReader()
                    try channel.pipeline.syncOperations.addHandler(reader)
                    return SMTPConnection(
                        channel: channel, reader: NIOLoopBound(reader, eventLoop: channel.eventLoop), timeout: timeout)
                }
            }
    }

    /// Sends `line` (CRLF added) when given, then waits for the next reply.
    func exchange(_ line: String?) async throws -> SMTPReply {
        try await exchange(bytes: line.map { ByteBuffer(string: $0 + "\r\n") })
    }

    /// Sends raw bytes when given (the message, already dot-stuffed), then waits for the next reply.
    func exchange(bytes: ByteBuffer?) async throws -> SMTPReply {
        let channel = self.channel, reader = self.reader, timeout = self.timeout
        return try await channel.eventLoop.flatSubmit {
            if let bytes { channel.writeAndFlush(bytes, promise: nil) }
            return reader.value.nextReply(within: timeout, channel: channel)
        }.get()
    }

    /// Switches to TLS after the server accepted `STARTTLS`.
    ///
    /// Anything the server sent after its `220` arrived in clear and may have been injected by an
    /// attacker (CVE-2011-0411), so it is refused rather than read as a TLS-protected reply.
    func startTLS(context: NIOSSLContext, host: String) async throws {
        let channel = self.channel, reader = self.reader
        let serverName = SMTPConnection.serverNameIndication(for: host)
        try await channel.eventLoop.submit {
            guard reader.value.isIdle else { throw SMTPReplyReader.Failure.unexpectedDataBeforeTLS }
            try channel.pipeline.syncOperations.addHandler(
                NIOSSLClientHandler(context: context, serverHostname: serverName),
                position: .first)
        }.get()
    }

    /// Says `QUIT` without waiting long for the answer, then closes: the message is already
    /// delivered or already failed, so nothing here may throw.
    func close(sayingQuit: Bool) async {
        if sayingQuit { _ = try? await exchange("QUIT") }
        try? await channel.close().get()
    }

    /// SNI carries host names only; an IP address is left out (NIOSSL refuses it) and the
    /// certificate is then checked against the address.
    private static func serverNameIndication(for host: String) -> String? {
        host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
    }
}

/// Cuts the incoming bytes into SMTP replies and hands them out one at a time.
///
/// A reply is one or more lines `250-…` ending with `250 …` (RFC 5321 §4.2.1). Lines are limited
/// in length and number so that a misbehaving server cannot fill the memory.
final class SMTPReplyReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    /// Why no reply can be read any more.
    enum Failure: Error, CustomStringConvertible {
        case timedOut(TimeAmount)
        case closedByServer
        case malformedReply(String)
        case unexpectedDataBeforeTLS

        var description: String {
            switch self {
            case .timedOut(let limit):
                limit.nanoseconds % 1_000_000_000 == 0
                    ? "no reply within \(limit.nanoseconds / 1_000_000_000) s"
                    : "no reply within \(limit.nanoseconds / 1_000_000) ms"
            case .closedByServer: "the server closed the connection"
            case .malformedReply(let line): "malformed reply \"\(line.prefix(80))\""
            case .unexpectedDataBeforeTLS: "the server sent data after accepting STARTTLS, before the TLS handshake"
            }
        }
    }

    static let maximumLineLength = 4096
    static let maximumLinesPerReply = 200

    private var buffer = ByteBuffer()
    private var linesOfCurrentReply: [String] = []
    private var replies: [SMTPReply] = []
    private var waiting: (promise: EventLoopPromise<SMTPReply>, timer: Scheduled<Void>)?
    private var failure: (any Error)?

    /// No reply under way nor waiting to be read.
    var isIdle: Bool { buffer.readableBytes == 0 && linesOfCurrentReply.isEmpty && replies.isEmpty }

    /// The next reply, failed after `limit` (and the channel closed) if none comes.
    func nextReply(within limit: TimeAmount, channel: any Channel) -> EventLoopFuture<SMTPReply> {
        if !replies.isEmpty { return channel.eventLoop.makeSucceededFuture(replies.removeFirst()) }
        if let failure { return channel.eventLoop.makeFailedFuture(failure) }
        let promise = channel.eventLoop.makePromise(of: SMTPReply.self)
        let timer = channel.eventLoop.assumeIsolated().scheduleTask(in: limit) { [self] in
            fail(Failure.timedOut(limit))
            channel.close(promise: nil)
        }
        waiting = (promise, timer)
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        buffer.writeBuffer(&bytes)
        do {
            try parseLines()
        } catch {
            fail(error)
            context.close(promise: nil)
        }
        deliver()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(Failure.closedByServer)
        context.fireChannelInactive()
    }

    private func parseLines() throws {
        while let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = end - buffer.readerIndex
            guard length <= Self.maximumLineLength, var line = buffer.readString(length: length) else {
                throw Failure.malformedReply("line too long")
            }
            buffer.moveReaderIndex(forwardBy: 1)
            if line.hasSuffix("\r") { line.removeLast() }
            try take(line)
        }
        guard buffer.readableBytes <= Self.maximumLineLength else { throw Failure.malformedReply("line too long") }
        buffer.discardReadBytes()
    }

    private func take(_ line: String) throws {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes[0...2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let code = Int(String(decoding: bytes[0...2], as: UTF8.self)),
            bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-")
        else {
            throw Failure.malformedReply(line)
        }
        linesOfCurrentReply.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard linesOfCurrentReply.count <= Self.maximumLinesPerReply else {
            throw Failure.malformedReply("too many lines")
        }
        if bytes.count == 3 || bytes[3] == UInt8(ascii: " ") {
            replies.append(SMTPReply(code: code, lines: linesOfCurrentReply))
            linesOfCurrentReply = []
        }
    }

    private func deliver() {
        guard let waiting, !replies.isEmpty else { return }
        self.waiting = nil
        waiting.timer.cancel()
        waiting.promise.succeed(replies.removeFirst())
    }

    /// Keeps the first failure: a timeout closes the channel, and the close must not hide it.
    private func fail(_ error: any Error) {
        if failure == nil { failure = error }
        guard let waiting else { return }
        self.waiting = nil
        waiting.timer.cancel()
        waiting.promise.fail(failure ?? error)
    }
}
