import Fluent
import Foundation
import Testing
import Vapor

@testable import GuichetApp

@Suite struct OutboxTests {
    struct FailingTransport: MailTransport {
        struct Down: Error {}
        func send(_ mail: OutgoingMail) async throws { throw Down() }
    }

    @Test func dueMessagesAreWrittenAsEmlFilesOnce() async throws {
        try await withGuichet(demo: false) { app in
            let now = Date()
            try await Mailer(database: app.db).enqueue(
                to: "a@b.fr", subject: "Accusé de réception", body: "Bonjour,\nvotre dossier est déposé.",
                kind: "receipt", now: now)
            let folder = app.guichetConfiguration.dataDirectory + "/mail"
            let sender = OutboxSender(
                database: app.db, transport: EMLFileTransport(directory: folder), from: "Guichet <g@exemple.fr>",
                logger: app.logger)
            #expect(try await sender.deliverDue(now: now) == 1)
            #expect(try await sender.deliverDue(now: now.addingTimeInterval(600)) == 0, "sent once")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".eml") }
            #expect(files.count == 1)
            let eml = try String(contentsOfFile: folder + "/" + files[0], encoding: .utf8)
            #expect(eml.contains("To: a@b.fr\r\n"))
            #expect(eml.contains("Subject: =?utf-8?B?"))
            #expect(eml.contains("Content-Type: text/plain; charset=utf-8"))
            let bodyPart = try #require(eml.components(separatedBy: "\r\n\r\n").last)
            let decoded = String(
                decoding: Data(base64Encoded: bodyPart.replacingOccurrences(of: "\r\n", with: "")) ?? Data(),
                as: UTF8.self)
            #expect(decoded == "Bonjour,\r\nvotre dossier est déposé.")
            #expect(try await OutboxMessageModel.query(on: app.db).first()?.sentAt != nil)
        }
    }

    @Test func aFailedSendIsKeptAndRetriedLater() async throws {
        try await withGuichet(demo: false) { app in
            let now = Date()
            try await Mailer(database: app.db).enqueue(
                to: "a@b.fr", subject: "Test", body: "Corps", kind: "test", now: now)
            let failing = OutboxSender(
                database: app.db, transport: FailingTransport(), from: "g@exemple.fr", logger: app.logger)
            #expect(try await failing.deliverDue(now: now) == 0)
            let message = try #require(try await OutboxMessageModel.query(on: app.db).first())
            #expect(message.sentAt == nil && message.attempts == 1 && message.lastError != nil)
            #expect(message.nextAttemptAt > now.addingTimeInterval(59))
            // Not retried before its time, then sent by a working transport.
            let folder = app.guichetConfiguration.dataDirectory + "/mail"
            let working = OutboxSender(
                database: app.db, transport: EMLFileTransport(directory: folder), from: "g@exemple.fr",
                logger: app.logger)
            #expect(try await working.deliverDue(now: now.addingTimeInterval(10)) == 0)
            #expect(try await working.deliverDue(now: now.addingTimeInterval(61)) == 1)
        }
    }

    @Test func aClaimedMessageIsNotSentByAnotherInstance() async throws {
        try await withGuichet(demo: false) { app in
            let now = Date()
            try await Mailer(database: app.db).enqueue(
                to: "a@b.fr", subject: "Test", body: "Corps", kind: "test", now: now)
            try await OutboxMessageModel.query(on: app.db).set(\.$lockedUntil, to: now.addingTimeInterval(60)).update()
            let folder = app.guichetConfiguration.dataDirectory + "/mail"
            let sender = OutboxSender(
                database: app.db, transport: EMLFileTransport(directory: folder), from: "g@exemple.fr",
                logger: app.logger)
            #expect(try await sender.deliverDue(now: now) == 0)
            #expect(try await sender.deliverDue(now: now.addingTimeInterval(61)) == 1, "an expired claim is released")
        }
    }

    /// A sender that dies after the transport and before marking the message sent: once its
    /// lease runs out the message goes again — as the same message, the same file rewritten.
    @Test func aMessageSentAgainAfterACrashIsTheSameMessage() async throws {
        try await withGuichet(demo: false) { app in
            let now = Date()
            try await Mailer(database: app.db).enqueue(
                to: "a@b.fr", subject: "Accusé de réception", body: "Corps", kind: "receipt", now: now)
            let folder = app.guichetConfiguration.dataDirectory + "/mail"
            let sender = OutboxSender(
                database: app.db, transport: EMLFileTransport(directory: folder), from: "g@exemple.fr",
                logger: app.logger)
            #expect(try await sender.deliverDue(now: now) == 1)
            let first = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".eml") }
            // The crash: the file was written, the `sent_at` update never happened.
            try await OutboxMessageModel.query(on: app.db).set(\.$sentAt, to: nil)
                .set(\.$lockedUntil, to: now.addingTimeInterval(OutboxSender.lease)).update()
            #expect(
                try await sender.deliverDue(now: now.addingTimeInterval(60)) == 0, "held by the dead sender's lease")
            #expect(try await sender.deliverDue(now: now.addingTimeInterval(OutboxSender.lease + 1)) == 1)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".eml") }
            #expect(files == first && files.count == 1)
        }
    }

    @Test func headerValuesCannotSmuggleHeaders() {
        let mail = OutgoingMail(
            from: "Guichet <g@exemple.fr>", to: "a@b.fr\r\nBcc: x@y.fr", subject: "Objet\nBcc: z@y.fr",
            body: "Corps", messageID: UUID(), date: Date())
        let rendered = RFC5322.render(mail)
        #expect(!rendered.contains("\r\nBcc:"))
        #expect(rendered.contains("To: a@b.frBcc: x@y.fr\r\n"))
    }

    @Test func retryDelaysGrowAndStayBounded() {
        #expect(OutboxSender.retryDelay(afterAttempts: 1) == 60)
        #expect(OutboxSender.retryDelay(afterAttempts: 3) == 240)
        #expect(OutboxSender.retryDelay(afterAttempts: 40) == 6 * 3600)
    }
}
