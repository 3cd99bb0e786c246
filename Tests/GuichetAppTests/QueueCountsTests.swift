import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Testing
import VaporTesting

@testable import GuichetApp

/// The counts kept by the database (``KeptCounts``: the queue's, the board's, the results') stay
/// equal to a count over the dossiers after every kind of change, whatever path makes it.
@Suite struct QueueCountsTests {
    /// Both kept tables, without empty rows, against the same counts over the dossiers.
    static func agree(_ db: any Database) async throws -> Bool {
        for counts in [AddQueueCounts.counts, AddBoardCounts.counts, AddResultsCounts.counts] {
            let columns = counts.keys.map { "CAST(\($0) AS TEXT)" }.joined(separator: " || '|' || ")
            let expressions = counts.keys.map { "COALESCE(CAST(\($0) AS TEXT), '')" }
            let kept = try await db.sql().raw(
                "SELECT \(unsafeRaw: columns) AS k, n FROM \(ident: counts.table) WHERE n <> 0"
            ).all().reduce(into: [String: Int]()) {
                $0[try $1.decode(column: "k", as: String.self)] = try $1.decode(column: "n", as: Int.self)
            }
            let counted = try await db.sql().raw(
                """
                SELECT \(unsafeRaw: expressions.joined(separator: " || '|' || ")) AS k, COUNT(*) AS n
                FROM dossiers WHERE \(unsafeRaw: counts.counted?("dossiers") ?? "TRUE")
                GROUP BY \(unsafeRaw: expressions.joined(separator: ", "))
                """
            ).all().reduce(into: [String: Int]()) {
                $0[try $1.decode(column: "k", as: String.self)] = try $1.decode(column: "n", as: Int.self)
            }
            guard kept == counted, !kept.isEmpty else { return false }
        }
        let queueKept = try await Self.kept(db), queueCounted = try await Self.counted(db)
        return queueKept == queueCounted
    }

    /// The kept counts, without empty rows.
    static func kept(_ db: any Database) async throws -> [String: Int] {
        try await db.sql().raw("SELECT instructor_group, status, n FROM queue_counts WHERE n <> 0").all()
            .reduce(into: [:]) { counts, row in
                let key =
                    try row.decode(column: "instructor_group", as: String.self) + "|"
                    + row.decode(column: "status", as: String.self)
                counts[key] = try row.decode(column: "n", as: Int.self)
            }
    }

    /// The same counts, computed over the dossiers.
    static func counted(_ db: any Database) async throws -> [String: Int] {
        try await db.sql().raw(
            """
            SELECT COALESCE(instructor_group, '') AS g, status, COUNT(*) AS n FROM dossiers
            WHERE filed_at IS NOT NULL GROUP BY COALESCE(instructor_group, ''), status
            """
        ).all().reduce(into: [:]) { counts, row in
            counts[try row.decode(column: "g", as: String.self) + "|" + row.decode(column: "status", as: String.self)] =
                try row.decode(column: "n", as: Int.self)
        }
    }

    /// A new dossier of `dossier`'s call, organisation, theme and scope, for 1 000 €.
    static func copy(of dossier: DossierModel, title: String) -> DossierModel {
        let copy = DossierModel()
        copy.$call.id = dossier.$call.id
        copy.$organisation.id = dossier.$organisation.id
        copy.title = title
        copy.summary = ""
        copy.themeCode = dossier.themeCode
        copy.scopeKind = dossier.scopeKind
        copy.territoryCode = dossier.territoryCode
        copy.scopeRegions = dossier.scopeRegions
        copy.requestedCents = 1_000_00
        return copy
    }

    @Test func theKeptCountsEqualACountOverTheDossiersAfterEveryChange() async throws {
        try await withGuichet { app in
            let db = app.db
            #expect(try await Self.agree(db))
            #expect(!(try await Self.kept(db)).isEmpty, "the demo's filed dossiers are counted")
            // Filed through the web form.
            let (_, filedID) = try await Factory.filedDossier(app)
            #expect(try await Self.kept(db)["departement:02|filed"] == Self.counted(db)["departement:02|filed"])
            #expect(try await Self.agree(db))
            // Status, group and filing changed by the models, then by raw SQL, then deleted.
            let dossier = try #require(try await DossierModel.find(filedID, on: db))
            dossier.status = DossierStatus.underReview.rawValue
            try await dossier.save(on: db)
            #expect(try await Self.agree(db))
            dossier.instructorGroup = "departement:80"
            try await dossier.save(on: db)
            #expect(try await Self.agree(db))
            dossier.title = "Un autre titre"
            try await dossier.save(on: db)
            #expect(try await Self.agree(db))
            dossier.themeCode = "theme-modifie"
            dossier.simulated = !dossier.simulated
            try await dossier.save(on: db)
            #expect(try await Self.agree(db))
            try await db.sql().raw("UPDATE dossiers SET filed_at = NULL WHERE id = \(bind: filedID)").run()
            #expect(try await Self.agree(db))
            try await db.sql().raw("UPDATE dossiers SET filed_at = \(bind: Date()) WHERE id = \(bind: filedID)").run()
            #expect(try await Self.agree(db))
            try await db.sql().raw("UPDATE dossiers SET instructor_group = NULL WHERE id = \(bind: filedID)").run()
            #expect(try await Self.agree(db))
            try await db.sql().raw("UPDATE dossiers SET status = 'withdrawn' WHERE instructor_group = 'departement:02'")
                .run()
            #expect(try await Self.agree(db))
            // Inserted filed and deleted, as an import or a demo reset does.
            let copy = Self.copy(of: dossier, title: "Copie")
            copy.status = DossierStatus.eligible.rawValue
            copy.filedAt = Date()
            copy.simulated = true
            copy.instructorGroup = "departement:59"
            try await copy.create(on: db)
            #expect(try await Self.agree(db))
            try await copy.delete(on: db)
            #expect(try await Self.agree(db))
            // Many dossiers in one statement, into a few groups, filed or not; then deleted in one
            // statement: PostgreSQL counts them per statement.
            let copies = (0..<120).map { index in
                let row = Self.copy(of: dossier, title: "Lot")
                row.id = UUID()
                row.status = index % 3 == 0 ? DossierStatus.draft.rawValue : DossierStatus.filed.rawValue
                row.filedAt = index % 3 == 0 ? nil : Date()
                row.simulated = index % 2 == 0
                row.instructorGroup = index % 4 == 0 ? nil : "departement:\(["02", "59", "60"][index % 3])"
                return row
            }
            try await BulkRows.insert(copies, on: db)
            #expect(try await Self.agree(db))
            try await db.sql().raw("DELETE FROM dossiers WHERE title = 'Lot' AND status = 'filed'").run()
            #expect(try await Self.agree(db))
            try await db.sql().raw("DELETE FROM dossiers WHERE title = 'Lot'").run()
            #expect(try await Self.agree(db))
            // The queue shows the kept counts.
            let browser = try await Factory.aisneInstructor(app)
            let page = try await browser.get(SiteURL.instruction.path)
            let aisne = try await Self.counted(db).filter { $0.key.hasPrefix("departement:02|") }.values.reduce(0, +)
            #expect(page.visibleText.contains("\(aisne) dossiers déposés dans votre périmètre"))
        }
    }
}
