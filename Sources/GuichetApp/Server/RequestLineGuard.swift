import NIOCore

/// The first handler of a connection: counts the bytes of each request line before SwiftNIO's
/// parser sees them, and once a line outgrows ``maxBytes`` stops passing bytes on and tells
/// ``HTTPBridge`` to answer 414 — however long the address, the answer comes as soon as the limit
/// is crossed, never a reset and never after reading megabytes.
///
/// The guard knows where a request line starts from the bridge: at the connection's start and
/// after each request's end (``expectRequestLine()``). Bytes of a pipelined request that arrive
/// in the same read as the previous request's end are not counted; their line is bounded by the
/// parser's own limit, answered 431.
final class RequestLineGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Sent down the pipeline when a request line is too long.
    struct LineTooLong {}

    private enum Mode { case line(count: Int), head, refused }

    let maxBytes: Int
    private var mode = Mode.line(count: 0)

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    /// The next bytes start a request line.
    func expectRequestLine() {
        if case .refused = mode { return }
        mode = .line(count: 0)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        switch mode {
        case .refused:
            return
        case .head:
            context.fireChannelRead(data)
        case .line(let count):
            let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n"))
            let lineBytes = count + (newline.map { $0 - buffer.readerIndex } ?? buffer.readableBytes)
            guard lineBytes <= maxBytes else {
                mode = .refused
                context.fireUserInboundEventTriggered(LineTooLong())
                return
            }
            mode = newline == nil ? .line(count: lineBytes) : .head
            context.fireChannelRead(data)
        }
    }
}
