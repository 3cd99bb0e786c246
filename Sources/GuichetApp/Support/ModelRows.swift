import FluentKit
import FluentSQL
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Models read by SQL written here instead of by Fluent's query builder, for the reads every
/// signed-in page makes (the session and its account, the person's scopes and links) and those of
/// the staff dossier page.
///
/// Fluent writes out every column of a model, qualified and aliased (`"dossiers"."title" AS
/// "dossiers_title"`), for every query it runs; writing those identifiers was 15 % of a staff
/// dossier page's CPU, more than the database's own work (docs/BENCHMARKS.md). A `SELECT m.*`
/// with binds costs next to nothing to write, and its rows decode into the same models through
/// Fluent's own decoding (`output(from:)`), marked as read from the database: they can be changed
/// and saved as if Fluent had read them. The statements stay portable: plain `SELECT`, `JOIN`,
/// `WHERE` and `ORDER BY`, the same on SQLite and PostgreSQL.
///
/// In the SQL given, the model's table is `m` and a joined parent's is `p`.
enum ModelRows {
    /// `SELECT m.* FROM <M's table> m <tail>`: every row of the model the tail selects.
    static func all<M: Model>(_ type: M.Type, _ tail: SQLQueryString, on db: any Database) async throws -> [M] {
        try await db.sql().raw("SELECT m.* FROM \(ident: M.schema) m \(tail)").all().map {
            try model(M.self, from: $0)
        }
    }

    /// The first row of ``all(_:_:on:)`` (the tail says which comes first).
    static func first<M: Model>(_ type: M.Type, _ tail: SQLQueryString, on db: any Database) async throws -> M? {
        try await db.sql().raw("SELECT m.* FROM \(ident: M.schema) m \(tail) LIMIT 1").first().map {
            try model(M.self, from: $0)
        }
    }

    /// The model by its id.
    static func find<M: Model>(_ type: M.Type, _ id: UUID, on db: any Database) async throws -> M?
    where M.IDValue == UUID {
        try await first(M.self, "WHERE m.id = \(bind: id)", on: db)
    }

    /// The rows of `M` with the parent that `column` names, read in the same statement:
    /// `SELECT m.*, p.… FROM <M's table> m JOIN <P's table> p ON p.id = m.<column> <tail>`.
    /// `join` is `JOIN` or `LEFT JOIN`; with a left join, a row without parent comes with `nil`.
    static func allWithParent<M: Model, P: Model>(
        _ type: M.Type, _ parent: P.Type, on column: String, join: Join = .inner, _ tail: SQLQueryString,
        on db: any Database
    ) async throws -> [(M, P?)] {
        try await allWithParent(M.self, P.self, on: column, join: join, extra: "", tail, on: db).map { ($0.0, $0.1) }
    }

    /// The same, with more columns read in the same statement: `extra` is a select list that
    /// starts with a comma (`, (SELECT …) AS name`), and each row comes with them.
    static func allWithParent<M: Model, P: Model>(
        _ type: M.Type, _ parent: P.Type, on column: String, join: Join = .inner, extra: SQLQueryString,
        _ tail: SQLQueryString, on db: any Database
    ) async throws -> [(M, P?, any SQLRow)] {
        let statement: SQLQueryString =
            "SELECT m.*, \(unsafeRaw: prefixedColumns(P.self))\(extra) FROM \(ident: M.schema) m \(unsafeRaw: join.rawValue) "
            + "\(ident: P.schema) p ON p.id = m.\(ident: column) \(tail)"
        return try await db.sql().raw(statement).all().map { row in
            (try model(M.self, from: row), try loadedParent(P.self, in: row), row)
        }
    }

    /// The rows of `M` with the parent `parent` points to loaded (as `with` would, without its
    /// second query): `m.author_id` joins `p.id`.
    static func all<M: Model, P: Model>(
        _ type: M.Type, with parent: KeyPath<M, ParentProperty<M, P>>, _ tail: SQLQueryString, on db: any Database
    ) async throws -> [M] {
        let column = M()[keyPath: parent].$id.key.description
        return try await allWithParent(M.self, P.self, on: column, tail, on: db).map { model, loaded in
            model[keyPath: parent].value = loaded
            return model
        }
    }

    /// The row of `M` of this id with its children of type `C` (those whose `column` names it),
    /// in one statement: `SELECT m.*, p.… FROM <M's table> m LEFT JOIN <C's table> p ON
    /// p.<column> = m.id WHERE m.id = …` — a committee session with its members, read at every
    /// board page and action.
    static func find<M: Model, C: Model>(
        _ type: M.Type, _ id: UUID, withChildren children: C.Type, on column: String, on db: any Database
    ) async throws -> (M, [C])? where M.IDValue == UUID {
        let statement: SQLQueryString =
            "SELECT m.*, \(unsafeRaw: prefixedColumns(C.self)) FROM \(ident: M.schema) m LEFT JOIN "
            + "\(ident: C.schema) p ON p.\(ident: column) = m.id WHERE m.id = \(bind: id)"
        let rows = try await db.sql().raw(statement).all()
        guard let first = rows.first else { return nil }
        return (try model(M.self, from: first), try rows.compactMap { try loadedParent(C.self, in: $0) })
    }

    enum Join: String {
        case inner = "JOIN"
        case left = "LEFT JOIN"
    }

    /// The joined parent's columns are named with this prefix, apart from the model's own.
    static let parentPrefix = "p__"

    /// The parent's part of a row read by ``allWithParent(_:_:on:join:_:on:)``; `nil` when a left
    /// join found none.
    private static func loadedParent<P: Model>(_ type: P.Type, in row: any SQLRow) throws -> P? {
        guard !(try row.decodeNil(column: parentPrefix + "id")) else { return nil }
        return try model(P.self, from: row, prefix: parentPrefix)
    }

    /// The model the row's columns (under the prefix) hold, marked as read from the database.
    private static func model<M: Model>(_ type: M.Type, from row: any SQLRow, prefix: String = "") throws -> M {
        let model = M()
        try model.output(from: PrefixedOutput(row: row, prefix: prefix))
        return model
    }

    /// `p.email AS p__email, …` for every column of `P`, written once per model type. The names
    /// are the models' field keys, constants of this code, never input.
    private static func prefixedColumns<P: Model>(_ type: P.Type) -> String {
        let key = ObjectIdentifier(P.self)
        if let known = written.withLockedValue({ $0[key] }) { return known }
        let columns = P.keys.map { field -> String in
            let name = field.description
            return "p.\"\(name)\" AS \"\(parentPrefix)\(name)\""
        }.joined(separator: ", ")
        written.withLockedValue { $0[key] = columns }
        return columns
    }

    private static let written = NIOLockedValueBox<[ObjectIdentifier: String]>([:])

    /// A row's columns under a prefix, seen as a model's fields.
    private struct PrefixedOutput: DatabaseOutput {
        let row: any SQLRow
        let prefix: String

        var description: String { "\(row) (\(prefix))" }

        func schema(_ schema: String) -> any DatabaseOutput { self }

        func contains(_ key: FieldKey) -> Bool { row.contains(column: prefix + key.description) }

        func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: prefix + key.description) }

        func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T {
            // Ids and references are most of a row's columns: they skip Foundation's parser.
            if T.self == UUID.self, let id = try row.decodeUUID(column: prefix + key.description) as? T { return id }
            return try row.decode(column: prefix + key.description, as: T.self)
        }
    }
}
