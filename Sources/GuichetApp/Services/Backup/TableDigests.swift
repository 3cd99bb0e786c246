import Crypto
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Every table of a database, each with its row count and a digest of its content: what a backup's
/// manifest records and what a restore must find again, row for row.
///
/// A table's digest is the sum, modulo 2²⁵⁶, of its rows' SHA-256: independent of the order rows
/// come in (no sort of a large table, no need for a primary key), yet any row added, removed or
/// changed changes it. A row's text is the database's own: on SQLite each column's `quote()`
/// (the SQL literal, blobs in hexadecimal), on PostgreSQL the row's `record` text, hashed by
/// the server so that only 64 characters a row travel. Digests compare a database with another
/// of the same kind (a backup restores into the kind it came from).
struct TableDigest: Codable, Equatable, Sendable {
    let table: String
    let rows: Int
    let sha256: String
}

enum TableDigests {
    /// The tables of `schema` (SQLite: `main` or an attached database's name; PostgreSQL: the
    /// connection's current schema when nil), by name.
    static func read(_ sql: any SQLDatabase, sqliteSchema schema: String = "main") async throws -> [TableDigest] {
        var digests: [TableDigest] = []
        if sql.dialect.name == "sqlite" {
            let tables = try await sql.raw(
                """
                SELECT name FROM \(unsafeRaw: quoted(schema)).sqlite_master
                WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
                """
            ).all().map { try $0.decode(column: "name", as: String.self) }
            for table in tables {
                let columns = try await sql.raw(
                    "SELECT name FROM pragma_table_info(\(bind: table), \(bind: schema)) ORDER BY cid"
                ).all().map { try $0.decode(column: "name", as: String.self) }
                let row = columns.map { "quote(\(quoted($0)))" }.joined(separator: " || char(31) || ")
                digests.append(
                    try await digest(
                        table,
                        sql.raw(
                            "SELECT \(unsafeRaw: row) AS r FROM \(unsafeRaw: quoted(schema)).\(unsafeRaw: quoted(table))"
                        ),
                        hashing: true))
            }
        } else {
            let tables = try await sql.raw(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            ).all().map { try $0.decode(column: "tablename", as: String.self) }
            for table in tables {
                digests.append(
                    try await digest(
                        table,
                        sql.raw(
                            "SELECT encode(sha256(convert_to(t::text, 'UTF8')), 'hex') AS r FROM \(ident: table) t"),
                        hashing: false))
            }
        }
        return digests
    }

    /// On PostgreSQL, the session settings a row's text depends on, fixed for the transaction
    /// that reads digests (the server's defaults could differ between two servers).
    static func fixTextSettings(_ sql: any SQLDatabase) async throws {
        guard sql.dialect.name != "sqlite" else { return }
        for setting in [
            "SET LOCAL TIME ZONE 'UTC'", "SET LOCAL DateStyle = 'ISO, YMD'", "SET LOCAL IntervalStyle = 'postgres'",
            "SET LOCAL bytea_output = 'hex'", "SET LOCAL extra_float_digits = 1",
        ] {
            try await sql.raw(SQLQueryString(setting)).run()
        }
    }

    /// The differences between two lists of digests, one line a table, in French.
    static func differences(expected: [TableDigest], found: [TableDigest]) -> [String] {
        let foundByName = Dictionary(found.map { ($0.table, $0) }, uniquingKeysWith: { first, _ in first })
        var lines: [String] = []
        for table in expected {
            guard let other = foundByName[table.table] else {
                lines.append("table \(table.table) absente")
                continue
            }
            if other.rows != table.rows {
                lines.append("table \(table.table) : \(other.rows) ligne(s) au lieu de \(table.rows)")
            } else if other.sha256 != table.sha256 {
                lines.append("table \(table.table) : contenu différent (même nombre de lignes, \(table.rows))")
            }
        }
        let expectedNames = Set(expected.map(\.table))
        for table in found where !expectedNames.contains(table.table) {
            lines.append("table \(table.table) en trop")
        }
        return lines
    }

    /// An SQLite identifier, quoted.
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func digest(_ table: String, _ query: SQLRawBuilder, hashing: Bool) async throws -> TableDigest {
        let sum = NIOLockedValueBox(MultisetSum())
        let failure = NIOLockedValueBox<(any Error)?>(nil)
        try await query.run { row in
            do {
                let text = try row.decode(column: "r", as: String?.self) ?? ""
                let bytes: [UInt8] = hashing ? Array(SHA256.hash(data: Data(text.utf8))) : Self.bytes(hex: text)
                sum.withLockedValue { $0.add(bytes) }
            } catch {
                failure.withLockedValue { $0 = $0 ?? error }
            }
        }
        if let error = failure.withLockedValue({ $0 }) { throw error }
        let total = sum.withLockedValue { $0 }
        return TableDigest(table: table, rows: total.count, sha256: total.hex)
    }

    private static func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var high: UInt8? = nil
        for unit in hex.utf8 {
            let value: UInt8
            switch unit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = unit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = unit - UInt8(ascii: "a") + 10
            default: continue
            }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }
}

/// A sum of 256-bit values modulo 2²⁵⁶, as four 64-bit limbs, with how many were added.
struct MultisetSum: Sendable {
    private var limbs: [UInt64] = [0, 0, 0, 0]
    private(set) var count = 0

    /// Adds 32 big-endian bytes (a SHA-256).
    mutating func add(_ bytes: [UInt8]) {
        count += 1
        var carry: UInt64 = 0
        for limb in (0..<4).reversed() {
            var value: UInt64 = 0
            for index in 0..<8 { value = value << 8 | UInt64(bytes.count == 32 ? bytes[limb * 8 + index] : 0) }
            let (partial, overflowA) = limbs[limb].addingReportingOverflow(value)
            let (total, overflowB) = partial.addingReportingOverflow(carry)
            limbs[limb] = total
            carry = (overflowA ? 1 : 0) + (overflowB ? 1 : 0)
        }
    }

    var hex: String {
        Hex.string(limbs.flatMap { limb in (0..<8).reversed().map { UInt8((limb >> (8 * UInt64($0))) & 0xff) } })
    }
}
