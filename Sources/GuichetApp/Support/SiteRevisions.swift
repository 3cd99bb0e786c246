import FluentKit
import Foundation
import GuichetDomain
import Vapor

/// The numbers of ``AddSiteRevisions``, read with the signed-in person's session
/// (``SessionStore``): what the staff pages read of the staff (scopes, declared links, colleagues,
/// expert services) and of the calls (their list and themes) is kept under them, so that a page
/// asks the database only for its own rows.
///
/// Why kept values rather than a cache with a lifetime: the numbers are raised by triggers in
/// the transaction of every change, whichever instance or command writes, and read before the
/// values, so a kept value is never older than what the request may see — a scope taken away
/// takes effect at the next request, on every instance (``KeptByRevision``).
struct SiteRevisions: Sendable, Equatable {
    let staff: Int
    let calls: Int

    struct Key: StorageKey {
        typealias Value = SiteRevisions
    }
}

/// What an instance keeps under the site's revisions. One per application: tests run several
/// applications at once in one process, each on its own database.
final class SiteKept: Sendable {
    /// A person's scopes, under `staff`.
    let scopes = KeptByRevision<UUID, [StaffScope]>()
    /// A person's declared links, under `staff`.
    let links = KeptByRevision<UUID, [DeclaredLink]>()
    /// The open instructing accounts sharing a set of groups (`*` for all), under `staff`.
    let instructors = KeptByRevision<String, [StaffDirectory.Person]>()
    /// The expert services that exist, under `staff`.
    let services = KeptByRevision<Int, [String]>()
    /// A committee's members' names and declared links, by member set, under `staff`.
    let members = KeptByRevision<String, CommitteeBoard.MemberNames>()
    /// The calls' list and themes, under `calls`.
    let catalog = KeptByRevision<Int, CallRepository.Catalog>()

    struct Key: StorageKey {
        typealias Value = SiteKept
    }
}

/// A request's revisions with its application's kept values: what a service is given to keep
/// its shared reads.
struct Keeping: Sendable {
    let revisions: SiteRevisions
    let kept: SiteKept
}

extension Request {
    /// The site's revisions read with this request's session and the values kept under them;
    /// `nil` without a session (then every read goes to the database).
    var keeping: Keeping? {
        guard let revisions = storage[SiteRevisions.Key.self], let kept = application.storage[SiteKept.Key.self]
        else { return nil }
        return Keeping(revisions: revisions, kept: kept)
    }
}
