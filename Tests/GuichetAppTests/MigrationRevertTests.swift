import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

@testable import GuichetApp

/// Every other test starts from a copy of a database migrated once (`TestDatabases`): this one
/// migrates its own, loads the demo, reverts every migration over that data, and migrates again.
@Suite struct MigrationRevertTests {
    @Test func everyMigrationRevertsOverTheDemoAndAppliesAgain() async throws {
        try await withGuichet(fresh: true) { app in
            #expect(try await CallModel.query(on: app.db).count() > 0)
            try await app.autoRevert()
            #expect(try await Self.tables(app).subtracting(["_fluent_migrations"]) == [])
            try await DataBootstrap.prepare(app)
            #expect(try await CallModel.query(on: app.db).count() > 0)
        }
    }

    @Test func aTestWithItsOwnSettingsStartsFromADatabaseLoadedUnderThem() async throws {
        try await withGuichet(adjust: { $0.operatorName = "Préfecture de test" }) { app in
            let calls = try await CallModel.query(on: app.db).count()
            #expect(app.guichetConfiguration.operatorName == "Préfecture de test")
            #expect(calls > 0)
        }
        try await withGuichet(demo: false) { app in
            let calls = try await CallModel.query(on: app.db).count()
            let tables = try await Self.tables(app)
            #expect(calls == 0)
            #expect(tables.contains("dossiers"))
        }
    }

    /// The tables of the test's database (its schema on PostgreSQL).
    static func tables(_ app: Application) async throws -> Set<String> {
        let sql = app.db as! any SQLDatabase
        let rows =
            if sql.dialect.name == "sqlite" {
                try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                    .all()
            } else {
                try await sql.raw(
                    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
                ).all()
            }
        return Set(try rows.map { try $0.decode(column: "name", as: String.self) })
    }
}
