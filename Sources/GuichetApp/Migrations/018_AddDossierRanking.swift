import Fluent
import GuichetDomain
import SQLKit

/// What the committee's board ranks and sums in SQL, kept on each dossier: the envelope it draws
/// on (`draw_code`, set on every save by ``DossierDrawCode``) and its aggregate score on the
/// call's grid (`aggregate_score`, `score_spread`, `score_count`, kept by ``DossierScores`` in
/// the transaction that records a review). Existing rows are filled in here.
struct AddDossierRanking: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.transaction { database in
            for (name, type) in [
                ("draw_code", DatabaseSchema.DataType.string), ("aggregate_score", .int), ("score_spread", .int),
                ("score_count", .int),
            ] {
                try await database.schema(DossierModel.schema).field(.string(name), type).update()
            }
            try await DossierDrawCode.fillAll(on: database)
            try await DossierScores.refreshAll(on: database)
            try await Indexes.create(
                "dossiers_call_draw", on: DossierModel.schema, ["call_id", "draw_code"], database)
        }
    }

    func revert(on database: any Database) async throws {
        try await Indexes.drop("dossiers_call_draw", database)
        for name in ["score_count", "score_spread", "aggregate_score", "draw_code"] {
            try await database.schema(DossierModel.schema).deleteField(.string(name)).update()
        }
    }
}

/// Sets each dossier's `draw_code` (the envelope its scope draws on) whenever Fluent saves it.
struct DossierDrawCode: AsyncModelMiddleware {
    func create(model: DossierModel, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        model.drawCode = Self.code(model)
        try await next.create(model, on: db)
    }

    func update(model: DossierModel, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        model.drawCode = Self.code(model)
        try await next.update(model, on: db)
    }

    /// The draw code of a dossier's stored scope; `nil` for a scope the catalogue does not know.
    static func code(_ model: DossierModel) -> String? {
        try? EnvelopeCommitment.drawCode(
            of: DossierModel.scope(kind: model.scopeKind, territory: model.territoryCode, regions: ""))
    }

    /// Fills the draw code of every dossier: one statement per region, whatever their number.
    static func fillAll(on database: any Database) async throws {
        let sql = try database.sql()
        let table = DossierModel.schema
        try await sql.raw("UPDATE \(ident: table) SET draw_code = 'FR' WHERE scope_kind = 'national'").run()
        for region in TerritoryCatalog.france.regions {
            let departements = TerritoryCatalog.france.departements(in: region.code).map(\.code)
            try await sql.raw(
                """
                UPDATE \(ident: table) SET draw_code = \(bind: region.code)
                WHERE (scope_kind = 'regional' AND territory_code = \(bind: region.code))
                  OR (scope_kind = 'departemental' AND territory_code IN (\(binds: departements.isEmpty ? [""] : departements)))
                """
            ).run()
        }
    }
}
