import Fluent
import Foundation
import SQLKit
import Testing

@testable import GuichetApp

/// The queries that read by a filter use an index, on both databases — after
/// ``DropRedundantIndexes`` too, which removed indexes that others cover.
@Suite struct IndexUseTests {
    /// The plan's text: SQLite's `EXPLAIN QUERY PLAN`; PostgreSQL's `EXPLAIN`, with sequential
    /// scans discouraged (the test's tables are small enough for a scan to win otherwise).
    static func plan(_ query: String, on db: any Database) async throws -> String {
        let sql = try db.sql()
        if sql.dialect.name == "sqlite" {
            return try await sql.raw("EXPLAIN QUERY PLAN \(unsafeRaw: query)").all().map {
                try $0.decode(column: "detail", as: String.self)
            }.joined(separator: "\n")
        }
        return try await db.transaction { transaction in
            let inner = try transaction.sql()
            try await inner.raw("SET LOCAL enable_seqscan = off").run()
            return try await inner.raw("EXPLAIN \(unsafeRaw: query)").all().map {
                try $0.decode(column: "QUERY PLAN", as: String.self)
            }.joined(separator: "\n")
        }
    }

    /// Read through an index, not by scanning the table (SQLite: `SEARCH … USING [COVERING] INDEX`;
    /// PostgreSQL: an index, index-only or bitmap index scan, no sequential scan).
    static func usesAnIndex(_ plan: String) -> Bool {
        (plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX") || plan.contains("Index Scan")
            || plan.contains("Index Only Scan")) && !plan.contains("Seq Scan") && !plan.contains("SCAN ")
    }

    @Test func anEntitysHistoryAndACallsDossiersByStatusAreReadThroughAnIndex() async throws {
        try await withGuichet { app in
            let db = app.db
            let id = "'00000000-0000-4000-8000-000000000001'"
            let history = try await Self.plan(
                "SELECT id FROM audit_entries WHERE entity_type = 'call' AND entity_id = \(id) ORDER BY at DESC LIMIT 30",
                on: db)
            #expect(Self.usesAnIndex(history), "\(history)")
            let byStatus = try await Self.plan(
                "SELECT id FROM dossiers WHERE call_id = \(id) AND status IN ('filed', 'retained')", on: db)
            #expect(Self.usesAnIndex(byStatus), "\(byStatus)")
            let holders = try await Self.plan(
                "SELECT DISTINCT user_id FROM staff_scopes WHERE scope IN ('national', 'region:32', 'departement:02')",
                on: db)
            #expect(Self.usesAnIndex(holders), "\(holders)")
            let catalogue =
                try db.sql().dialect.name == "sqlite"
                ? "SELECT name FROM sqlite_master WHERE type = 'index'"
                // Each test has its schema: only this one's.
                : "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()"
            let names = try await db.sql().raw("\(unsafeRaw: catalogue)").all().map {
                try $0.decode(column: "name", as: String.self)
            }
            #expect(names.contains("dossiers_board_outline"))
            let removed = names.filter { ["dossiers_call_status", "audit_entries_entity"].contains($0) }
            #expect(removed.isEmpty)
        }
    }
}
