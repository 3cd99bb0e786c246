import Fluent
import SQLKit

/// Counts of dossiers per combination of some of their columns, kept by database triggers in the
/// transaction of every insert, update and delete of a dossier, whatever code writes it.
///
/// Pages that count dossiers at any call size (the queue's counts per status, the committee
/// board's candidates) sum a few kept rows instead of reading every dossier's index entry. The
/// table names its columns as `dossiers` does, so a condition written for `dossiers d` reads the
/// kept counts as `table d` unchanged. A NULL column is kept as `''` (filters never ask for NULL).
/// Triggers are where SQLite and PostgreSQL need different SQL (see ``ProtectAuditLog``).
struct KeptCounts: Sendable {
    let table: String
    /// Dossier columns, text unless listed in `typed`.
    let keys: [String]
    /// Key columns that are never NULL and keep their own SQL type (an identifier, a flag).
    var typed: [String: String] = [:]
    /// Columns whose change moves a dossier between rows, besides the keys.
    var watched: [String] = []
    /// Whether a dossier (`NEW` or `OLD`) is counted; nil counts them all.
    var counted: (@Sendable (String) -> String)? = nil

    private var columns: String { keys.joined(separator: ", ") }

    private func value(_ row: String, _ column: String) -> String {
        typed[column] != nil ? "\(row).\(column)" : "COALESCE(\(row).\(column), '')"
    }

    private func values(_ row: String) -> String {
        keys.map { value(row, $0) }.joined(separator: ", ")
    }

    private func matches(_ row: String) -> String {
        keys.map { "\($0) = \(value(row, $0))" }.joined(separator: " AND ")
    }

    private func when(_ row: String) -> String { counted.map { $0(row) } ?? "TRUE" }

    /// What changes a dossier's row: a key, or a watched column.
    private var changed: String {
        (keys + watched).map { column in
            watched.contains(column) && counted != nil
                ? "(\(counted!("OLD"))) <> (\(counted!("NEW")))" : "OLD.\(column) IS DISTINCT FROM NEW.\(column)"
        }.joined(separator: " OR ")
    }

