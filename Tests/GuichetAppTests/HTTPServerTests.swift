import Fluent
import Foundation
import GuichetDomain
import NIOConcurrencyHelpers
import NIOCore
import Testing
import VaporTesting

@testable import GuichetApp

/// Guichet's HTTP server on a real socket: whatever arrives, an answer with a status and Guichet's
/// headers — never a reset — and no body read past its route's limit.
@Suite struct HTTPServerTests {
    func live(_ body: (LiveServer) async throws -> Void) async throws {
        try await withGuichet(demo: false) { app in
            let server = try await LiveServer.start(app)
            do { try await body(server) } catch {
                await server.stop()
                throw error
            }
            await server.stop()
        }
    }

    /// A client that goes away does not stop the work it asked for: the shutdown waits for that
    /// work before the databases close, so that a handler never reads a database already gone.
    @Test func theShutdownWaitsForARequestWhoseClientHasGone() async throws {
        try await withGuichet(demo: false) { app in
            let finished = NIOLockedValueBox(false)
            app.get("essai-lent") { req async throws -> String in
                try await Task.sleep(for: .milliseconds(600))
                _ = try await CallModel.query(on: req.db).count()
                finished.withLockedValue { $0 = true }
                return "fini"
            }
            let server = try await LiveServer.start(app)
            let connection = try await server.open()
            connection.send(Array("GET /essai-lent HTTP/1.1\r\nHost: guichet\r\n\r\n".utf8))
            for _ in 0..<200 where app.guichetServer.inFlight.count == 0 {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(app.guichetServer.inFlight.count == 1)
            try? await connection.channel.close()
            await server.stop()
            #expect(finished.withLockedValue { $0 }, "the shutdown ended before the request's work")
            #expect(app.guichetServer.inFlight.count == 0)
        }
    }

    /// Mail links follow the address served unless the public address is set.
    @Test func withoutAPublicAddressTheMailLinksNameTheAddressServed() async throws {
        try await withGuichet(demo: false, adjust: { $0.publicURLIsDefault = true }) { app in
            let server = try await LiveServer.start(app)
            #expect(app.guichetConfiguration.publicURL == "http://127.0.0.1:\(server.port)")
            await server.stop()
        }
        try await withGuichet(demo: false, adjust: { $0.publicURL = "https://guichet.exemple.fr" }) { app in
            let server = try await LiveServer.start(app)
            #expect(app.guichetConfiguration.publicURL == "https://guichet.exemple.fr")
            await server.stop()
        }
        #expect(try AppConfiguration.fromEnvironment([:]).publicURLIsDefault)
        #expect(!(try AppConfiguration.fromEnvironment(["GUICHET_PUBLIC_URL": "https://a.fr"]).publicURLIsDefault))
    }

    @Test func anAddressOfAnyLengthPastTheLimitIsAnswered414InFrench() async throws {
        try await live { server in
            for length in [RequestLimits.urlBytes + 10, 100_000, 1_000_000] {
                let answer = try await server.exchange(
                    "GET /" + String(repeating: "a", count: length)
                        + " HTTP/1.1\r\nHost: guichet\r\nConnection: close\r\n\r\n")
                #expect(LiveServer.statuses(answer) == [414], "\(length)")
                #expect(answer.contains("Cette adresse est trop longue"))
                #expect(answer.contains("Content-Security-Policy: default-src 'self'"))
                #expect(answer.lowercased().contains("connection: close"))
            }
            // Just under the limit, the address reaches the router.
            let fits = try await server.exchange(
                "GET /" + String(repeating: "a", count: RequestLimits.urlBytes - 100)
                    + " HTTP/1.1\r\nHost: guichet\r\nConnection: close\r\n\r\n")
            #expect(LiveServer.statuses(fits) == [404])
        }
    }

    @Test func oversizedHeadersAndMalformedRequestsAreAnsweredNotReset() async throws {
        try await live { server in
            let headers = try await server.exchange(
                "GET / HTTP/1.1\r\nHost: guichet\r\nX-Grand: " + String(repeating: "b", count: 90_000) + "\r\n\r\n")
            #expect(LiveServer.statuses(headers) == [431])
            #expect(headers.contains("Les en-têtes de la requête sont trop volumineux"))
            let garbage = try await server.exchange("N'IMPORTE QUOI\r\n\r\n")
            #expect(LiveServer.statuses(garbage) == [400])
            #expect(garbage.contains("La requête est mal formée"))
        }
    }

    @Test func aBodyOverItsRouteLimitIs413WithoutBeingRead() async throws {
        try await live { server in
            let before = try await UserModel.query(on: server.app.db).count()
            // 25 MB announced to the login form: refused at once, before the body is sent (the
            // client waits for « 100 Continue » and never sends it).
            let announced = try await server.exchange(
                "POST /connexion HTTP/1.1\r\nHost: guichet\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 26214400\r\nExpect: 100-continue\r\n\r\n"
            )
            #expect(LiveServer.statuses(announced) == [413])
            #expect(!announced.contains("100 Continue"))
            #expect(announced.contains("Le formulaire envoyé est trop volumineux"))
            // Sent anyway without waiting: the answer still arrives, not a reset.
            let sent = try await server.exchange(
                Array("POST /connexion HTTP/1.1\r\nHost: guichet\r\nContent-Length: 2000000\r\n\r\n".utf8)
                    + [UInt8](repeating: 97, count: 2_000_000))
            #expect(LiveServer.statuses(sent) == [413])
            // Chunked, without a length: cut at the limit.
            let chunk = String(repeating: "a", count: 0x4000)
            let chunked = try await server.exchange(
                "POST /inscription HTTP/1.1\r\nHost: guichet\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + String(repeating: "4000\r\n\(chunk)\r\n", count: 20) + "0\r\n\r\n")
            #expect(LiveServer.statuses(chunked) == [413])
            #expect(try await UserModel.query(on: server.app.db).count() == before)
            // A route that takes files accepts a file's size (refused here for its missing token, not its size).
            let upload = try await server.exchange(
                Array(
                    "POST /dossiers/\(UUID())/modifier HTTP/1.1\r\nHost: guichet\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n"
                        .utf8)
                    + [UInt8](repeating: 97, count: 1_000_000))
            #expect(!LiveServer.statuses(upload).contains(413))
            #expect(!LiveServer.statuses(upload).isEmpty)
        }
    }

    @Test func aConnectionServesRequestsInOrderAndHonoursExpectContinue() async throws {
        try await live { server in
            let pipelined = try await server.exchange(
                "GET /health HTTP/1.1\r\nHost: guichet\r\n\r\nGET /nulle-part HTTP/1.1\r\nHost: guichet\r\n\r\n"
                    + "HEAD /health HTTP/1.1\r\nHost: guichet\r\nConnection: close\r\n\r\n")
            #expect(LiveServer.statuses(pipelined) == [200, 404, 200])
            #expect(pipelined.hasSuffix("\r\n\r\n"), "a HEAD answer has no body")
            let form = "email=x%40exemple.fr&password=y"
            let continued = try await server.exchange(
                "POST /connexion HTTP/1.1\r\nHost: guichet\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: \(form.utf8.count)\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n\(form)")
            #expect(LiveServer.statuses(continued) == [100, 403])
            let old = try await server.exchange("GET /health HTTP/1.0\r\n\r\n")
            #expect(old.hasPrefix("HTTP/1.0 200"))
            #expect(old.lowercased().contains("connection: close"))
        }
    }

    @Test func atShutdownTheServerStopsAcceptingAndClosesIdleConnections() async throws {
        try await withGuichet(demo: false) { app in
            let server = try await LiveServer.start(app)
            // A connection kept alive after its answer, then left idle.
            let kept = try await server.open()
            kept.send(Array("GET /health HTTP/1.1\r\nHost: guichet\r\n\r\n".utf8))
            let answer = await kept.receive(until: { $0.hasSuffix("{\"status\":\"ok\"}") })
            #expect(LiveServer.statuses(answer) == [200])
            #expect(kept.channel.isActive)
            await server.stop()
            #expect(await kept.closedByServer(within: .seconds(10)))
            await #expect(throws: (any Error).self) { _ = try await server.open() }
        }
    }

    @Test func aStreamedBodyIsWrittenInChunksAndAFailureMidwayBreaksTheTransfer() async throws {
        try await withGuichet(demo: false) { app in
            let piece = String(repeating: "ligne;1234\n", count: 10_000)
            app.get("essai-flux") { _ in
                Response.streamed(headers: ["Content-Type": "text/plain"]) { writer in
                    let text = StreamedText(writer, threshold: 50_000)
                    for _ in 0..<5 { try await text.write(piece) }
                    try await text.flush()
                }
            }
            app.get("essai-flux-rompu") { _ in
                Response.streamed(headers: ["Content-Type": "text/plain"]) { writer in
                    try await writer.writeBuffer(ByteBuffer(string: piece))
                    throw Abort(.internalServerError)
                }
            }
            let server = try await LiveServer.start(app)
            // Pipelined behind a streamed answer, the next request is answered after it.
            let answer = try await server.exchange(
                "GET /essai-flux HTTP/1.1\r\nHost: guichet\r\n\r\nGET /health HTTP/1.1\r\nHost: guichet\r\nConnection: close\r\n\r\n"
            )
            #expect(LiveServer.statuses(answer) == [200, 200])
            #expect(answer.lowercased().contains("transfer-encoding: chunked"))
            let streamed = try #require(answer.components(separatedBy: "\r\n\r\n").dropFirst().first)
            #expect(Self.unchunked(streamed + "\r\n\r\n") == String(repeating: piece, count: 5))
            // HTTP/1.0: no chunks, the body ends with the connection.
            let old = try await server.exchange("GET /essai-flux HTTP/1.0\r\n\r\n")
            #expect(old.hasSuffix(String(repeating: piece, count: 5)))
            #expect(!old.lowercased().contains("transfer-encoding"))
            // A producer that fails after the head: the connection closes without the last chunk.
            let broken = try await server.exchange("GET /essai-flux-rompu HTTP/1.1\r\nHost: guichet\r\n\r\n")
            #expect(LiveServer.statuses(broken) == [200])
            #expect(!broken.hasSuffix("0\r\n\r\n"))
            await server.stop()
        }
    }

    /// The body of a chunked transfer, its chunks joined; nil when it lacks the last chunk.
    static func unchunked(_ text: String) -> String? {
        var bytes = Array(text.utf8)[...], body: [UInt8] = []
        while true {
            guard let end = bytes.indices.first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }),
                let size = Int(String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self), radix: 16)
            else { return nil }
            if size == 0 { return String(decoding: body, as: UTF8.self) }
            body += bytes[(end + 2)..<(end + 2 + size)]
            bytes = bytes[(end + 4 + size)...]
        }
    }

    @Test func theClientIsTheForwardedAddressOnlyBehindATrustedProxy() async throws {
        try await withGuichet(
            demo: false, adjust: { $0.trustedProxies = [NetworkRange("127.0.0.1")].compactMap { $0 } }
        ) { app in
            app.get("essai-client") { req -> String in req.clientAddress }
            let server = try await LiveServer.start(app)
            let answer = try await server.exchange(
                "GET /essai-client HTTP/1.1\r\nHost: guichet\r\nX-Forwarded-For: 6.6.6.6, 198.51.100.4\r\nConnection: close\r\n\r\n"
            )
            await server.stop()
            #expect(answer.hasSuffix("198.51.100.4"))
        }
        try await withGuichet(demo: false) { app in
            app.get("essai-client") { req -> String in req.clientAddress }
            let server = try await LiveServer.start(app)
            let answer = try await server.exchange(
                "GET /essai-client HTTP/1.1\r\nHost: guichet\r\nX-Forwarded-For: 198.51.100.4\r\nConnection: close\r\n\r\n"
            )
            await server.stop()
            #expect(answer.hasSuffix("127.0.0.1"))
        }
    }

    @Test func staticAssetsAndTheOpenAPIDocumentAreServedFromMemoryWithTheirETag() async throws {
        try await live { server in
            for path in [SiteURL.stylesheet.path, SiteURL.apiOpenAPI.path] {
                let first = try await server.exchange(
                    "GET \(path) HTTP/1.1\r\nHost: guichet\r\nConnection: close\r\n\r\n")
                #expect(LiveServer.statuses(first) == [200], "\(path)")
                let etag = try #require(first.firstMatch(of: /(?i)etag: ("[0-9a-f]{32}")/)?.1, "\(path)")
                #expect(first.contains("Content-Security-Policy: default-src 'self'"))
                #expect(first.lowercased().contains("last-modified: "))
                // The reader who holds it gets 304 and no body.
                let again = try await server.exchange(
                    "GET \(path) HTTP/1.1\r\nHost: guichet\r\nIf-None-Match: \(etag)\r\nConnection: close\r\n\r\n")
                #expect(LiveServer.statuses(again) == [304], "\(path)")
                #expect(again.hasSuffix("\r\n\r\n"))
                let head = try await server.exchange(
                    "HEAD \(path) HTTP/1.1\r\nHost: guichet\r\nConnection: close\r\n\r\n")
                #expect(LiveServer.statuses(head) == [200])
                #expect(head.hasSuffix("\r\n\r\n"))
            }
            // The same bytes as the responder's.
            let css = try await server.exchange(
                "GET \(SiteURL.stylesheet.path) HTTP/1.1\r\nHost: guichet\r\nConnection: close\r\n\r\n")
            let file = try String(contentsOfFile: AppResources.publicDirectory + "static/guichet.css", encoding: .utf8)
            #expect(css.hasSuffix(file))
            // A reader with a session goes through the responder as usual.
            let signedIn = try await server.exchange(
                "GET \(SiteURL.apiOpenAPI.path) HTTP/1.1\r\nHost: guichet\r\nCookie: \(SessionStore.cookieName)=x\r\nConnection: close\r\n\r\n"
            )
            #expect(LiveServer.statuses(signedIn) == [200])
            #expect(signedIn.firstMatch(of: /(?i)etag: ("[0-9a-f]{32}")/) == nil)
        }
    }

    @Test func aTextAnswerFromMemoryIsSentGzippedToReadersWhoTakeIt() async throws {
        try await live { server in
            let path = SiteURL.apiOpenAPI.path
            let plain = try await server.exchange("GET \(path) HTTP/1.1\r\nHost: guichet\r\nConnection: close\r\n\r\n")
            let zipped = try await server.exchange(
                "GET \(path) HTTP/1.1\r\nHost: guichet\r\nAccept-Encoding: br, gzip;q=0.8\r\nConnection: close\r\n\r\n")
            #expect(LiveServer.statuses(zipped) == [200])
            #expect(zipped.lowercased().contains("content-encoding: gzip"))
            #expect(zipped.lowercased().contains("vary: accept-encoding"))
            #expect(!plain.lowercased().contains("content-encoding"))
            let plainTag = try #require(plain.firstMatch(of: /(?i)etag: ("[^"]+")/)?.1)
            let zippedTag = try #require(zipped.firstMatch(of: /(?i)etag: ("[^"]+")/)?.1)
            #expect(plainTag != zippedTag, "each representation has its own strong ETag")
            let length = try #require(zipped.firstMatch(of: /(?i)content-length: (\d+)/).flatMap { Int($0.1) })
            let plainLength = try #require(plain.firstMatch(of: /(?i)content-length: (\d+)/).flatMap { Int($0.1) })
            #expect(length * 3 < plainLength, "JSON compresses well")
            // Refused by q=0: the plain bytes.
            let refused = try await server.exchange(
                "GET \(path) HTTP/1.1\r\nHost: guichet\r\nAccept-Encoding: gzip;q=0\r\nConnection: close\r\n\r\n")
            #expect(!refused.lowercased().contains("content-encoding"))
            let again = try await server.exchange(
                "GET \(path) HTTP/1.1\r\nHost: guichet\r\nAccept-Encoding: gzip\r\nIf-None-Match: \(zippedTag)\r\nConnection: close\r\n\r\n"
            )
            #expect(LiveServer.statuses(again) == [304])
        }
    }

    @Test func gzipIsKeptOnlyWhereItSaves() {
        #expect(FrozenAnswers.gzip(Data(String(repeating: "Guichet ", count: 200).utf8)) != nil)
        var random = SplitMix64(seed: 42)
        #expect(FrozenAnswers.gzip(Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: random.next()) })) == nil)
        #expect(FrozenAnswers.gzip(Data("court".utf8)) == nil)
        #expect(FrozenAnswers.acceptsGzip(["gzip, deflate, br"]))
        #expect(FrozenAnswers.acceptsGzip(["*"]))
        #expect(!FrozenAnswers.acceptsGzip(["gzip;q=0", "br"]))
        #expect(!FrozenAnswers.acceptsGzip(["identity"]))
        #expect(!FrozenAnswers.acceptsGzip([]))
    }
}
