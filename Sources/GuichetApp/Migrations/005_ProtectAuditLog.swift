import Fluent
import SQLKit

/// Makes the audit log append-only in the database itself: any UPDATE or DELETE on
/// `audit_entries` is refused, whoever sends it.
///
/// Triggers are the one place where SQLite and PostgreSQL need different SQL, hence the dialect
/// switch (tested on both in CI). Dropping the table (a migration revert) is still possible.
struct ProtectAuditLog: AsyncMigration {
    static let message = "audit_entries is append-only"

    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        switch sql.dialect.name {
        case "postgresql":
            try await sql.raw(
                """
                CREATE OR REPLACE FUNCTION guichet_audit_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION '\(unsafeRaw: Self.message)'; END;
                $$ LANGUAGE plpgsql
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
                FOR EACH ROW EXECUTE FUNCTION guichet_audit_append_only()
                """
            ).run()
        case "sqlite":
            for operation in ["UPDATE", "DELETE"] {
                try await sql.raw(
                    """
                    CREATE TRIGGER audit_entries_no_\(unsafeRaw: operation.lowercased()) BEFORE \(unsafeRaw: operation) ON audit_entries
                    BEGIN SELECT RAISE(ABORT, '\(unsafeRaw: Self.message)'); END
                    """
                ).run()
            }
        default:
            database.logger.warning("audit log protection: no trigger for SQL dialect \(sql.dialect.name)")
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        switch sql.dialect.name {
        case "postgresql":
            try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries").run()
            try await sql.raw("DROP FUNCTION IF EXISTS guichet_audit_append_only()").run()
        case "sqlite":
            try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_no_update").run()
            try await sql.raw("DROP TRIGGER IF EXISTS audit_entries_no_delete").run()
        default:
            break
        }
    }
}
