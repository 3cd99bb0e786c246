import Foundation
import NIOConcurrencyHelpers

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
final class KeptByRevision<Value: Sendable>: Sendable {
    private let kept = NIOLockedValueBox<[UUID: (revision: Int, value: Value)]>([:])

    /// The value kept for this revision of `key`, if any.
    func value(of key: UUID, revision: Int) -> Value? {
        kept.withLockedValue { $0[key].flatMap { $0.revision == revision ? $0.value : nil } }
    }

    /// Keeps the value read for this revision of `key`.
    func keep(_ value: Value, of key: UUID, revision: Int) {
        kept.withLockedValue { $0[key] = (revision, value) }
    }
}
