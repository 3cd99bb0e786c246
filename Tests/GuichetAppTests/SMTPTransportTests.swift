import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import Vapor

@testable import GuichetApp

@Suite struct SMTPTransportTests {
    static let mail = OutgoingMail(
        from: "Guichet <ne-pas-repondre@exemple.fr>", to: "Camille Martin <camille@exemple.org>",
        subject: "Accusé de réception", body: "Bonjour,\n.votre dossier est déposé.\n.",
        messageID: UUID(), date: Date(timeIntervalSince1970: 1_750_000_000))

    @Test func aMessageGoesThroughWithTheEnvelopeAndTheRenderedData() async throws {
        // setup
        let server = try await FakeSMTPServer.start()
        defer { server.stop() }
        let transport = try SMTPTransport(
            configuration: SMTPConfiguration(host: "127.0.0.1", port: server.port, ehloName: "guichet.test"))
        // act
        try await transport.send(Self.mail)
        // validate
        let record = server.record
        #expect(
            record.commands == [
                "EHLO guichet.test", "MAIL FROM:<ne-pas-repondre@exemple.fr>", "RCPT TO:<camille@exemple.org>",
                "DATA", "QUIT",
            ])
        let data = String(decoding: record.data, as: UTF8.self)
        #expect(data.hasSuffix("\r\n.\r\n"))
        #expect(data == SMTPTransport.dataBlock(RFC5322.render(Self.mail)))
        #expect(!data.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends with CRLF")
        #expect(data.contains("To: Camille Martin <camille@exemple.org>\r\n"))
    }

    @Test func linesStartingWithADotAreStuffedAndTheDataEndsWithCRLFDotCRLF() {
        #expect(
            SMTPTransport.dataBlock("Subject: x\r\n\r\n.\r\n..deux\nfin")
                == "Subject: x\r\n\r\n..\r\n...deux\r\nfin\r\n.\r\n")
        #expect(SMTPTransport.dataBlock("a\r\n") == "a\r\n.\r\n")
        #expect(SMTPTransport.dataBlock(".") == "..\r\n.\r\n")
    }

    @Test func authPlainSendsThePercentDecodedCredentials() async throws {
        let server = try await FakeSMTPServer.start()
        defer { server.stop() }
        let url = "smtp://guichet%40exemple.fr:p%40ss%20w%3Ard@127.0.0.1:\(server.port)?ehlo=guichet.test"
        let transport = try SMTPTransport(configuration: SMTPConfiguration(url: url, defaultEHLOName: "localhost"))
        try await transport.send(Self.mail)
        let token = Data("\0guichet@exemple.fr\0p@ss w:rd".utf8).base64EncodedString()
        #expect(
            server.record.commands.prefix(3) == [
                "EHLO guichet.test", "AUTH PLAIN \(token)", "MAIL FROM:<ne-pas-repondre@exemple.fr>",
            ])
    }

    @Test func authLoginIsUsedWhenPlainIsNotOffered() async throws {
        let server = try await FakeSMTPServer.start(FakeSMTPServer.Behaviour(authMechanisms: "LOGIN"))
        defer { server.stop() }
        let credentials = SMTPConfiguration.Credentials(user: "guichet", password: "secret")
        let transport = try SMTPTransport(
            configuration: SMTPConfiguration(host: "127.0.0.1", port: server.port, credentials: credentials))
        try await transport.send(Self.mail)
        #expect(
            server.record.commands.prefix(4) == [
                "EHLO localhost", "AUTH LOGIN", Data("guichet".utf8).base64EncodedString(),
                Data("secret".utf8).base64EncodedString(),
            ])
    }

    @Test func aRefusedRecipientThrowsAnErrorNamingTheStepAndTheReply() async throws {
        let server = try await FakeSMTPServer.start(FakeSMTPServer.Behaviour(rejectsRecipients: true))
        defer { server.stop() }
        let transport = try SMTPTransport(configuration: SMTPConfiguration(host: "127.0.0.1", port: server.port))
        let error = try await #require(throws: SMTPError.self) { try await transport.send(Self.mail) }
        #expect(error.step == "RCPT TO <camille@exemple.org>")
        #expect(error.description.contains("550 5.1.1 no such user"))
        #expect(!server.record.commands.contains("DATA"))
    }

    @Test func aRefusedRecipientLeavesTheMessageInTheOutboxForLater() async throws {
        let server = try await FakeSMTPServer.start(FakeSMTPServer.Behaviour(rejectsRecipients: true))
        defer { server.stop() }
        try await withGuichet(demo: false) { app in
            let now = Date()
            try await Mailer(database: app.db).enqueue(
                to: "camille@exemple.org", subject: "Test", body: "Corps", kind: "test", now: now)
            let transport = try SMTPTransport(configuration: SMTPConfiguration(host: "127.0.0.1", port: server.port))
            let sender = OutboxSender(
                database: app.db, transport: transport, from: "Guichet <g@exemple.fr>", logger: app.logger)
            #expect(try await sender.deliverDue(now: now) == 0)
            let message = try #require(try await OutboxMessageModel.query(on: app.db).first())
            #expect(message.sentAt == nil && message.attempts == 1)
            let lastError = try #require(message.lastError)
            #expect(lastError.contains("RCPT TO") && lastError.contains("550"))
        }
    }

    @Test func aSilentServerTimesOut() async throws {
        let server = try await FakeSMTPServer.start(FakeSMTPServer.Behaviour(silent: true))
        defer { server.stop() }
        let transport = try SMTPTransport(
            configuration: SMTPConfiguration(host: "127.0.0.1", port: server.port, timeout: .milliseconds(300)))
        let started = ContinuousClock.now
        let error = try await #require(throws: SMTPError.self) { try await transport.send(Self.mail) }
        #expect(error.step == "greeting")
        #expect(error.description.contains("no reply within 300 ms"))
        // The point is that the configured timeout, not the 30 s default, ends the wait; the bound
        // leaves room for a loaded machine running the whole suite on two cores.
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func requiredStartTLSThatIsNotOfferedStopsBeforeAnythingIsSent() async throws {
        let server = try await FakeSMTPServer.start()
        defer { server.stop() }
        let url = "smtp://guichet:secret@127.0.0.1:\(server.port)?starttls=required"
        let transport = try SMTPTransport(configuration: SMTPConfiguration(url: url, defaultEHLOName: "guichet.test"))
        let error = try await #require(throws: SMTPError.self) { try await transport.send(Self.mail) }
        #expect(error.step == "STARTTLS", "\(error)")
        #expect(server.record.commands.allSatisfy { $0.hasPrefix("EHLO") || $0 == "QUIT" })
        #expect(server.record.data.isEmpty)
    }

    @Test func implicitTLSAgainstAPlainServerFailsAtTheGreeting() async throws {
        let server = try await FakeSMTPServer.start()
        defer { server.stop() }
        let configuration = SMTPConfiguration(
            host: "127.0.0.1", port: server.port, security: .implicitTLS, timeout: .seconds(5))
        let error = try await #require(throws: SMTPError.self) {
            try await SMTPTransport(configuration: configuration).send(Self.mail)
        }
        #expect(
            error.step == "greeting" && !error.description.contains("no reply"), "a TLS error, not a timeout: \(error)")
        #expect(server.record.commands.allSatisfy { !$0.hasPrefix("EHLO") })
    }

    @Test func aFailedTLSHandshakeAfterSTARTTLSSendsNoCredentials() async throws {
        let server = try await FakeSMTPServer.start(FakeSMTPServer.Behaviour(offersStartTLS: true))
        defer { server.stop() }
        let url = "smtp://guichet:secret@127.0.0.1:\(server.port)?starttls=required&timeout=5&ehlo=guichet.test"
        let transport = try SMTPTransport(configuration: SMTPConfiguration(url: url, defaultEHLOName: "localhost"))
        let error = try await #require(throws: SMTPError.self) { try await transport.send(Self.mail) }
        #expect(error.step == "EHLO after STARTTLS", "\(error)")
        #expect(server.record.commands.prefix(2) == ["EHLO guichet.test", "STARTTLS"])
        #expect(!server.record.commands.contains { $0.hasPrefix("AUTH") || $0.hasPrefix("MAIL") })
    }

    @Test func cleartextInjectedAfterSTARTTLSIsRefused() async throws {
        let server = try await FakeSMTPServer.start(
            FakeSMTPServer.Behaviour(offersStartTLS: true, injectsAfterStartTLS: true))
        defer { server.stop() }
        let transport = try SMTPTransport(
            configuration: SMTPConfiguration(host: "127.0.0.1", port: server.port, security: .startTLS))
        let error = try await #require(throws: SMTPError.self) { try await transport.send(Self.mail) }
        #expect(error.step == "STARTTLS" && error.description.contains("before the TLS handshake"), "\(error)")
    }

    @Test func theOutboxUsesSMTPWhenTheURLIsConfigured() async throws {
        let server = try await FakeSMTPServer.start()
        defer { server.stop() }
        try await withGuichet(demo: false, adjust: { $0.smtpURL = "smtp://127.0.0.1:\(server.port)" }) { app in
            #expect(app.mailTransport is SMTPTransport)
            try await Mailer(database: app.db).enqueue(
                to: "camille@exemple.org", subject: "Test", body: "Corps", kind: "test")
            #expect(try await app.outboxSender.deliverDue() == 1)
            #expect(server.record.commands.contains("RCPT TO:<camille@exemple.org>"))
            #expect(server.record.commands.first == "EHLO [127.0.0.1]", "named after GUICHET_PUBLIC_URL's host")
        }
    }

    @Test func anInvalidURLStopsTheStartup() async throws {
        await #expect(throws: SMTPConfigurationError.self) {
            try await withGuichet(demo: false, adjust: { $0.smtpURL = "http://mail.exemple.fr" }) { _ in }
        }
    }

    @Test(arguments: [
        ("smtp://127.0.0.1", "127.0.0.1", 25, SMTPConfiguration.Security.none),
        ("smtps://mail.exemple.fr", "mail.exemple.fr", 465, .implicitTLS),
        ("smtp://mail.exemple.fr:587?starttls=required", "mail.exemple.fr", 587, .startTLS),
    ])
    func urlsAreRead(url: String, host: String, port: Int, security: SMTPConfiguration.Security) throws {
        let configuration = try SMTPConfiguration(url: url, defaultEHLOName: "guichet.exemple.fr")
        #expect(configuration.host == host && configuration.port == port && configuration.security == security)
        #expect(configuration.ehloName == "guichet.exemple.fr" && configuration.timeout == .seconds(30))
    }

    @Test(arguments: [
        "mail.exemple.fr", "http://mail.exemple.fr", "smtp://", "smtps://mail.exemple.fr?starttls=required",
        "smtp://mail.exemple.fr?starttls=maybe", "smtp://mail.exemple.fr?timeout=0", "smtp://mail.exemple.fr?tls=1",
        "smtp://user:hunter2@mail.exemple.fr:587",
    ])
    func unusableURLsAreRefusedWithoutRepeatingThePassword(url: String) {
        #expect {
            try SMTPConfiguration(url: url, defaultEHLOName: "localhost")
        } throws: { error in
            String(describing: error).hasPrefix("GUICHET_SMTP_URL ") && !String(describing: error).contains("hunter2")
        }
    }

    @Test(arguments: [
        ("Guichet <ne-pas-repondre@exemple.fr>", "ne-pas-repondre@exemple.fr"),
        ("\"Guichet, région\" <g@exemple.fr>", "g@exemple.fr"),
        (" a@b.fr ", "a@b.fr"),
    ])
    func theEnvelopeAddressIsTakenFromTheHeader(header: String, address: String) throws {
        #expect(try SMTPEnvelope.address(in: header, header: "To") == address)
    }

    @Test(arguments: ["Guichet", "a@b.fr\r\nRCPT TO:<x@y.fr>", "<a b@c.fr>", "@exemple.fr", ""])
    func headersWithoutAUsableAddressAreRefused(header: String) {
        #expect(throws: SMTPError.self) { try SMTPEnvelope.address(in: header, header: "To") }
    }

    @Test func ehloNameComesFromThePublicURL() {
        #expect(SMTPConfiguration.ehloName(forPublicURL: "https://guichet.exemple.fr/") == "guichet.exemple.fr")
        #expect(SMTPConfiguration.ehloName(forPublicURL: "http://127.0.0.1:8080") == "[127.0.0.1]")
    }
}

