import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Sends each email to an SMTP server (RFC 5321): one connection per message, `EHLO`, optional
/// `STARTTLS`, `AUTH PLAIN` or `AUTH LOGIN`, `MAIL FROM`, `RCPT TO`, `DATA`, `QUIT`.
///
/// Every refusal and every silence becomes an ``SMTPError`` naming the step and quoting the
/// server, which the outbox keeps in `last_error` before trying again later. Once the server has
/// accepted the message, nothing fails any more: a lost `QUIT` must not cause a second copy.
struct SMTPTransport: MailTransport {
    let configuration: SMTPConfiguration
    let group: any EventLoopGroup
    /// Built once, at startup, so that a broken TLS setup shows before the first email.
    private let tls: NIOSSLContext?

    init(configuration: SMTPConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        self.configuration = configuration
        self.group = group
        tls = configuration.security == .none ? nil : try NIOSSLContext(configuration: .makeClientConfiguration())
    }

    func send(_ mail: OutgoingMail) async throws {
        let sender = try SMTPEnvelope.address(in: mail.from, header: "From")
        let recipient = try SMTPEnvelope.address(in: mail.to, header: "To")
        let message = RFC5322.render(mail)
        let connection: SMTPConnection
        do {
            connection = try await SMTPConnection.open(
                host: configuration.host, port: configuration.port,
                tls: configuration.security == .implicitTLS ? tls : nil,
                timeout: configuration.timeout, group: group)
        } catch {
            throw SMTPError(step: "connect", server: server, problem: "\(error)")
        }
        // Cancelling the outbox's task closes the connection, which ends the wait under way.
        try await withTaskCancellationHandler {
            do {
                try await Session(connection: connection, configuration: configuration, tls: tls, server: server)
                    .deliver(message, from: sender, to: recipient)
            } catch {
                await connection.close(sayingQuit: true)
                throw error
            }
            await connection.close(sayingQuit: true)
        } onCancel: {
            connection.channel.close(promise: nil)
        }
    }

    private var server: String { "\(configuration.host):\(configuration.port)" }

    /// Makes message text safe for `DATA`: CRLF line ends, a dot doubled at the start of a line
    /// (RFC 5321 §4.5.2), and the final `CRLF.CRLF`.
    static func dataBlock(_ message: String) -> String {
        let lines = message.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        var stuffed = lines.map { $0.hasPrefix(".") ? "." + $0 : String($0) }
        // A message ending with a line break leaves an empty last piece, which is that break.
        if stuffed.last == "" { stuffed.removeLast() }
        return stuffed.joined(separator: "\r\n") + "\r\n.\r\n"
    }
}

/// One SMTP dialogue, step by step.
private struct Session {
    let connection: SMTPConnection
    let configuration: SMTPConfiguration
    let tls: NIOSSLContext?
    let server: String

    func deliver(_ message: String, from sender: String, to recipient: String) async throws {
        try await expect(2, from: nil, step: "greeting")
        var capabilities = try await hello(step: "EHLO")
        if configuration.security == .startTLS {
            guard capabilities.keys.contains("STARTTLS"), let tls else {
                throw SMTPError(
                    step: "STARTTLS", server: server,
                    problem: "the server does not offer STARTTLS, which the configuration requires; nothing was sent")
            }
            try await expect(2, from: "STARTTLS", step: "STARTTLS")
            do {
                try await connection.startTLS(context: tls, host: configuration.host)
            } catch {
                throw SMTPError(step: "STARTTLS", server: server, problem: "\(error)")
            }
            // RFC 3207 §4.2: what the server said before TLS is forgotten.
            capabilities = try await hello(step: "EHLO after STARTTLS")
        }
        if let credentials = configuration.credentials {
            try await authenticate(credentials, mechanisms: capabilities["AUTH"] ?? [])
        }
        var mailFrom = "MAIL FROM:<\(sender)>"
        let international = !(sender + recipient).allSatisfy(\.isASCII)
        if international {
            guard capabilities.keys.contains("SMTPUTF8") else {
                throw SMTPError(
                    step: "MAIL FROM", server: server,
                    problem: "the address needs SMTPUTF8, which the server does not offer")
            }
            mailFrom += " SMTPUTF8"
        }
        if !message.allSatisfy(\.isASCII), capabilities.keys.contains("8BITMIME") { mailFrom += " BODY=8BITMIME" }
        let data = SMTPTransport.dataBlock(message)
        if let limit = capabilities["SIZE"]?.first.flatMap(Int.init), limit > 0, data.utf8.count > limit {
            throw SMTPError(
                step: "MAIL FROM", server: server,
                problem: "the message (\(data.utf8.count) bytes) exceeds the server's limit of \(limit) bytes")
        }
        try await expect(2, from: mailFrom, step: "MAIL FROM <\(sender)>")
        try await expect(2, from: "RCPT TO:<\(recipient)>", step: "RCPT TO <\(recipient)>")
        try await expect(3, from: "DATA", step: "DATA")
        try await expect(2, bytes: ByteBuffer(string: data), step: "end of DATA")
    }

