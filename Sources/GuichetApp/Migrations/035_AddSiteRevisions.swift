import Fluent
import SQLKit

/// Two numbers the database raises in the transaction of every change to what most staff pages
/// read besides their own rows, so that an instance can keep those reads (``SiteRevisions``):
///
/// - `staff`: any change to a staff member's scopes or declared links, or to a staff account's
///   role, name or state (applicants' accounts, which sign up all day long, do not count);
/// - `calls`: a call created, deleted, renamed, re-dated, or one of its themes, objectives or
///   waves changed (those raise the call's own `revision`, ``AddCallRevision``).
///
/// Read with the session (one query, ``SessionStore``): a kept value whose number is still the
/// database's holds what the tables hold, whichever instance or command made the change.
struct AddSiteRevisions: AsyncMigration {
    static let table = "site_revisions"
    /// The staff tables whose every change raises `staff`.
    static let staffTables = ["staff_scopes", "staff_links"]

    func prepare(on database: any Database) async throws {
        try await database.schema(Self.table)
            .field("name", .string, .identifier(auto: false))
            .field("revision", .int64, .required, .sql(.default(0)))
            .create()
        let sql = try database.sql()
        try await sql.raw("INSERT INTO \(ident: Self.table) (name, revision) VALUES ('staff', 0), ('calls', 0)").run()
        let staffAccount: SQLQueryString = "OLD.role <> 'applicant' OR NEW.role <> 'applicant'"
        switch sql.dialect.name {
        case "postgresql":
            try await sql.raw(
                """
                CREATE OR REPLACE FUNCTION guichet_site_revision() RETURNS trigger AS $$
                BEGIN
                  UPDATE site_revisions SET revision = revision + 1 WHERE name = TG_ARGV[0];
                  RETURN NULL;
                END;
                $$ LANGUAGE plpgsql
                """
            ).run()
            for table in Self.staffTables {
                try await sql.raw(
                    """
                    CREATE TRIGGER \(unsafeRaw: table)_site_revision AFTER INSERT OR UPDATE OR DELETE ON \(ident: table)
                    FOR EACH STATEMENT EXECUTE FUNCTION guichet_site_revision('staff')
                    """
                ).run()
            }
            try await sql.raw(
                """
                CREATE TRIGGER users_site_revision_insert AFTER INSERT ON users
                FOR EACH ROW WHEN (NEW.role <> 'applicant') EXECUTE FUNCTION guichet_site_revision('staff')
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER users_site_revision_update AFTER UPDATE OF role, display_name, disabled_at ON users
                FOR EACH ROW WHEN (\(staffAccount)) EXECUTE FUNCTION guichet_site_revision('staff')
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER users_site_revision_delete AFTER DELETE ON users
                FOR EACH ROW WHEN (OLD.role <> 'applicant') EXECUTE FUNCTION guichet_site_revision('staff')
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER calls_site_revision AFTER INSERT OR DELETE OR UPDATE OF reference, title, opens_at, revision
                ON calls FOR EACH STATEMENT EXECUTE FUNCTION guichet_site_revision('calls')
                """
            ).run()
        case "sqlite":
            let staff: SQLQueryString = "UPDATE site_revisions SET revision = revision + 1 WHERE name = 'staff'"
            let calls: SQLQueryString = "UPDATE site_revisions SET revision = revision + 1 WHERE name = 'calls'"
            for table in Self.staffTables {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    try await sql.raw(
                        """
                        CREATE TRIGGER \(unsafeRaw: table)_site_revision_\(unsafeRaw: event.lowercased())
                        AFTER \(unsafeRaw: event) ON \(ident: table) BEGIN \(staff); END
                        """
                    ).run()
                }
            }
            try await sql.raw(
                """
                CREATE TRIGGER users_site_revision_insert AFTER INSERT ON users
                WHEN NEW.role <> 'applicant' BEGIN \(staff); END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER users_site_revision_update AFTER UPDATE OF role, display_name, disabled_at ON users
                WHEN \(staffAccount) BEGIN \(staff); END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER users_site_revision_delete AFTER DELETE ON users
                WHEN OLD.role <> 'applicant' BEGIN \(staff); END
                """
            ).run()
            try await sql.raw("CREATE TRIGGER calls_site_revision_insert AFTER INSERT ON calls BEGIN \(calls); END")
                .run()
            try await sql.raw("CREATE TRIGGER calls_site_revision_delete AFTER DELETE ON calls BEGIN \(calls); END")
                .run()
            try await sql.raw(
                """
                CREATE TRIGGER calls_site_revision_update AFTER UPDATE OF reference, title, opens_at, revision ON calls
                BEGIN \(calls); END
                """
            ).run()
        default:
            throw AppError.unsupportedDatabase(sql.dialect.name)
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        var triggers: [(name: String, table: String)] = []
        switch sql.dialect.name {
        case "postgresql":
            triggers = Self.staffTables.map { ("\($0)_site_revision", $0) }
            triggers += ["insert", "update", "delete"].map { ("users_site_revision_\($0)", "users") }
            triggers.append(("calls_site_revision", "calls"))
            for trigger in triggers {
                try await sql.raw("DROP TRIGGER IF EXISTS \(ident: trigger.name) ON \(ident: trigger.table)").run()
            }
            try await sql.raw("DROP FUNCTION IF EXISTS guichet_site_revision()").run()
        default:
            for table in Self.staffTables + ["users", "calls"] {
                for event in ["insert", "update", "delete"] {
                    try await sql.raw("DROP TRIGGER IF EXISTS \(ident: "\(table)_site_revision_\(event)")").run()
                }
            }
        }
        try await database.schema(Self.table).delete()
    }
}