    func create(on database: any Database) async throws {
        let sql = try database.sql()
        let definitions = keys.map { "\($0) \(typed[$0] ?? "TEXT") NOT NULL" }
            .joined(separator: ", ")
        try await sql.raw(
            "CREATE TABLE \(ident: table) (\(unsafeRaw: definitions), n BIGINT NOT NULL, PRIMARY KEY (\(unsafeRaw: columns)))"
        ).run()
        let add = { (row: String) in
            """
            INSERT INTO \(table) (\(columns), n) SELECT \(values(row)), 1 WHERE \(when(row))
            ON CONFLICT (\(columns)) DO UPDATE SET n = \(table).n + 1;
            """
        }
        let remove = { (row: String) in
            "UPDATE \(table) SET n = n - 1 WHERE \(when(row)) AND \(matches(row));"
        }
        switch sql.dialect.name {
        case "postgresql":
            try await sql.raw(
                """
                CREATE OR REPLACE FUNCTION \(unsafeRaw: function)() RETURNS trigger AS $$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') THEN \(unsafeRaw: remove("OLD")) END IF;
                  IF TG_OP IN ('INSERT', 'UPDATE') THEN \(unsafeRaw: add("NEW")) END IF;
                  RETURN NULL;
                END;
                $$ LANGUAGE plpgsql
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER \(unsafeRaw: table)_insert_delete AFTER INSERT OR DELETE ON dossiers
                FOR EACH ROW EXECUTE FUNCTION \(unsafeRaw: function)()
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER \(unsafeRaw: table)_update AFTER UPDATE OF \(unsafeRaw: (keys + watched).joined(separator: ", "))
                ON dossiers FOR EACH ROW WHEN (\(unsafeRaw: changed)) EXECUTE FUNCTION \(unsafeRaw: function)()
                """
            ).run()
        case "sqlite":
            try await sql.raw(
                "CREATE TRIGGER \(unsafeRaw: table)_insert AFTER INSERT ON dossiers BEGIN \(unsafeRaw: add("NEW")) END"
            ).run()
            try await sql.raw(
                "CREATE TRIGGER \(unsafeRaw: table)_delete AFTER DELETE ON dossiers BEGIN \(unsafeRaw: remove("OLD")) END"
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER \(unsafeRaw: table)_update AFTER UPDATE OF \(unsafeRaw: (keys + watched).joined(separator: ", "))
                ON dossiers WHEN \(unsafeRaw: changed.replacingOccurrences(of: "IS DISTINCT FROM", with: "IS NOT"))
                BEGIN \(unsafeRaw: remove("OLD")) \(unsafeRaw: add("NEW")) END
                """
            ).run()
        default:
            throw AppError.unsupportedDatabase(sql.dialect.name)
        }
        try await sql.raw(
            """
            INSERT INTO \(ident: table) (\(unsafeRaw: columns), n)
            SELECT \(unsafeRaw: values("dossiers")), COUNT(*) FROM dossiers
            WHERE \(unsafeRaw: counted.map { $0("dossiers") } ?? "TRUE")
            GROUP BY \(unsafeRaw: values("dossiers"))
            """
        ).run()
    }

    /// PostgreSQL: dossiers inserted or deleted are counted once per statement, from the
    /// statement's transition table, instead of once per row. Every row-level upsert of the same
    /// kept row in one transaction adds a version of that row that the next must walk past (they
    /// are not pruned before the commit): an import of 261 000 dossiers into a few groups spent
    /// minutes there, quadratically. A statement now upserts each of its groups once. Updates stay
    /// per row (PostgreSQL gives no transition table to a trigger on some columns only); SQLite
    /// updates its rows in place and keeps its row triggers.
    func countPerStatement(on database: any Database) async throws {
        let sql = try database.sql()
        guard sql.dialect.name == "postgresql" else { return }
        try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_insert_delete ON dossiers").run()
        let grouped = { (rows: String) in
            "SELECT \(values("d")), COUNT(*) FROM \(rows) d WHERE \(when("d")) GROUP BY \(values("d"))"
        }
        let joined = keys.map { "\(table).\($0) = g.\($0)" }.joined(separator: " AND ")
        try await sql.raw(
            """
            CREATE OR REPLACE FUNCTION \(unsafeRaw: function)_inserted() RETURNS trigger AS $$
            BEGIN
              INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns), n) \(unsafeRaw: grouped("inserted"))
              ON CONFLICT (\(unsafeRaw: columns)) DO UPDATE SET n = \(unsafeRaw: table).n + EXCLUDED.n;
              RETURN NULL;
            END;
            $$ LANGUAGE plpgsql
            """
        ).run()
        try await sql.raw(
            """
            CREATE OR REPLACE FUNCTION \(unsafeRaw: function)_deleted() RETURNS trigger AS $$
            BEGIN
              UPDATE \(unsafeRaw: table) SET n = \(unsafeRaw: table).n - g.n
              FROM (\(unsafeRaw: grouped("deleted"))) AS g (\(unsafeRaw: columns), n) WHERE \(unsafeRaw: joined);
              RETURN NULL;
            END;
            $$ LANGUAGE plpgsql
            """
        ).run()
        try await sql.raw(
            """
            CREATE TRIGGER \(unsafeRaw: table)_inserted AFTER INSERT ON dossiers REFERENCING NEW TABLE AS inserted
            FOR EACH STATEMENT EXECUTE FUNCTION \(unsafeRaw: function)_inserted()
            """
        ).run()
        try await sql.raw(
            """
            CREATE TRIGGER \(unsafeRaw: table)_deleted AFTER DELETE ON dossiers REFERENCING OLD TABLE AS deleted
            FOR EACH STATEMENT EXECUTE FUNCTION \(unsafeRaw: function)_deleted()
            """
        ).run()
    }

    /// PostgreSQL: back to counting inserts and deletes per row.
    func countPerRow(on database: any Database) async throws {
        let sql = try database.sql()
        guard sql.dialect.name == "postgresql" else { return }
        try await dropStatementTriggers(sql)
        try await sql.raw(
            """
            CREATE TRIGGER \(unsafeRaw: table)_insert_delete AFTER INSERT OR DELETE ON dossiers
            FOR EACH ROW EXECUTE FUNCTION \(unsafeRaw: function)()
            """
        ).run()
    }

    private func dropStatementTriggers(_ sql: any SQLDatabase) async throws {
        for kind in ["inserted", "deleted"] {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_\(unsafeRaw: kind) ON dossiers").run()
            try await sql.raw("DROP FUNCTION IF EXISTS \(unsafeRaw: function)_\(unsafeRaw: kind)()").run()
        }
    }

    func drop(on database: any Database) async throws {
        let sql = try database.sql()
        switch sql.dialect.name {
        case "postgresql":
            try await dropStatementTriggers(sql)
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_update ON dossiers").run()
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_insert_delete ON dossiers").run()
            try await sql.raw("DROP FUNCTION IF EXISTS \(unsafeRaw: function)()").run()
        default:
            for suffix in ["update", "delete", "insert"] {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_\(unsafeRaw: suffix)").run()
            }
        }
        try await sql.raw("DROP TABLE IF EXISTS \(ident: table)").run()
    }

    private var function: String { "guichet_\(table)" }
}