/// A small SMTP server on 127.0.0.1 that answers like a real one and records what it is told.
final class FakeSMTPServer: Sendable {
    struct Behaviour: Sendable {
        var authMechanisms = "PLAIN LOGIN"
        var rejectsRecipients = false
        var offersStartTLS = false
        /// Answers STARTTLS with a second, clear-text reply in the same packet, as an attacker would.
        var injectsAfterStartTLS = false
        /// Accepts the connection and never says a word.
        var silent = false
    }

    struct Record: Sendable {
        /// Command lines, without CRLF, outside DATA.
        var commands: [String] = []
        /// The bytes between `354` and the end of data, terminator included.
        var data: [UInt8] = []
    }

    private let channel: any Channel
    private let box: NIOLockedValueBox<Record>

    private init(channel: any Channel, box: NIOLockedValueBox<Record>) {
        self.channel = channel
        self.box = box
    }

    var port: Int { channel.localAddress?.port ?? 0 }
    var record: Record { box.withLockedValue { $0 } }

    static func start(_ behaviour: Behaviour = Behaviour()) async throws -> FakeSMTPServer {
        let box = NIOLockedValueBox(Record())
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(FakeSMTPHandler(behaviour: behaviour, box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeSMTPServer(channel: channel, box: box)
    }

    func stop() { channel.close(promise: nil) }
}

private final class FakeSMTPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let behaviour: FakeSMTPServer.Behaviour
    let box: NIOLockedValueBox<FakeSMTPServer.Record>
    private var buffer = ByteBuffer()
    private var inData = false
    private var loginStep = 0

    init(behaviour: FakeSMTPServer.Behaviour, box: NIOLockedValueBox<FakeSMTPServer.Record>) {
        self.behaviour = behaviour
        self.box = box
    }

    func channelActive(context: ChannelHandlerContext) {
        if !behaviour.silent { reply(context, "220 fake.test ESMTP") }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        buffer.writeBuffer(&bytes)
        while let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")),
            let raw = buffer.readBytes(length: end - buffer.readerIndex + 1)
        {
            if behaviour.silent { continue }
            if inData {
                box.withLockedValue { $0.data += raw }
                if raw == Array(".\r\n".utf8) {
                    inData = false
                    reply(context, "250 2.0.0 queued")
                }
            } else {
                let line = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .newlines)
                box.withLockedValue { $0.commands.append(line) }
                answer(line, context)
            }
        }
        buffer.discardReadBytes()
    }

