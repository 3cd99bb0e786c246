import Fluent
import Foundation
import SQLKit
import Vapor

/// Delivers the outbox: claims due messages, sends them, marks them sent; a failed send is kept
/// and retried later with a growing delay. Safe with several server instances: a message is
/// claimed by a conditional update, so only one instance sends it.
struct OutboxSender {
    let database: any Database
    let transport: any MailTransport
    let from: String
    let logger: Logger

    /// How long a claim lasts: a sender that dies mid-send releases the message after this. Longer
    /// than the slowest SMTP session (each of its steps may wait 30 s).
    static let lease: TimeInterval = 900

    /// The delay before retry number `attempts` (1 min, 2, 4 … capped at 6 h).
    static func retryDelay(afterAttempts attempts: Int) -> TimeInterval {
        min(60 * pow(2, Double(max(attempts - 1, 0))), 6 * 3600)
    }

    /// Messages read per round.
    static let roundSize = 50

    /// Sends what is due at `now`, at most `limit` messages.
    /// - Returns: how many messages were sent.
    @discardableResult
    func deliverDue(now: Date = Date(), limit: Int = roundSize) async throws -> Int {
        let due = try await OutboxMessageModel.query(on: database)
            .filter(\.$sentAt == nil)
            .filter(\.$nextAttemptAt <= now)
            .group(.or) { $0.filter(\.$lockedUntil == nil).filter(\.$lockedUntil < now) }
            .sort(\.$nextAttemptAt)
            .limit(limit)
            .all()
        var sent = 0
        for message in due {
            guard let id = message.id, try await claim(id, now: now) else { continue }
            // The message's identity and date are its own, not this attempt's: a message sent again
            // after a crash between the transport and the `sent_at` update (the lease expired) is
            // the same message — the same `.eml` file rewritten, the same Message-ID by SMTP, which
            // receiving servers use to drop a duplicate.
            let mail = OutgoingMail(
                from: from, to: message.toAddress, subject: message.subject, body: message.bodyText,
                messageID: id, date: message.createdAt ?? now)
            do {
                try await transport.send(mail)
                try await OutboxMessageModel.query(on: database).filter(\.$id == id)
                    .set(\.$sentAt, to: Date()).set(\.$lockedUntil, to: nil)
                    .set(\.$attempts, to: message.attempts + 1).set(\.$lastError, to: nil).update()
                sent += 1
            } catch {
                let attempts = message.attempts + 1
                logger.warning("outbox: sending \(message.kind) message \(id) failed (attempt \(attempts)): \(error)")
                try await OutboxMessageModel.query(on: database).filter(\.$id == id)
                    .set(\.$attempts, to: attempts).set(\.$lockedUntil, to: nil)
                    .set(\.$nextAttemptAt, to: now.addingTimeInterval(Self.retryDelay(afterAttempts: attempts)))
                    .set(\.$lastError, to: String(describing: error).prefix(500).description).update()
            }
        }
        return sent
    }

    /// Takes the message for this sender unless another one holds it: one conditional UPDATE …
    /// RETURNING (SQLite ≥ 3.35 and PostgreSQL alike), so two instances can never both win.
    private func claim(_ id: UUID, now: Date) async throws -> Bool {
        let sql = try database.sql()
        let rows = try await sql.update(OutboxMessageModel.schema)
            .set("locked_until", to: SQLBind(now.addingTimeInterval(Self.lease)))
            .where("id", .equal, SQLBind(id))
            .where("sent_at", .is, SQLLiteral.null)
            .where { $0.where("locked_until", .is, SQLLiteral.null).orWhere("locked_until", .lessThan, SQLBind(now)) }
            .returning("id")
            .all()
        return rows.count == 1
    }
}
