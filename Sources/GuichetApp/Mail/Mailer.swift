import Fluent
import Foundation
import Vapor

/// An email ready to leave.
struct OutgoingMail: Sendable {
    let from: String
    let to: String
    let subject: String
    let body: String
    let messageID: UUID
    let date: Date
}

/// How mail leaves Guichet. Two real implementations: files (default) and SMTP.
protocol MailTransport: Sendable {
    func send(_ mail: OutgoingMail) async throws
}

/// Queues emails in the outbox, inside the caller's transaction: a message exists if and only if
/// the action that caused it was saved.
struct Mailer {
    let database: any Database

    func enqueue(to: String, subject: String, body: String, kind: String, now: Date = Date()) async throws {
        try await OutboxMessageModel(to: to, subject: subject, body: body, kind: kind, now: now).create(on: database)
    }
}

/// Writes each email as an RFC 5322 `.eml` file in a folder (`<data>/mail/` by default): what a
/// developer or a small installation without a mail server reads with any mail client.
struct EMLFileTransport: MailTransport {
    let directory: String

    func send(_ mail: OutgoingMail) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stamp = ISO8601DateFormatter().string(from: mail.date).replacingOccurrences(of: ":", with: "")
        let path = "\(directory)/\(stamp)-\(mail.messageID.uuidString.lowercased()).eml"
        // Written to a temporary name then moved, so a reader never sees half a message.
        let temporary = path + ".part"
        try Data(RFC5322.render(mail).utf8).write(to: URL(fileURLWithPath: temporary))
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }
}

/// RFC 5322 rendering: UTF-8 text, encoded headers, CRLF line ends.
enum RFC5322 {
    static func render(_ mail: OutgoingMail) -> String {
        // A header value never carries a line break: no header can be smuggled in.
        // Filtered by scalar: "\r\n" is a single Character, which a Character filter would keep.
        func clean(_ value: String) -> String {
            String(String.UnicodeScalarView(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }))
        }
        let headers = [
            "From: \(clean(mail.from))",
            "To: \(clean(mail.to))",
            "Subject: \(encodedWord(clean(mail.subject)))",
            "Date: \(rfc2822Date(mail.date))",
            "Message-ID: <\(mail.messageID.uuidString.lowercased())@guichet>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        let body = Data(
            mail.body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8
        )
        .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n"
    }

    /// `=?utf-8?B?…?=` for non-ASCII header text (RFC 2047).
    static func encodedWord(_ text: String) -> String {
        text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 })
            ? text : "=?utf-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    static func rfc2822Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
