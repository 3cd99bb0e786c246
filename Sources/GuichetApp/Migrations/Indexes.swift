import Fluent
import SQLKit

/// Secondary indexes, which Fluent's schema builder cannot declare.
///
/// SQLKit's `CREATE INDEX` is rendered by each dialect, so one call serves SQLite and PostgreSQL.
enum Indexes {
    static func create(
        _ name: String, on table: String, _ columns: [String], unique: Bool = false,
        _ database: any Database
    ) async throws {
        let sql = try database.sql()
        var builder = sql.create(index: name).on(table)
        if unique { builder = builder.unique() }
        for column in columns { builder = builder.column(column) }
        try await builder.run()
    }
}

extension Indexes {
    /// Drops an index (SQLite refuses to drop a column an index still uses).
    static func drop(_ name: String, _ database: any Database) async throws {
        let sql = try database.sql()
        try await sql.drop(index: name).ifExists().run()
    }
}

/// The migrations, in order; every one reverts.
///
/// Each migration's `prepare` runs in a transaction (SQLite and PostgreSQL both have
/// transactional DDL), so an interrupted migration leaves no half-created table behind.
enum GuichetMigrations {
    static let all: [any Migration] = [
        CreateCalls(),
        CreateEnvelopes(),
        CreateOrganisationsAndDossiers(),
        CreateDecisionsAndAudit(),
        ProtectAuditLog(),
        CreateAccounts(),
        CreateApplicantSpace(),
        CreateStaff(),
        CreateExpertRequests(),
        CreateCorrespondence(),
        CreateCommittee(),
        CreatePublications(),
        CreateAPIAccess(),
        CreateImportJobs(),
        CreateCallDefinitions(),
        CreateSessions(),
        CreateAuditChains(),
        CreateRateLimits(),
        AddDossierRanking(),
        AddQueueIndexes(),
        AddImportJobHeartbeat(),
        AddQueueCounts(),
        AddBoardCounts(),
        CreateStoredFiles(),
        AddResultsCounts(),
        DropRedundantIndexes(),
        AddCallRevision(),
        FreezeAppliedBoards(),
        AddStaffScopeIndex(),
        AddLedgerRevision(),
        AddLatestOpinionIndex(),
        CountPerStatement(),
        FreezeBoardFilters(),
        AddMessageReadAt(),
        AddRetention(),
        AddSiteRevisions(),
        CreateGrants(),
        CreateGrantReports(),
    ]
}
