import Fluent
import Foundation
import GuichetDomain
import SQLKit

/// Counts requests per key in fixed windows, atomically in the database (any instance, parallel
/// requests all counted): what limits sign-ups, password-reset requests and invitations.
struct RequestCounter {
    let database: any Database
    let now: Date

    /// What a limit allows.
    struct Limit: Sendable {
        let count: Int
        let window: TimeInterval
        let what: String

        /// Ten accounts an hour from one address.
        static let signUp = Limit(count: 10, window: 3600, what: "créations de compte")
        /// Five reset requests an hour from one address.
        static let resetByAddress = Limit(count: 5, window: 3600, what: "demandes de nouveau mot de passe")
        /// Three reset emails an hour to one account.
        static let resetByEmail = Limit(count: 3, window: 3600, what: "demandes de nouveau mot de passe")
        /// Thirty invitations a day from one person.
        static let invitations = Limit(count: 30, window: 86_400, what: "invitations")
    }

    /// Counts one request under `key`.
    /// - Returns: whether it is within the limit.
    func hit(_ key: String, _ limit: Limit) async throws -> Bool {
        let sql = try database.sql()
        let cutoff = now.addingTimeInterval(-limit.window)
        try await sql.insert(into: RateLimitModel.schema)
            .columns("id", "key", "count", "window_start")
            .values(SQLBind(UUID()), SQLBind(key), SQLBind(0), SQLBind(now))
            .ignoringConflicts(with: "key").run()
        struct Row: Decodable { let count: Int }
        // One statement: the database serialises parallel requests on the row.
        let row = try await sql.raw(
            """
            UPDATE \(ident: RateLimitModel.schema)
            SET count = CASE WHEN window_start <= \(bind: cutoff) THEN 1 ELSE count + 1 END,
                window_start = CASE WHEN window_start <= \(bind: cutoff) THEN \(bind: now) ELSE window_start END
            WHERE key = \(bind: key) RETURNING count
            """
        ).first(decoding: Row.self)
        return (row?.count ?? 1) <= limit.count
    }

    /// Counts one request, refusing it beyond the limit.
    /// - Throws: a 429 ``AppError`` with the wait in French.
    func check(_ key: String, _ limit: Limit) async throws {
        guard try await hit(key, limit) else {
            let hours = Int((limit.window / 3600).rounded())
            throw AppError(
                status: .tooManyRequests, code: "too_many_requests",
                message:
                    "Trop de \(limit.what) en peu de temps : réessayez dans \(hours >= 24 ? "un jour" : (hours == 1 ? "une heure" : "\(hours) heures"))."
            )
        }
    }
}

/// A request counter (`rate_limits`).
final class RateLimitModel: Model, @unchecked Sendable {
    static let schema = "rate_limits"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "count") var count: Int
    @Field(key: "window_start") var windowStart: Date

    /// Listed by hand: see ``ListedFields``.
    var properties: [any AnyProperty] { [$id, $key, $count, $windowStart] }

    init() {}
}

/// The request counters' table.
struct CreateRateLimits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(RateLimitModel.schema)
            .id()
            .field("key", .string, .required)
            .field("count", .int, .required)
            .field("window_start", .datetime, .required)
            .unique(on: "key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(RateLimitModel.schema).delete()
    }
}
