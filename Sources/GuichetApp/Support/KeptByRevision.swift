import FluentKit
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Values an instance keeps, per call or session, under the revision number the database gave
/// them: an entry is served only while the number read with the page is the one it was kept at.
///
/// The numbers are raised by triggers in the transaction of every change (``AddCallRevision``,
/// ``AddLedgerRevision``), whatever code or instance writes, so a kept entry whose number is still
/// current holds what the tables hold. A reader reads the number before the values: an entry may
/// hold values newer than its number (then it is read again once the number moves), never older.
/// The last read wins: an entry for a number the row no longer has is only missed, then replaced
/// (a database restored to an earlier number too). One entry per key, so the memory is bounded by
/// the number of calls and sessions.
final class KeptByRevision<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let kept = NIOLockedValueBox<[Key: (revision: Int, value: Value)]>([:])

    /// The value kept for this revision of `key`, if any.
    func value(of key: Key, revision: Int) -> Value? {
        kept.withLockedValue { $0[key].flatMap { $0.revision == revision ? $0.value : nil } }
    }

    /// Keeps the value read for this revision of `key`.
    func keep(_ value: Value, of key: Key, revision: Int) {
        kept.withLockedValue { $0[key] = (revision, value) }
    }

    /// The kept value for this revision of `key`, or the one `read` reads, kept. Without a
    /// revision (nothing read it for this request) or inside a transaction (which may have
    /// changed what it reads, unseen by the number read before it), `read` runs and nothing is kept.
    func value(
        of key: Key, revision: Int?, on database: any Database, read: () async throws -> Value
    ) async rethrows -> Value {
        guard let revision, !database.inTransaction else { return try await read() }
        if let kept = value(of: key, revision: revision) { return kept }
        let value = try await read()
        keep(value, of: key, revision: revision)
        return value
    }
}