    private func answer(_ line: String, _ context: ChannelHandlerContext) {
        if loginStep > 0 {
            loginStep = loginStep == 1 ? 2 : 0
            return reply(context, loginStep == 2 ? "334 UGFzc3dvcmQ6" : "235 2.7.0 ok")
        }
        switch line.split(separator: " ").first?.uppercased() ?? "" {
        case "EHLO":
            let startTLS = behaviour.offersStartTLS ? "250-STARTTLS\r\n" : ""
            reply(
                context,
                "250-fake.test\r\n\(startTLS)250-AUTH \(behaviour.authMechanisms)\r\n250-SIZE 1000000\r\n250 8BITMIME")
        case "STARTTLS":
            reply(context, behaviour.injectsAfterStartTLS ? "220 2.0.0 ready\r\n250 AUTH PLAIN" : "220 2.0.0 ready")
        case "AUTH" where line.uppercased() == "AUTH LOGIN":
            loginStep = 1
            reply(context, "334 VXNlcm5hbWU6")
        case "AUTH": reply(context, "235 2.7.0 Authentication successful")
        case "MAIL": reply(context, "250 2.1.0 ok")
        case "RCPT": reply(context, behaviour.rejectsRecipients ? "550 5.1.1 no such user" : "250 2.1.5 ok")
        case "DATA":
            inData = true
            reply(context, "354 end with <CRLF>.<CRLF>")
        case "QUIT": reply(context, "221 2.0.0 bye")
        default: reply(context, "502 5.5.2 unknown command")
        }
    }

    private func reply(_ context: ChannelHandlerContext, _ text: String) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }
}
