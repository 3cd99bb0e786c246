import CompressNIO
import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Vapor

/// Answers whose bytes are known before anyone asks — the static assets, the OpenAPI document —
/// served by ``HTTPBridge`` straight from memory to readers without a session: no middleware, no
/// database, no rendering. Each carries a strong `ETag` (the SHA-256 of its bytes), so that a
/// reader who has it gets `304 Not Modified` and no body; and the security headers of every
/// other answer. A text answer is also kept gzip-compressed, once, and sent so to readers whose
/// `Accept-Encoding` takes gzip (its own ETag, `Vary: Accept-Encoding`).
///
/// A reader with a session cookie goes through the responder as usual, so that nothing served
/// here can depend on who asks.
final class FrozenAnswers: Sendable {
    struct Answer: Sendable {
        let contentType: String
        let body: ByteBuffer
        let etag: String
        let lastModified: String
        let cacheControl: String
        /// The gzip representation, when it is worth it (a tenth smaller at least).
        let gzip: ByteBuffer?
        /// Headers of this answer besides the common ones (a document's own security policy, a
        /// file's name), set after the security headers.
        let headers: [(String, String)]
        var gzipETag: String { String(etag.dropLast()) + "-gzip\"" }
    }

    private let answers = NIOLockedValueBox<[String: Answer]>([:])

    /// Stores the answer of `path`, replacing any earlier one whose bytes differ (an answer
    /// whose bytes are the same keeps its `Last-Modified`).
    func set(
        _ path: String, contentType: String, bytes: Data, modified: Date, cacheControl: String,
        headers: [(String, String)] = []
    ) {
        let etag = Self.etag(bytes)
        if answers.withLockedValue({ $0[path]?.etag == etag }) { return }
        let answer = Answer(
            contentType: contentType, body: ByteBuffer(data: bytes), etag: etag,
            lastModified: HTTPDate.format(modified), cacheControl: cacheControl, gzip: Self.gzip(bytes),
            headers: headers)
        answers.withLockedValue { $0[path] = answer }
    }

    /// Forgets the answers of `paths`: the responder answers them again.
    func remove(_ paths: some Sequence<String>) {
        answers.withLockedValue { answers in
            for path in paths { answers[path] = nil }
        }
    }

    /// The strong entity tag of some bytes: the first half of their SHA-256, quoted.
    static func etag(_ bytes: Data) -> String {
        etag(sha256Hex: Hex.string(SHA256.hash(data: bytes)))
    }

    /// The entity tag of bytes whose SHA-256 is already known (stored files).
    static func etag(sha256Hex: String) -> String { "\"\(sha256Hex.prefix(32))\"" }

    /// `bytes` gzip-compressed, or `nil` when compressing saves less than a tenth (images, fonts).
    static func gzip(_ bytes: Data) -> ByteBuffer? {
        guard bytes.count >= 256 else { return nil }
        var source = ByteBuffer(data: bytes)
        guard let compressed = try? source.compress(with: .gzip()),
            compressed.readableBytes * 10 <= bytes.count * 9
        else { return nil }
        return compressed
    }

    /// Whether an `Accept-Encoding` header takes gzip (named, or `*`, without `q=0`).
    static func acceptsGzip(_ values: [String]) -> Bool {
        values.flatMap { $0.split(separator: ",") }.contains { item in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first, coding == "gzip" || coding == "*" else { return false }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return quality > 0
        }
    }

    /// The answer of `path`, if it is frozen.
    func answer(for path: String) -> Answer? { answers.withLockedValue { $0[path] } }

    /// The frozen answer for a request head, when it may be served without the responder: a GET
    /// or HEAD, of a frozen path, from a reader without a session.
    func answer(for head: HTTPRequestHead) -> Answer? {
        guard head.method == .GET || head.method == .HEAD else { return nil }
        let cookies = head.headers[.cookie].joined(separator: ";")
        guard !cookies.contains(SessionStore.cookieName + "=") else { return nil }
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        return answer(for: path)
    }

    /// The response to `head`: 304 when the reader's `If-None-Match` names the answer, the bytes
    /// otherwise (no body for HEAD).
    static func response(
        _ answer: Answer, for head: HTTPRequestHead, httpsOnly: Bool
    ) -> (HTTPResponseHead, ByteBuffer?) {
        var headers = HTTPHeaders()
        let gzip = answer.gzip.flatMap { acceptsGzip(head.headers[.acceptEncoding]) ? $0 : nil }
        let etag = gzip == nil ? answer.etag : answer.gzipETag
        headers.add(name: .contentType, value: answer.contentType)
        headers.add(name: .eTag, value: etag)
        if answer.gzip != nil { headers.add(name: .vary, value: "Accept-Encoding") }
        if gzip != nil { headers.add(name: .contentEncoding, value: "gzip") }
        headers.add(name: .lastModified, value: answer.lastModified)
        headers.add(name: .cacheControl, value: answer.cacheControl)
        for (name, value) in answer.headers { headers.replaceOrAdd(name: name, value: value) }
        SecurityHeadersMiddleware.apply(to: &headers, httpsOnly: httpsOnly)
        let matches = head.headers[.ifNoneMatch].contains { value in
            value.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag || $0 == "*" }
        }
        if matches {
            return (HTTPResponseHead(version: head.version, status: .notModified, headers: headers), nil)
        }
        let body = gzip ?? answer.body
        headers.add(name: .contentLength, value: String(body.readableBytes))
        return (
            HTTPResponseHead(version: head.version, status: .ok, headers: headers), head.method == .HEAD ? nil : body
        )
    }

    /// Freezes what never changes while the server runs: every file under `/static/` and the
    /// OpenAPI document.
    func freezeStaticAnswers(publicDirectory: String, openAPI: Data?, started: Date) {
        let root = URL(fileURLWithPath: publicDirectory)
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = files?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                let bytes = try? Data(contentsOf: url)
            else { continue }
            let relative = url.path.dropFirst(root.path.count).drop { $0 == "/" }
            guard relative.hasPrefix("static/") else { continue }
            let modified =
                (try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? started
            set(
                "/" + relative, contentType: Self.mediaType(url.pathExtension), bytes: bytes, modified: modified,
                cacheControl: "public, max-age=3600")
        }
        if let openAPI {
            set(
                SiteURL.apiOpenAPI.path, contentType: "application/json; charset=utf-8", bytes: openAPI,
                modified: started, cacheControl: "public, max-age=300")
        }
    }

    static func mediaType(_ fileExtension: String) -> String {
        switch fileExtension.lowercased() {
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "woff2": "font/woff2"
        case "woff": "font/woff"
        case "ico": "image/x-icon"
        case "json": "application/json; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "webmanifest": "application/manifest+json"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}

extension Application {
    private struct FrozenAnswersKey: StorageKey {
        typealias Value = FrozenAnswers
    }

    /// The answers the server serves from memory.
    var frozenAnswers: FrozenAnswers {
        if let existing = storage[FrozenAnswersKey.self] { return existing }
        let answers = FrozenAnswers()
        storage[FrozenAnswersKey.self] = answers
        return answers
    }
}
