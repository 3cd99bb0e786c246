import Fluent
import Foundation
import Vapor

/// Sessions kept in the database, so that any instance serves any request, with the limits the
/// server enforces itself: an idle limit and an absolute one (a stolen cookie does not live for
/// ever), rows purged once expired, every session of a person ended at a password reset or when
/// the account is closed, and no row ever written for a session that holds nothing (a made-up
/// cookie, a visitor who only reads).
///
/// The cookie carries 256 random bits; the table keeps only their SHA-256.
struct SessionStore: AsyncSessionDriver {
    let idleSeconds: Int
    let maxSeconds: Int

    /// The data key under which the session authenticator keeps the signed-in user's id.
    static let userKey = "_UserModelSession"
    /// The session cookie's name.
    static let cookieName = "guichet_session"

    func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
        let key = SecretToken.make()
        // A session with nothing in it is not worth a row: the cookie names nothing and the next
        // request starts afresh.
        guard !data.snapshot.isEmpty else { return SessionID(string: key) }
        let now = Date()
        let row = SessionModel()
        row.keyHash = SecretToken.hash(key)
        row.data = try Self.encode(data)
        row.userID = data[Self.userKey].flatMap(UUID.init(uuidString:))
        row.createdAt = now
        row.seenAt = now
        try await row.create(on: request.db)
        return SessionID(string: key)
    }

    func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
        guard let (row, user, revisions) = try await findWithUser(sessionID, on: request.db) else { return nil }
        if let user { request.storage[SessionUser.self] = user }
        request.storage[SiteRevisions.Key.self] = revisions
        let now = Date()
        guard !isExpired(row, now: now) else {
            try await row.delete(on: request.db)
            return nil
        }
        // Activity is recorded at most once a minute: reading a page is not a write.
        if now.timeIntervalSince(row.seenAt) > 60 {
            row.seenAt = now
            try await row.save(on: request.db)
        }
        let data = try JSONDecoder().decode(SessionData.self, from: Data(row.data.utf8))
        // Kept for the end of the request, which writes the row only if the data changed.
        request.storage[ReadSession.self] = ReadSession(keyHash: row.keyHash, row: row, data: data)
        return data
    }

    /// The session row read at the start of a request, with its data as read.
    private struct ReadSession: StorageKey {
        typealias Value = ReadSession
        let keyHash: String
        let row: SessionModel
        let data: SessionData
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
        let read = request.storage[ReadSession.self].flatMap {
            $0.keyHash == SecretToken.hash(sessionID.string) ? $0 : nil
        }
        let user = data[Self.userKey].flatMap(UUID.init(uuidString:))
        // Most requests change nothing: no query, no write (comparing the data, not their JSON,
        // whose key order is not stable).
        if let read, read.data.snapshot == data.snapshot, user == read.row.userID { return sessionID }
        let found: SessionModel?
        if let read { found = read.row } else { found = try await find(sessionID, on: request.db) }
        guard let row = found else {
            return try await createSession(data, for: request)
        }
        let encoded = try Self.encode(data)
        guard encoded != row.data || user != row.userID else { return sessionID }
        row.data = encoded
        row.userID = user
        try await row.save(on: request.db)
        return sessionID
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
        try await SessionModel.query(on: request.db).filter(\.$keyHash == SecretToken.hash(sessionID.string)).delete()
    }

    func isExpired(_ row: SessionModel, now: Date) -> Bool {
        now.timeIntervalSince(row.seenAt) > Double(idleSeconds)
            || now.timeIntervalSince(row.createdAt) > Double(maxSeconds)
    }

    private func find(_ sessionID: SessionID, on db: any Database) async throws -> SessionModel? {
        let key = sessionID.string
        guard Self.isWellFormed(key) else { return nil }
        return try await ModelRows.first(SessionModel.self, "WHERE m.key_hash = \(bind: SecretToken.hash(key))", on: db)
    }

    /// Whether the cookie holds a key as this store makes them: only those reach the database (a
    /// made-up cookie may hold anything).
    private static func isWellFormed(_ key: String) -> Bool {
        key.utf8.count == 43
            && key.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x5F
            }
    }

    /// The session row with its person's account read in the same query (a left join: a visitor's
    /// session has none), so that signing the person in asks the database nothing more — and the
    /// site's revisions (``SiteRevisions``), under which the staff pages keep what they share.
    private func findWithUser(
        _ sessionID: SessionID, on db: any Database
    ) async throws -> (
        SessionModel, UserModel?, SiteRevisions?
    )? {
        let key = sessionID.string
        guard Self.isWellFormed(key) else { return nil }
        let table = AddSiteRevisions.table
        guard
            let (session, user, row) = try await ModelRows.allWithParent(
                SessionModel.self, UserModel.self, on: "user_id", join: .left,
                extra: """
                    , (SELECT r.revision FROM \(ident: table) r WHERE r.name = 'staff') AS site_staff_revision,
                      (SELECT r.revision FROM \(ident: table) r WHERE r.name = 'calls') AS site_calls_revision
                    """,
                "WHERE m.key_hash = \(bind: SecretToken.hash(key)) LIMIT 1", on: db
            ).first
        else { return nil }
        let staff = try row.decodeIfPresent(column: "site_staff_revision", as: Int.self)
        let calls = try row.decodeIfPresent(column: "site_calls_revision", as: Int.self)
        return (session, user, staff.flatMap { staff in calls.map { SiteRevisions(staff: staff, calls: $0) } })
    }

    /// The account read with the session, for ``OpenAccountAuthenticator``.
    struct SessionUser: StorageKey {
        typealias Value = UserModel
    }

    private static func encode(_ data: SessionData) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(data), as: UTF8.self)
    }

    // MARK: - Housekeeping

    /// Deletes the expired sessions (the server does it in its background loop).
    @discardableResult
    static func purge(on db: any Database, idleSeconds: Int, maxSeconds: Int, now: Date = Date()) async throws -> Int {
        let expired = SessionModel.query(on: db).group(.or) { group in
            group.filter(\.$seenAt < now.addingTimeInterval(-Double(idleSeconds)))
                .filter(\.$createdAt < now.addingTimeInterval(-Double(maxSeconds)))
        }
        let count = try await expired.count()
        if count > 0 {
            try await SessionModel.query(on: db).group(.or) { group in
                group.filter(\.$seenAt < now.addingTimeInterval(-Double(idleSeconds)))
                    .filter(\.$createdAt < now.addingTimeInterval(-Double(maxSeconds)))
            }.delete()
        }
        return count
    }

    /// Ends every session of a person (password reset, account closed): reopening an account does
    /// not bring them back.
    static func endAll(of userID: UUID, on db: any Database) async throws {
        try await SessionModel.query(on: db).filter(\.$userID == userID).delete()
    }
}
