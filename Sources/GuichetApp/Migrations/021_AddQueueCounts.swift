import Fluent
import SQLKit

/// The instruction queue's counts per instructor group and status, kept by the database itself in
/// the transaction of every change to a dossier (`queue_counts`).
///
/// Counting the filed dossiers per status on each queue page read every visible dossier's index
/// entry: 16 ms at 261 000 dossiers, most of the page's time. Triggers keep the counts whatever
/// writes the dossier — form, import, API, committee, demo, a future path — so no code can forget
/// them; `QueueCountsTests` checks they equal a `GROUP BY` over the dossiers after every kind of
/// change. Triggers are where SQLite and PostgreSQL need different SQL (see ``ProtectAuditLog``).
/// A filed dossier without an instructor group is counted under `''`.
struct AddQueueCounts: AsyncMigration {
    static let table = "queue_counts"

    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        try await sql.raw(
            """
            CREATE TABLE \(ident: Self.table) (
              instructor_group TEXT NOT NULL, status TEXT NOT NULL, n BIGINT NOT NULL,
              PRIMARY KEY (instructor_group, status))
            """
        ).run()
        switch sql.dialect.name {
        case "postgresql":
            try await sql.raw(
                """
                CREATE OR REPLACE FUNCTION guichet_queue_counts() RETURNS trigger AS $$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.filed_at IS NOT NULL THEN
                    UPDATE queue_counts SET n = n - 1
                    WHERE instructor_group = COALESCE(OLD.instructor_group, '') AND status = OLD.status;
                  END IF;
                  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.filed_at IS NOT NULL THEN
                    INSERT INTO queue_counts (instructor_group, status, n)
                    VALUES (COALESCE(NEW.instructor_group, ''), NEW.status, 1)
                    ON CONFLICT (instructor_group, status) DO UPDATE SET n = queue_counts.n + 1;
                  END IF;
                  RETURN NULL;
                END;
                $$ LANGUAGE plpgsql
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER queue_counts_insert_delete AFTER INSERT OR DELETE ON dossiers
                FOR EACH ROW EXECUTE FUNCTION guichet_queue_counts()
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER queue_counts_update AFTER UPDATE OF status, instructor_group, filed_at ON dossiers
                FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                  OR OLD.instructor_group IS DISTINCT FROM NEW.instructor_group
                  OR (OLD.filed_at IS NULL) <> (NEW.filed_at IS NULL))
                EXECUTE FUNCTION guichet_queue_counts()
                """
            ).run()
        case "sqlite":
            let add: SQLQueryString = """
                INSERT INTO queue_counts (instructor_group, status, n)
                SELECT COALESCE(NEW.instructor_group, ''), NEW.status, 1 WHERE NEW.filed_at IS NOT NULL
                ON CONFLICT (instructor_group, status) DO UPDATE SET n = n + 1;
                """
            let remove: SQLQueryString = """
                UPDATE queue_counts SET n = n - 1
                WHERE OLD.filed_at IS NOT NULL AND instructor_group = COALESCE(OLD.instructor_group, '')
                  AND status = OLD.status;
                """
            try await sql.raw("CREATE TRIGGER queue_counts_insert AFTER INSERT ON dossiers BEGIN \(add) END").run()
            try await sql.raw("CREATE TRIGGER queue_counts_delete AFTER DELETE ON dossiers BEGIN \(remove) END").run()
            try await sql.raw(
                """
                CREATE TRIGGER queue_counts_update AFTER UPDATE OF status, instructor_group, filed_at ON dossiers
                WHEN OLD.status IS NOT NEW.status OR OLD.instructor_group IS NOT NEW.instructor_group
                  OR (OLD.filed_at IS NULL) <> (NEW.filed_at IS NULL)
                BEGIN \(remove) \(add) END
                """
            ).run()
        default:
            throw AppError(
                status: .internalServerError, code: "unsupported_database",
                message: "Base de données non prise en charge : \(sql.dialect.name).")
        }
        try await sql.raw(
            """
            INSERT INTO \(ident: Self.table) (instructor_group, status, n)
            SELECT COALESCE(instructor_group, ''), status, COUNT(*) FROM \(ident: DossierModel.schema)
            WHERE filed_at IS NOT NULL GROUP BY COALESCE(instructor_group, ''), status
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        switch sql.dialect.name {
        case "postgresql":
            try await sql.raw("DROP TRIGGER IF EXISTS queue_counts_update ON dossiers").run()
            try await sql.raw("DROP TRIGGER IF EXISTS queue_counts_insert_delete ON dossiers").run()
            try await sql.raw("DROP FUNCTION IF EXISTS guichet_queue_counts()").run()
        default:
            for name in ["queue_counts_update", "queue_counts_delete", "queue_counts_insert"] {
                try await sql.raw("DROP TRIGGER IF EXISTS \(ident: name)").run()
            }
        }
        try await sql.raw("DROP TABLE IF EXISTS \(ident: Self.table)").run()
    }
}
