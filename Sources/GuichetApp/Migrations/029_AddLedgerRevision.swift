import Fluent
import GuichetDomain
import SQLKit

/// `calls.ledger_revision`: a number the database raises, by triggers, in the transaction of
/// every change to what a call's envelope ledger sums — its envelopes and their revisions, its
/// waves, its decisions, and a dossier entering or leaving the laureates (a status change to or
/// from retained and after, or a laureate's territory corrected) — whatever code writes them.
///
/// Every board, envelope statement and proposal page reads the call's envelopes and sums its
/// decisions per envelope and wave: at 261 000 dossiers that sum was 5 ms of the applied board's
/// time (docs/BENCHMARKS.md). With the number read alongside the call, an instance keeps the
/// envelopes and sums it last read (``LedgerParts``) and reads them again only when the number
/// has moved, on any instance's change. A separate number from ``AddCallRevision``'s, so that a
/// wave of decisions does not make every instance read the call's themes again.
///
/// The dossier triggers fire only when a laureate status is involved: instruction's many status
/// changes before the decision leave the call's row alone (no write, no lock on it).
struct AddLedgerRevision: AsyncMigration {
    /// The statuses the ledger counts (``DossierStatus/isLaureate``), as SQL literals: constants
    /// of the domain, never input.
    static var laureates: String {
        DossierStatus.allCases.filter(\.isLaureate).map { "'\($0.rawValue)'" }.joined(separator: ", ")
    }

    /// (table, how a row of it names its call, trigger name) for the tables whose every change counts.
    static func sources(_ row: String) -> [(table: String, call: String)] {
        [
            ("envelopes", "\(row).call_id"),
            ("envelope_revisions", "(SELECT call_id FROM envelopes WHERE id = \(row).envelope_id)"),
            ("waves", "\(row).call_id"),
            ("decisions", "(SELECT call_id FROM waves WHERE id = \(row).wave_id)"),
        ]
    }

    static let raise = "UPDATE calls SET ledger_revision = COALESCE(ledger_revision, 0) + 1 WHERE id"

    func prepare(on database: any Database) async throws {
        try await database.schema(CallModel.schema).field("ledger_revision", .int64, .sql(.default(0))).update()
        let sql = try database.sql()
        let laureates = Self.laureates
        switch sql.dialect.name {
        case "postgresql":
            for (index, (table, _)) in Self.sources("NEW").enumerated() {
                let new = Self.sources("NEW")[index].call, old = Self.sources("OLD")[index].call
                try await sql.raw(
                    """
                    CREATE OR REPLACE FUNCTION guichet_ledger_\(unsafeRaw: table)() RETURNS trigger AS $$
                    BEGIN
                      IF TG_OP IN ('UPDATE', 'DELETE') THEN \(unsafeRaw: Self.raise) = \(unsafeRaw: old); END IF;
                      IF TG_OP IN ('INSERT', 'UPDATE') THEN \(unsafeRaw: Self.raise) = \(unsafeRaw: new); END IF;
                      RETURN NULL;
                    END;
                    $$ LANGUAGE plpgsql
                    """
                ).run()
                try await sql.raw(
                    """
                    CREATE TRIGGER \(unsafeRaw: table)_ledger AFTER INSERT OR UPDATE OR DELETE ON \(ident: table)
                    FOR EACH ROW EXECUTE FUNCTION guichet_ledger_\(unsafeRaw: table)()
                    """
                ).run()
            }
            try await sql.raw(
                """
                CREATE OR REPLACE FUNCTION guichet_ledger_dossiers() RETURNS trigger AS $$
                BEGIN
                  IF TG_OP = 'DELETE' THEN
                    IF OLD.status IN (\(unsafeRaw: laureates)) THEN \(unsafeRaw: Self.raise) = OLD.call_id; END IF;
                  ELSIF OLD.status IN (\(unsafeRaw: laureates)) OR NEW.status IN (\(unsafeRaw: laureates)) THEN
                    IF OLD.status IS DISTINCT FROM NEW.status OR OLD.scope_kind IS DISTINCT FROM NEW.scope_kind
                      OR OLD.territory_code IS DISTINCT FROM NEW.territory_code OR OLD.call_id IS DISTINCT FROM NEW.call_id
                    THEN
                      \(unsafeRaw: Self.raise) IN (OLD.call_id, NEW.call_id);
                    END IF;
                  END IF;
                  RETURN NULL;
                END;
                $$ LANGUAGE plpgsql
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER dossiers_ledger AFTER UPDATE OR DELETE ON dossiers
                FOR EACH ROW EXECUTE FUNCTION guichet_ledger_dossiers()
                """
            ).run()
        case "sqlite":
            for (index, (table, _)) in Self.sources("NEW").enumerated() {
                let new = Self.sources("NEW")[index].call, old = Self.sources("OLD")[index].call
                for (suffix, body) in [
                    ("insert", "\(Self.raise) = \(new);"),
                    ("update", "\(Self.raise) = \(old); \(Self.raise) = \(new);"),
                    ("delete", "\(Self.raise) = \(old);"),
                ] {
                    try await sql.raw(
                        """
                        CREATE TRIGGER \(unsafeRaw: table)_ledger_\(unsafeRaw: suffix)
                        AFTER \(unsafeRaw: suffix.uppercased()) ON \(ident: table)
                        BEGIN \(unsafeRaw: body) END
                        """
                    ).run()
                }
            }
            try await sql.raw(
                """
                CREATE TRIGGER dossiers_ledger_update AFTER UPDATE OF status, scope_kind, territory_code, call_id ON dossiers
                WHEN OLD.status IN (\(unsafeRaw: laureates)) OR NEW.status IN (\(unsafeRaw: laureates))
                BEGIN \(unsafeRaw: Self.raise) IN (OLD.call_id, NEW.call_id); END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER dossiers_ledger_delete AFTER DELETE ON dossiers
                WHEN OLD.status IN (\(unsafeRaw: laureates))
                BEGIN \(unsafeRaw: Self.raise) = OLD.call_id; END
                """
            ).run()
        default:
            throw AppError.unsupportedDatabase(sql.dialect.name)
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        let tables = Self.sources("NEW").map(\.table) + ["dossiers"]
        switch sql.dialect.name {
        case "postgresql":
            for table in tables {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_ledger ON \(ident: table)").run()
                try await sql.raw("DROP FUNCTION IF EXISTS guichet_ledger_\(unsafeRaw: table)()").run()
            }
        default:
            for table in tables {
                for suffix in ["insert", "update", "delete"] {
                    try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_ledger_\(unsafeRaw: suffix)").run()
                }
            }
        }
        try await database.schema(CallModel.schema).deleteField("ledger_revision").update()
    }
}
