import NIOCore
import Vapor

/// A response body produced a piece at a time — the exports, whatever the selection's size — and
/// written to the connection as it comes, each piece sent before the next is produced.
///
/// Vapor keeps a streamed body's producer out of reach of a custom server, so the producer is
/// kept twice: as the response's Vapor body (what the in-memory tests and any other server read)
/// and in the response's storage, where ``HTTPBridge`` finds it and writes each piece as an HTTP/1.1
/// chunk, flushed and awaited (the client's pace bounds the memory). A producer that fails after the
/// head is sent closes the connection without the last chunk: the client sees a broken transfer,
/// never a short file taken for a whole one.
struct StreamedBody: Sendable {
    typealias Producer = @Sendable (any AsyncBodyStreamWriter) async throws -> Void

    struct Key: StorageKey {
        typealias Value = StreamedBody
    }

    let produce: Producer
}

extension Response {
    /// A response whose body `produce` writes piece by piece (without `.end`: the caller ends it).
    static func streamed(
        status: HTTPResponseStatus = .ok, headers: HTTPHeaders, _ produce: @escaping StreamedBody.Producer
    ) -> Response {
        let response = Response(status: status, headers: headers, body: .init(managedAsyncStream: produce, count: -1))
        response.storage[StreamedBody.Key.self] = StreamedBody(produce: produce)
        return response
    }
}

/// Text written to a body stream in pieces of about `threshold` bytes: one chunk per piece rather
/// than one per row.
actor StreamedText {
    private let writer: any AsyncBodyStreamWriter
    private var pending = ByteBuffer()
    private let threshold: Int

    init(_ writer: any AsyncBodyStreamWriter, threshold: Int = 64 * 1024) {
        self.writer = writer
        self.threshold = threshold
    }

    func write(_ text: String) async throws {
        pending.writeString(text)
        if pending.readableBytes >= threshold { try await flush() }
    }

    func flush() async throws {
        guard pending.readableBytes > 0 else { return }
        let buffer = pending
        pending = ByteBuffer()
        try await writer.writeBuffer(buffer)
    }
}
