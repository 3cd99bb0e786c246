import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Testing
import VaporTesting

@testable import GuichetApp

/// Rows written by the thousand carry every column Fluent would write.
@Suite struct BulkRowsTests {
    /// Whether two rows of `table` hold the same values in every column but their id and
    /// timestamps (the database compares them: `INTERSECT` treats two NULLs as equal).
    /// Columns that must differ (unique) are only checked to be written.
    func sameRow(
        _ table: String, _ a: UUID, _ b: UUID, except unique: [String] = [], on db: any Database
    ) async throws -> Bool {
        let sql = try #require(db as? any SQLDatabase)
        let sample = try #require(try await sql.raw("SELECT * FROM \(ident: table) WHERE id = \(bind: a)").first())
        let columns = sample.allColumns.filter { !(["id", "created_at", "updated_at"] + unique).contains($0) }
        #expect(columns.count > 3)
        for column in unique {
            let written = try await sql.raw(
                "SELECT COUNT(*) AS n FROM \(ident: table) WHERE id = \(bind: b) AND \(ident: column) IS NOT NULL"
            ).first()
            #expect(try written?.decode(column: "n", as: Int.self) == 1, "\(table).\(column)")
        }
        let list = SQLList(columns.map { SQLIdentifier($0) })
        let rows = try await sql.raw(
            """
            SELECT COUNT(*) AS n FROM (
              SELECT \(list) FROM \(ident: table) WHERE id = \(bind: a)
              INTERSECT SELECT \(list) FROM \(ident: table) WHERE id = \(bind: b)
            ) same
            """
        ).all()
        return try rows.first?.decode(column: "n", as: Int.self) == 1
    }

    @Test func bulkRowsWriteEveryColumnFluentWrites() async throws {
        try await withGuichet { app in
            // setup: models with every field set, written once by Fluent and once in bulk.
            let call = try await CallRepository(database: app.db).load(DemoCall.reference)
            let wave = try #require(call.waves.first?.id)
            let user = try await Factory.user(app, "ddets-aisne@demo.guichet.invalid")
            func organisation(_ id: UUID, _ n: Int) -> OrganisationModel {
                let model = OrganisationModel(
                    id: id, name: "Association d'essai", legalForm: "association_declaree", siret: "7328293200007\(n)",
                    rna: "W59500000\(n)", departementCode: "59", simulated: true)
                model.address = "1 rue de la Paix"
                model.postcode = "59000"
                model.city = "Lille"
                return model
            }
            let (orgA, orgB) = (organisation(UUID(), 1), organisation(UUID(), 2))
            try await orgA.create(on: app.db)
            try await BulkRows.insert([orgB], on: app.db)
            #expect(
                try await sameRow(OrganisationModel.schema, orgA.id!, orgB.id!, except: ["siret", "rna"], on: app.db))

            func dossier(_ id: UUID, _ n: Int) throws -> DossierModel {
                let model = DossierModel(
                    Dossier(
                        id: id, number: "ESSAI-\(id.uuidString.prefix(4))", title: "Titre", summary: "Résumé",
                        themeCode: "alimentation", scope: .departemental(departement: "02"),
                        requestedAmount: try Money(euros: 1_000), status: .filed,
                        filedAt: Date(timeIntervalSince1970: 1),
                        simulated: true),
                    callID: call.id, organisationID: orgA.id!)
                model.number = "ESSAI-\(n)"
                model.totalBudgetCents = 500_000
                model.formVersion = 2
                model.answers = "{}"
                model.createdBy = user.id
                model.receiptDigest = "abc"
                model.instructorGroup = "departement:02"
                model.assigneeID = user.id
                model.correctionDueOn = Date(timeIntervalSince1970: 2)
                model.correctionMessage = "Pièce manquante"
                model.correctionRemindedAt = Date(timeIntervalSince1970: 3)
                return model
            }
            let (dossierA, dossierB) = (try dossier(UUID(), 1), try dossier(UUID(), 2))
            try await dossierA.create(on: app.db)
            try await BulkRows.insert([dossierB], on: app.db)
            #expect(dossierA.drawCode == "32")
            #expect(try await sameRow(DossierModel.schema, dossierA.id!, dossierB.id!, except: ["number"], on: app.db))

            func decision(_ dossier: DossierModel) -> DecisionModel {
                let model = DecisionModel()
                model.id = UUID()
                model.$dossier.id = dossier.id!
                model.$wave.id = wave
                model.outcome = "rejected"
                model.grantedCents = 0
                model.motive = "Hors champ"
                model.decidedAt = Date(timeIntervalSince1970: 4)
                model.decidedBy = "Comité"
                model.simulated = true
                return model
            }
            let (decisionA, decisionB) = (decision(dossierA), decision(dossierB))
            try await decisionA.create(on: app.db)
            try await BulkRows.insert([decisionB], on: app.db)
            let sql = try #require(app.db as? any SQLDatabase)
            // Their dossiers differ (one decision per dossier and wave).
            #expect(
                try await sameRow(
                    DecisionModel.schema, decisionA.id!, decisionB.id!, except: ["dossier_id"], on: app.db))

            func entry() -> AuditEntryModel {
                let model = AuditEntryModel(
                    AuditEntry(
                        at: Date(timeIntervalSince1970: 5), actor: Agent(id: user.id, name: "X", role: .instructor),
                        action: "import", entityType: "dossier", entityID: dossierA.id!, from: "draft", to: "filed",
                        reason: "Essai"))
                model.chainKey = "essai"
                model.sequence = 1
                model.previousHash = "0"
                model.entryHash = "1"
                return model
            }
            let (entryA, entryB) = (entry(), entry())
            entryB.id = UUID()
            entryB.chainKey = "essai-2"
            try await BulkRows.insert([entryB], on: app.db)
            entryA.id = UUID()
            try await BulkRows.insert([entryA], on: app.db)
            // The log is append-only and a chain's places unique: the two entries differ by chain.
            #expect(
                try await sameRow(AuditEntryModel.schema, entryA.id!, entryB.id!, except: ["chain_key"], on: app.db))
            // A row written by Fluent has no column the bulk list lacks.
            let fluentEntry = entry()
            fluentEntry.chainKey = nil
            fluentEntry.sequence = nil
            fluentEntry.previousHash = nil
            fluentEntry.entryHash = nil
            try await fluentEntry.create(on: app.db)
            let written = try #require(
                try await sql.raw("SELECT * FROM \(ident: AuditEntryModel.schema) WHERE id = \(bind: fluentEntry.id!)")
                    .first())
            #expect(Set(written.allColumns) == Set(AuditEntryModel.bulkColumns))
            // The scores are kept by DossierScores, never written with the row; `anonymised_at` is
            // set by retention only.
            for (table, columns) in [
                (OrganisationModel.schema, OrganisationModel.bulkColumns),
                (
                    DossierModel.schema,
                    DossierModel.bulkColumns + ["aggregate_score", "score_spread", "score_count", "anonymised_at"]
                ),
                (DecisionModel.schema, DecisionModel.bulkColumns), (OpinionModel.schema, OpinionModel.bulkColumns),
                (ReviewModel.schema, ReviewModel.bulkColumns),
            ] {
                let row = try #require(try await sql.raw("SELECT * FROM \(ident: table)").first())
                #expect(Set(row.allColumns) == Set(columns), "\(table)")
            }
        }
    }
}
