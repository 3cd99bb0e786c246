import Fluent
import Foundation
import SQLKit
import Testing

@testable import GuichetApp

/// A call's themes, objectives and waves kept by an instance (``CallParts``) are what the tables
/// hold: the database raises the call's revision at every change, whatever writes it.
@Suite struct CallPartsTests {
    /// A call's revision number (`revision` or `ledger_revision`) as the database holds it.
    static func revision(_ reference: String, column: String = "revision", on db: any Database) async throws -> Int {
        try await db.sql().raw("SELECT \(ident: column) AS n FROM calls WHERE reference = \(bind: reference)").first()
            .map { try $0.decode(column: "n", as: Int.self) } ?? -1
    }

    @Test func everyChangeToAThemeAnObjectiveOrAWaveRaisesTheCallsRevision() async throws {
        try await withGuichet { app in
            let db = app.db
            let call = try #require(try await CallModel.query(on: db).filter(\.$reference == "hdf-2021").first())
            let id = try call.requireID()
            var last = try await Self.revision("hdf-2021", on: db)
            func raised() async throws -> Bool {
                let now = try await Self.revision("hdf-2021", on: db)
                defer { last = now }
                return now > last
            }
            let theme = ThemeModel()
            theme.$call.id = id
            (theme.code, theme.label, theme.position) = ("essai", "Essai", 99)
            try await theme.create(on: db)
            #expect(try await raised())
            try await db.sql().raw("UPDATE themes SET label = 'Essai 2' WHERE code = 'essai'").run()
            #expect(try await raised())
            try await db.sql().raw("UPDATE objectives SET label = label || ' !' WHERE call_id = \(bind: id)").run()
            #expect(try await raised())
            try await db.sql().raw("UPDATE waves SET label = label || ' !' WHERE call_id = \(bind: id)").run()
            #expect(try await raised())
            try await theme.delete(on: db)
            #expect(try await raised())
            // Another call's change leaves this one's revision alone.
            let other = try #require(try await CallModel.query(on: db).filter(\.$reference != "hdf-2021").first())
            try await db.sql().raw("UPDATE themes SET label = label || ' ?' WHERE call_id = \(bind: other.requireID())")
                .run()
            #expect(try await !raised())
        }
    }

    @Test func aLoadedCallShowsChangesMadeBehindItsBack() async throws {
        // Its own database, migrated and loaded here: this test reads the process-wide cache, keyed
        // by call id, and copies of the template share the template's ids (`TestDatabases`).
        try await withGuichet(fresh: true) { app in
            let db = app.db
            let repository = CallRepository(database: db)
            let first = try await repository.load("hdf-2021")
            let id = first.id
            #expect(CallParts.shared.parts(of: id, revision: first.model.revision ?? -1) != nil)
            let again = try await repository.load("hdf-2021")
            #expect(again.themes.map(\.label) == first.themes.map(\.label))
            #expect(again.waves.map(\.id) == first.waves.map(\.id))
            #expect(again.call.themes == first.call.themes)
            // Another instance renames a theme and publishes a wave, straight in the database.
            let code = try #require(first.themes.first?.code)
            try await db.sql().raw(
                "UPDATE themes SET label = 'Renommée ailleurs' WHERE call_id = \(bind: id) AND code = \(bind: code)"
            ).run()
            let renamed = try await repository.load("hdf-2021")
            #expect(renamed.themes.first { $0.code == code }?.label == "Renommée ailleurs")
            #expect(renamed.call.themes.first { $0.code == code }?.label == "Renommée ailleurs")
        }
    }

    @Test func keptModelsSaveAsTheRowsTheyCameFrom() async throws {
        try await withGuichet { app in
            let db = app.db
            let repository = CallRepository(database: db)
            _ = try await repository.load("hdf-2021")
            let kept = try await repository.load("hdf-2021")
            let wave = try #require(kept.waves.first)
            let before = try await WaveModel.query(on: db).count()
            wave.label = "Vague renommée"
            try await wave.save(on: db)
            #expect(try await WaveModel.query(on: db).count() == before)
            #expect(try await WaveModel.find(wave.id, on: db)?.label == "Vague renommée")
            #expect(try await repository.load("hdf-2021").waves.first { $0.id == wave.id }?.label == "Vague renommée")
        }
    }
}
