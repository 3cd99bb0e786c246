import Fluent
import Foundation
import NIOCore
import PostgresNIO
import SQLKit
import Testing

@testable import GuichetApp

/// Guichet's SQL on PostgreSQL (``PostgresSQL``): rows read from the driver's cells, reads
/// prepared once per connection, and a failed preparation never left behind. The parts that need
/// no server run everywhere; the rest runs on whichever database the suite runs on, and checks
/// the prepared statements themselves on PostgreSQL.
@Suite struct PostgresSQLTests {
    @Test func onlyReadsArePrepared() {
        #expect(PostgresSQL.isRead("SELECT 1"))
        #expect(PostgresSQL.isRead("select m.* FROM users m"))
        #expect(PostgresSQL.isRead("WITH t AS (SELECT 1) SELECT * FROM t"))
        #expect(!PostgresSQL.isRead("UPDATE users SET x = 1"))
        #expect(!PostgresSQL.isRead("INSERT INTO t VALUES (1)"))
        #expect(!PostgresSQL.isRead("DELETE FROM t"))
        #expect(!PostgresSQL.isRead("SELEC"))
        #expect(!PostgresSQL.isRead("WITHOUT"))
    }

    @Test func bindsAreEncodedByTheDriverOrLeftToPostgresKit() throws {
        let none: String? = nil
        let some: String? = "texte"
        let (bindings, types) = try #require(
            PostgresSQL.bindings(["a", UUID(), 3, Int64(4), true, 1.5, Date(), none, some]))
        #expect(bindings.count == 9)
        #expect(
            types
                == [
                    PostgresDataType.text, .uuid, .int8, .int8, .bool, .float8, .timestamptz, PostgresDataType(0),
                    .text,
                ].map(\.rawValue))
        // A value only PostgresKit's encoding knows (stored as JSON): the statement takes its path.
        struct Stored: Codable, Sendable { let n: Int }
        #expect(PostgresSQL.bindings([Stored(n: 1)]) == nil)
    }

    @Test func aStatementKeepsItsNumberUpToTheBound() {
        let names = StatementNames(limit: 3)
        let first = names.number("SELECT 1 WHERE $1", types: [25])
        #expect(first != nil)
        #expect(names.number("SELECT 1 WHERE $1", types: [25]) == first)
        // The same text with binds of another type is another statement.
        let other = names.number("SELECT 1 WHERE $1", types: [20])
        #expect(other != nil && other != first)
        #expect(names.number("SELECT 2", types: []) != nil)
        // Past the bound, nothing new is numbered: those statements go unprepared.
        #expect(names.number("SELECT 3", types: []) == nil)
        #expect(names.number("SELECT 1 WHERE $1", types: [25]) == first)
    }

    @Test func rowsReadAgainAndAgainHoldWhatFluentReads() async throws {
        try await withGuichet { app in
            let db = app.db
            let dossiers = try await DossierModel.query(on: db).sort(\.$id).limit(12).all()
            #expect(dossiers.count == 12)
            // More executions than PostgreSQL's five custom plans before it settles on one.
            for dossier in dossiers + dossiers {
                let id = try dossier.requireID()
                let row = try #require(
                    try await db.sql().raw(
                        """
                        SELECT d.id AS id, d.title AS title, d.requested_cents AS requested,
                          d.created_at AS created, d.correction_message AS message
                        FROM \(ident: DossierModel.schema) d WHERE d.id = \(bind: id)
                        """
                    ).first())
                #expect(try row.decodeUUID(column: "id") == id)
                #expect(try row.decode(column: "title", as: String.self) == dossier.title)
                #expect(try row.decode(column: "requested", as: Int64.self) == dossier.requestedCents)
                let created = try row.decode(column: "created", as: Date.self)
                #expect(abs(created.timeIntervalSince(try #require(dossier.createdAt))) < 0.001)
                #expect(try row.decodeNil(column: "message") == (dossier.correctionMessage == nil))
                #expect(try row.decodeIfPresent(column: "message", as: String.self) == dossier.correctionMessage)
                #expect(throws: (any Error).self) { try row.decode(column: "absent", as: String.self) }
            }
            let plain = try await ModelRows.all(DossierModel.self, "ORDER BY m.id LIMIT 12", on: db)
            #expect(try plain.map(ModelRowsTests.values) == dossiers.map(ModelRowsTests.values))
        }
    }

    @Test func aReadIsPreparedOncePerConnection() async throws {
        try await withGuichet { app in
            guard app.db is any PostgresDatabase else { return }
            try await app.db.withConnection { db in
                #expect(try db.sql() is PostgresSQL)
                let read: SQLQueryString =
                    "SELECT COUNT(*) AS n FROM \(ident: DossierModel.schema) WHERE title <> \(bind: "")"
                var counts: [Int] = []
                for _ in 0..<3 {
                    counts.append(try #require(try await db.sql().raw(read).first()).decode(column: "n", as: Int.self))
                }
                #expect(Set(counts).count == 1)
                let prepared = try await db.sql().raw(
                    "SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE \(bind: "%title <> $1%")"
                ).all()
                #expect(prepared.count == 1)
                #expect(try prepared.first?.decode(column: "name", as: String.self).hasPrefix("g") == true)
            }
        }
    }

    @Test func aReadPreparedBeforeTheSchemaChangedIsReadAgain() async throws {
        try await withGuichet { app in
            guard app.db is any PostgresDatabase else { return }
            let read: SQLQueryString =
                "SELECT m.* FROM \(ident: OrganisationModel.schema) m ORDER BY m.id LIMIT \(bind: 5)"
            // Enough reads for every connection of the pool to prepare the statement.
            let reads = 2 * (System.coreCount + 1)
            for _ in 0..<reads { #expect(try await app.db.sql().raw(read).all().count == 5) }
            // The statement's result changes shape: PostgreSQL refuses the prepared plan.
            try await app.db.sql().raw("ALTER TABLE \(ident: OrganisationModel.schema) ADD COLUMN note TEXT").run()
            for _ in 0..<reads {
                let rows = try await app.db.sql().raw(read).all()
                #expect(rows.count == 5)
                #expect(rows.allSatisfy { $0.contains(column: "note") })
            }
            try await app.db.sql().raw("ALTER TABLE \(ident: OrganisationModel.schema) DROP COLUMN note").run()
            // On a connection leased whole, the failure is the caller's once, then the statement
            // is prepared afresh.
            try await app.db.withConnection { db in
                _ = try? await db.sql().raw(read).all()
                let rows = try await db.sql().raw(read).all()
                #expect(rows.count == 5)
                #expect(!(rows.first?.contains(column: "note") ?? true))
            }
        }
    }

    @Test func aFaultyReadFailsAndTheNextOneWorks() async throws {
        try await withGuichet { app in
            let db = app.db
            await #expect(throws: (any Error).self) {
                try await db.sql().raw(
                    "SELECT nothing_here FROM \(ident: DossierModel.schema) WHERE id = \(bind: UUID())"
                )
                .all()
            }
            let row = try #require(
                try await db.sql().raw(
                    "SELECT COUNT(*) AS n FROM \(ident: DossierModel.schema) WHERE id <> \(bind: UUID())"
                )
                .first())
            #expect(try row.decode(column: "n", as: Int.self) > 0)
        }
    }

    @Test func readsInsideATransactionSeeItsWrites() async throws {
        try await withGuichet { app in
            let dossier = try #require(try await DossierModel.query(on: app.db).first())
            let id = try dossier.requireID()
            try await app.db.transaction { tx in
                try await tx.sql().raw(
                    "UPDATE \(ident: DossierModel.schema) SET title = \(bind: "Titre changé") WHERE id = \(bind: id)"
                ).run()
                let row = try #require(
                    try await tx.sql().raw("SELECT title FROM \(ident: DossierModel.schema) WHERE id = \(bind: id)")
                        .first())
                #expect(try row.decode(column: "title", as: String.self) == "Titre changé")
            }
        }
    }
}
