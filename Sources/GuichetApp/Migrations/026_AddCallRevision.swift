import Fluent
import SQLKit

/// `calls.revision`: a number the database raises, by triggers, in the transaction of every
/// insert, update and delete of a call's themes, objectives and waves, whatever code writes
/// them.
///
/// Nearly every staff page loads its call with these lists (``CallRepository/load(_:)``): three
/// queries and their models on each request. With the revision read alongside the call, an
/// instance keeps the lists it last read (``CallParts``) and reads them again only when the
/// number has moved — on any instance's change, since the number lives in the database.
struct AddCallRevision: AsyncMigration {
    static let children = ["themes", "objectives", "waves"]

    func prepare(on database: any Database) async throws {
        // Nullable: Fluent writes NULL for a call it creates; the first change to its lists sets it.
        try await database.schema(CallModel.schema).field("revision", .int64, .sql(.default(0))).update()
        let sql = try database.sql()
        switch sql.dialect.name {
        case "postgresql":
            try await sql.raw(
                """
                CREATE OR REPLACE FUNCTION guichet_call_revision() RETURNS trigger AS $$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    UPDATE calls SET revision = COALESCE(revision, 0) + 1 WHERE id = OLD.call_id;
                  END IF;
                  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.call_id IS DISTINCT FROM OLD.call_id) THEN
                    UPDATE calls SET revision = COALESCE(revision, 0) + 1 WHERE id = NEW.call_id;
                  END IF;
                  RETURN NULL;
                END;
                $$ LANGUAGE plpgsql
                """
            ).run()
            for table in Self.children {
                try await sql.raw(
                    """
                    CREATE TRIGGER \(unsafeRaw: table)_revision AFTER INSERT OR UPDATE OR DELETE ON \(ident: table)
                    FOR EACH ROW EXECUTE FUNCTION guichet_call_revision()
                    """
                ).run()
            }
        case "sqlite":
            for table in Self.children {
                try await sql.raw(
                    """
                    CREATE TRIGGER \(unsafeRaw: table)_revision_insert AFTER INSERT ON \(ident: table)
                    BEGIN UPDATE calls SET revision = COALESCE(revision, 0) + 1 WHERE id = NEW.call_id; END
                    """
                ).run()
                try await sql.raw(
                    """
                    CREATE TRIGGER \(unsafeRaw: table)_revision_update AFTER UPDATE ON \(ident: table)
                    BEGIN UPDATE calls SET revision = COALESCE(revision, 0) + 1 WHERE id IN (OLD.call_id, NEW.call_id); END
                    """
                ).run()
                try await sql.raw(
                    """
                    CREATE TRIGGER \(unsafeRaw: table)_revision_delete AFTER DELETE ON \(ident: table)
                    BEGIN UPDATE calls SET revision = COALESCE(revision, 0) + 1 WHERE id = OLD.call_id; END
                    """
                ).run()
            }
        default:
            throw AppError.unsupportedDatabase(sql.dialect.name)
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        switch sql.dialect.name {
        case "postgresql":
            for table in Self.children {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_revision ON \(ident: table)").run()
            }
            try await sql.raw("DROP FUNCTION IF EXISTS guichet_call_revision()").run()
        default:
            for table in Self.children {
                for suffix in ["insert", "update", "delete"] {
                    try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_revision_\(unsafeRaw: suffix)").run()
                }
            }
        }
        try await database.schema(CallModel.schema).deleteField("revision").update()
    }
}
