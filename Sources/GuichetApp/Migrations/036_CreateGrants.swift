import Fluent
import GuichetDomain
import SQLKit

/// After the decision (issue 18): each retained dossier's grant act with its payment schedule,
/// and the payments and recoveries recorded against it; a call's grant terms.
///
/// - `grant_acts`: one per dossier (unique), frozen when generated: kind, number, amount, the
///   envelope drawn on and the wave that decided (the ledger's keys), the document as JSON, the
///   financial report's due day; then how it was signed (accepted online, or the signed copy
///   recorded by staff, its file kept by digest in the attachment store).
/// - `grant_instalments`: the schedule, in order.
/// - `grant_movements`: payments and recoveries, `kind` telling which, the reference unique per
///   act and kind once spaces and case are folded (`reference_key`) — the database holds the
///   rule the domain checks, against two staff recording the same mandate at once. The call is
///   kept on each row so that the triggers below raise its `ledger_revision` (a recovery returns
///   money to the envelope's room, a payment changes the statement): every instance then reads
///   the ledger again, as it does after a decision (``AddLedgerRevision``).
/// - `calls.grant_terms`: the call definition's `grants` section as JSON.
struct CreateGrants: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CallModel.schema).field("grant_terms", .string).update()
        try await database.schema(GrantActModel.schema)
            .id()
            .field("dossier_id", .uuid, .required, .references(DossierModel.schema, "id", onDelete: .cascade))
            .field("call_id", .uuid, .required, .references(CallModel.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("number", .string, .required)
            .field("amount_cents", .int64, .required)
            .field("draw_code", .string, .required)
            .field("wave", .int, .required)
            .field("document", .string, .required)
            .field("report_due_on", .datetime, .required)
            .field("generated_at", .datetime, .required)
            .field("generated_by", .string, .required)
            .field("signed_at", .datetime)
            .field("signed_how", .string)
            .field("signed_by", .string)
            .field("signed_file_sha256", .string)
            .field("signed_file_name", .string)
            .field("simulated", .bool, .required, .sql(.default(false)))
            .unique(on: "dossier_id")
            .create()
        try await Indexes.create("grant_acts_call", on: GrantActModel.schema, ["call_id", "signed_at"], database)
        try await database.schema(GrantInstalmentModel.schema)
            .id()
            .field("act_id", .uuid, .required, .references(GrantActModel.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("label", .string, .required)
            .field("amount_cents", .int64, .required)
            .field("condition", .string, .required)
            .field("from_day", .datetime)
            .unique(on: "act_id", "position")
            .create()
        try await database.schema(GrantMovementModel.schema)
            .id()
            .field("act_id", .uuid, .required, .references(GrantActModel.schema, "id", onDelete: .cascade))
            .field("dossier_id", .uuid, .required, .references(DossierModel.schema, "id", onDelete: .cascade))
            .field("call_id", .uuid, .required, .references(CallModel.schema, "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("day", .datetime, .required)
            .field("amount_cents", .int64, .required)
            .field("reference", .string, .required)
            .field("reference_key", .string, .required)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .string, .required)
            .field("simulated", .bool, .required, .sql(.default(false)))
            .unique(on: "act_id", "kind", "reference_key")
            .create()
        try await Indexes.create("grant_movements_call", on: GrantMovementModel.schema, ["call_id", "kind"], database)
        try await Indexes.create("grant_movements_dossier", on: GrantMovementModel.schema, ["dossier_id"], database)

        let sql = try database.sql()
        let raise = AddLedgerRevision.raise
        switch sql.dialect.name {
        case "postgresql":
            try await sql.raw(
                """
                CREATE OR REPLACE FUNCTION guichet_ledger_grant_movements() RETURNS trigger AS $$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') THEN \(unsafeRaw: raise) = OLD.call_id; END IF;
                  IF TG_OP IN ('INSERT', 'UPDATE') THEN \(unsafeRaw: raise) = NEW.call_id; END IF;
                  RETURN NULL;
                END;
                $$ LANGUAGE plpgsql
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER grant_movements_ledger AFTER INSERT OR UPDATE OR DELETE ON grant_movements
                FOR EACH ROW EXECUTE FUNCTION guichet_ledger_grant_movements()
                """
            ).run()
        case "sqlite":
            for (suffix, body) in [
                ("insert", "\(raise) = NEW.call_id;"),
                ("update", "\(raise) = OLD.call_id; \(raise) = NEW.call_id;"),
                ("delete", "\(raise) = OLD.call_id;"),
            ] {
                try await sql.raw(
                    """
                    CREATE TRIGGER grant_movements_ledger_\(unsafeRaw: suffix)
                    AFTER \(unsafeRaw: suffix.uppercased()) ON grant_movements
                    BEGIN \(unsafeRaw: body) END
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
            try await sql.raw("DROP TRIGGER IF EXISTS grant_movements_ledger ON grant_movements").run()
            try await sql.raw("DROP FUNCTION IF EXISTS guichet_ledger_grant_movements()").run()
        default:
            for suffix in ["insert", "update", "delete"] {
                try await sql.raw("DROP TRIGGER IF EXISTS grant_movements_ledger_\(unsafeRaw: suffix)").run()
            }
        }
        try await Indexes.drop("grant_movements_call", database)
        try await Indexes.drop("grant_movements_dossier", database)
        try await database.schema(GrantMovementModel.schema).delete()
        try await database.schema(GrantInstalmentModel.schema).delete()
        try await Indexes.drop("grant_acts_call", database)
        try await database.schema(GrantActModel.schema).delete()
        try await database.schema(CallModel.schema).deleteField("grant_terms").update()
    }
}
