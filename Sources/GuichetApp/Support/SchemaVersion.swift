import Fluent
import SQLKit
import Vapor

/// The database's migrations against this binary's: what readiness reports, and why `serve` and
/// `migrate` refuse a database that a newer Guichet has migrated.
///
/// Migrations are never rewritten once released (ARCHITECTURE.md), so a name this binary does not
/// know can only come from a later version: its code expects columns and rules this one would
/// ignore or break. Starting on it would serve wrong pages or write rows the newer code does not
/// expect; refusing, with what to do, is the only safe answer.
struct SchemaVersion: Sendable {
    /// The migrations recorded in the database (none on an empty one).
    let applied: Set<String>
    /// This binary's migrations, in order.
    let known: [String]

    /// This binary's migrations not yet run.
    var pending: [String] { known.filter { !applied.contains($0) } }
    /// Migrations the database ran that this binary does not have: a newer version migrated it.
    var unknown: [String] { applied.subtracting(known).sorted() }

    /// This binary's migrations, as Fluent names them in its log table.
    static var knownNames: [String] { (GuichetMigrations.all + [SessionRecord.migration]).map(\.name) }

    /// Reads the database's migration log (Fluent's `_fluent_migrations`), empty before the first.
    static func read(_ database: any Database) async throws -> SchemaVersion {
        let sql = try database.sql()
        let table = "_fluent_migrations"
        let exists: Bool
        if sql.dialect.name == "sqlite" {
            exists =
                try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name = \(bind: table)")
                .first() != nil
        } else {
            exists =
                try await sql.raw("SELECT to_regclass(\(bind: table)) IS NOT NULL AS present").first()?
                .decode(column: "present", as: Bool.self) ?? false
        }
        guard exists else { return SchemaVersion(applied: [], known: knownNames) }
        let names = try await sql.raw("SELECT name FROM \(ident: table)").all().map {
            try $0.decode(column: "name", as: String.self)
        }
        return SchemaVersion(applied: Set(names), known: knownNames)
    }

    /// Refuses a database migrated by a newer version, naming what this binary does not know.
    /// - Throws: ``AppError`` `database_newer_than_binary`.
    func checkNotNewer() throws {
        guard !unknown.isEmpty else { return }
        let names = unknown.prefix(5).joined(separator: ", ") + (unknown.count > 5 ? "…" : "")
        throw AppError(
            status: .serviceUnavailable, code: "database_newer_than_binary",
            message:
                "La base de données a été migrée par une version plus récente de Guichet (migrations inconnues de ce programme : \(names)). Ce programme ne la démarre pas : installez la version qui l'a migrée, ou restaurez une sauvegarde faite avec celle-ci."
        )
    }
}