    /// `EHLO`, and the extensions the server offers: keyword (upper case) → parameters.
    private func hello(step: String) async throws -> [String: [String]] {
        let reply = try await expect(2, from: "EHLO \(configuration.ehloName)", step: step)
        var capabilities: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            // Some servers still write the pre-standard `AUTH=PLAIN LOGIN`.
            let words = line.replacingOccurrences(of: "=", with: " ").split(separator: " ").map { $0.uppercased() }
            guard let keyword = words.first else { continue }
            capabilities[keyword, default: []] += words.dropFirst()
        }
        return capabilities
    }

    private func authenticate(_ credentials: SMTPConfiguration.Credentials, mechanisms: [String]) async throws {
        if mechanisms.contains("PLAIN") {
            let token = Data("\0\(credentials.user)\0\(credentials.password)".utf8).base64EncodedString()
            try await expect(2, from: "AUTH PLAIN \(token)", step: "AUTH PLAIN")
        } else if mechanisms.contains("LOGIN") {
            try await expect(3, from: "AUTH LOGIN", step: "AUTH LOGIN")
            try await expect(3, from: Data(credentials.user.utf8).base64EncodedString(), step: "AUTH LOGIN (user name)")
            try await expect(
                2, from: Data(credentials.password.utf8).base64EncodedString(), step: "AUTH LOGIN (password)")
        } else {
            let offered = mechanisms.isEmpty ? "none" : mechanisms.joined(separator: " ")
            throw SMTPError(
                step: "AUTH", server: server, problem: "the server offers no AUTH PLAIN or LOGIN (offered: \(offered))")
        }
    }

    /// Sends `command` and requires a reply of the given kind (2 done, 3 go on).
    @discardableResult
    private func expect(_ kind: Int, from command: String?, step: String) async throws -> SMTPReply {
        try await check(kind, step: step) { try await connection.exchange(command) }
    }

    @discardableResult
    private func expect(_ kind: Int, bytes: ByteBuffer, step: String) async throws -> SMTPReply {
        try await check(kind, step: step) { try await connection.exchange(bytes: bytes) }
    }

    private func check(_ kind: Int, step: String, _ exchange: () async throws -> SMTPReply) async throws -> SMTPReply {
        let reply: SMTPReply
        do {
            reply = try await exchange()
        } catch {
            throw SMTPError(step: step, server: server, problem: "\(error)")
        }
        guard reply.kind == kind else {
            throw SMTPError(step: step, server: server, problem: "the server replied \(reply)")
        }
        return reply
    }
}

/// A step of the SMTP dialogue failed: which one, with which server, and what it said.
struct SMTPError: Error, CustomStringConvertible {
    let step: String
    let server: String
    let problem: String

    var description: String {
        server.isEmpty ? "SMTP \(step): \(problem)" : "SMTP \(step) failed (\(server)): \(problem)"
    }
}

/// The addresses of the SMTP envelope, taken from header values.
enum SMTPEnvelope {
    /// The address in `Guichet <ne-pas-repondre@exemple.fr>` or a bare `a@b.fr`.
    ///
    /// Refuses anything that could smuggle a command into the dialogue (line breaks, brackets,
    /// spaces) or that is not an address at all.
    static func address(in value: String, header: String) throws -> String {
        // A line break in the header would be a line break in the dialogue.
        guard value.rangeOfCharacter(from: .controlCharacters) == nil else {
            throw SMTPError(step: "envelope", server: "", problem: "the \(header): value holds a control character")
        }
        var address = value.trimmingCharacters(in: .whitespaces)
        if let close = address.lastIndex(of: ">"), let open = address[..<close].lastIndex(of: "<") {
            address = String(address[address.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
        }
        let forbidden = CharacterSet(charactersIn: "<>\r\n\t ,;\"()\\").union(.controlCharacters)
        guard let at = address.lastIndex(of: "@"), at != address.startIndex,
            address.index(after: at) != address.endIndex,
            address.rangeOfCharacter(from: forbidden) == nil, address.utf8.count <= 254
        else {
            throw SMTPError(
                step: "envelope", server: "",
                problem: "the \(header): value \"\(value.prefix(100))\" holds no usable address")
        }
        return address
    }
}
