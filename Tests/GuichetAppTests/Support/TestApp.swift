import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit
import SQLiteNIO
import Vapor
import VaporTesting

@testable import GuichetApp

/// Runs `test` against a fresh, migrated application.
///
/// Each test gets its own database: a private in-memory SQLite by default, or, when `DATABASE_URL`
/// is set, a PostgreSQL database of its own (dropped afterwards), so that the suite runs in
/// parallel on both. Migrating and loading the demo cost seconds a test in a debug build, most of
/// the suite's time: they are done once per test process for each configuration, and every test
/// starts from a copy of that database (see ``TestDatabases``). A test whose `adjust` chooses its
/// own database, and a test asking for a `fresh` one, migrate (and load the demo) themselves, then
/// revert every migration afterwards, which proves the reverts work (`MigrationRevertTests`).
func withGuichet(
    demo: Bool = true, fresh: Bool = false, adjust: (inout AppConfiguration) -> Void = { _ in },
    _ test: (Application) async throws -> Void
) async throws {
    guard let url = Environment.get("DATABASE_URL"), !url.isEmpty else {
        return try await runGuichet(demo: demo, fresh: fresh, adjust: adjust, test)
    }
    // Hundreds of tests start at once: on PostgreSQL, at most `TestSlots.postgres` of them hold
    // connections at a time, so that the suite stays within the server's connection slots.
    await TestSlots.postgres.acquire()
    do {
        try await runGuichet(demo: demo, fresh: fresh, adjust: adjust, test)
    } catch {
        await TestSlots.postgres.release()
        throw error
    }
    await TestSlots.postgres.release()
}

/// A counting semaphore for tests.
actor TestSlots {
    static let postgres = TestSlots(48)

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

private func runGuichet(
    demo: Bool, fresh: Bool, adjust: (inout AppConfiguration) -> Void, _ test: (Application) async throws -> Void
) async throws {
    var schema: String? = nil
    var config: AppConfiguration
    // bcrypt's lowest cost keeps the suite fast; a per-test data folder keeps files apart.
    let dataDirectory = NSTemporaryDirectory() + "guichet-test-" + UUID().uuidString
    if let url = Environment.get("DATABASE_URL"), !url.isEmpty {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        schema = name
        config = AppConfiguration(
            database: .postgres(url: url, searchPath: name), loadDemoWhenEmpty: demo,
            dataDirectory: dataDirectory, bcryptCost: 4)
        // Hundreds of tests run at once, each with its own pool: one connection per event loop
        // keep the suite within the server's connection slots.
        config.databasePoolSize = 1
    } else {
        config = AppConfiguration(
            database: .sqliteMemory, loadDemoWhenEmpty: demo, dataDirectory: dataDirectory, bcryptCost: 4)
    }
    defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
    let standard = config.database
    adjust(&config)
    var copy: TestDatabases.Copy? = nil
    if !fresh && config.database == standard {
        let made = try await TestDatabases.shared.copy(for: config)
        config.database = made.database
        schema = nil
        copy = made
    }
    let app = try await Application.make(.testing)
    do {
        try await configure(app, config)
        if let copy {
            try await copy.fill?(app)
            try await TestDatabases.separate(app)
        }
        TestDatabases.install(on: app)
        if let schema { try await (app.db as! any SQLDatabase).raw("CREATE SCHEMA \(ident: schema)").run() }
        // On a copy, the migrations are applied and the demo loaded already: this finds so.
        try await DataBootstrap.prepare(app)
        try await test(app)
        if copy == nil { try await app.autoRevert() }
    } catch {
        if let schema { try? await (app.db as! any SQLDatabase).raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
        try? await app.asyncShutdown()
        await copy?.discard()
        throw error
    }
    if let schema { try await (app.db as! any SQLDatabase).raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
    try await app.asyncShutdown()
    await copy?.discard()
}

/// Databases migrated, and loaded with the demo, once per test process and configuration; each
/// test gets a copy.
///
/// On SQLite a template is a file (in `/dev/shm` where there is one), copied into each test's
/// in-memory database; on PostgreSQL it is a database, and each test's database is
/// created from it (`CREATE DATABASE … TEMPLATE`). Templates are keyed by everything the test's
/// configuration says but its data folder and database, so that a test that changes a setting
/// gets a template loaded under that setting. The data folder the template was loaded with is
/// copied too. Templates and copies are named after the process, and a test process removes
/// those of processes that no longer run (a suite stopped halfway leaves them behind).
actor TestDatabases {
    static let shared = TestDatabases()

    /// A test's own database, and how to remove it afterwards.
    struct Copy: Sendable {
        let database: AppConfiguration.DatabaseChoice
        /// What fills the configured application's database, when creating it did not.
        var fill: (@Sendable (Application) async throws -> Void)? = nil
        let discard: @Sendable () async -> Void
    }

    private struct Template: Sendable {
        let database: AppConfiguration.DatabaseChoice
        let dataDirectory: String
    }

    private var templates: [String: Task<Template, any Error>] = [:]
    private var administration: Task<Application, any Error>?
    private var sweptFolder = false
    private let process = ProcessInfo.processInfo.processIdentifier

    /// A new database holding what `config` would hold after migrating (and loading the demo);
    /// the test's data folder receives the template's files.
    func copy(for config: AppConfiguration) async throws -> Copy {
        var key = config
        key.dataDirectory = ""
        key.database = .sqliteMemory
        let identity = Self.canonical(key)
        let task: Task<Template, any Error>
        if let existing = templates[identity] {
            task = existing
        } else {
            task = Task { try await self.build(config) }
            templates[identity] = task
        }
        let template = try await task.value
        if FileManager.default.fileExists(atPath: template.dataDirectory) {
            try FileManager.default.copyItem(atPath: template.dataDirectory, toPath: config.dataDirectory)
        }
        switch template.database {
        case .postgres(let url, _):
            let name = "gt_\(process)_" + Self.unique()
            try await create(name, from: url)
            let copyURL = try Self.url(url, database: name)
            let administration = try await self.administration(url)
            return Copy(database: .postgres(url: copyURL, searchPath: nil)) {
                try? await (administration.db as! any SQLDatabase)
                    .raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
            }
        case .sqliteMemory:
            throw TestDatabaseError.badURL("a template is never in memory")
        case .sqliteFile(let path):
            return Copy(database: .sqliteMemory, fill: { app in try await Self.load(path, into: app) }) {}
        }
    }

    /// Copies the template file's schema and rows into the application's in-memory database: the
    /// tables, their rows, then the indexes, views and triggers (which would otherwise run on the
    /// copied rows), all on one connection and in one transaction. An in-memory database keeps
    /// the suite's SQLite work in memory: hundreds of file databases at once made it wait on locks.
    static func load(_ path: String, into app: Application) async throws {
        try await (app.db as! any SQLDatabase).withSession { sql in
            try await sql.raw("ATTACH DATABASE \(bind: path) AS template").run()
            let objects = try await sql.raw(
                "SELECT type, name, sql FROM template.sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
            ).all().map {
                (
                    type: try $0.decode(column: "type", as: String.self),
                    name: try $0.decode(column: "name", as: String.self),
                    sql: try $0.decode(column: "sql", as: String.self)
                )
            }
            let tables = objects.filter { $0.type == "table" }
            let foreignKeys = try await sql.raw("PRAGMA foreign_keys").first()?.decode(
                column: "foreign_keys", as: Int.self)
            try await sql.raw("PRAGMA foreign_keys = OFF").run()
            try await sql.raw("BEGIN").run()
            for table in tables { try await sql.raw("\(unsafeRaw: table.sql)").run() }
            for table in tables {
                try await sql.raw("INSERT INTO main.\(ident: table.name) SELECT * FROM template.\(ident: table.name)")
                    .run()
            }
            let sequences = try await sql.raw(
                "SELECT count(*) AS n FROM template.sqlite_master WHERE name = 'sqlite_sequence'"
            ).first()?.decode(column: "n", as: Int.self)
            if sequences == 1 {
                try await sql.raw("INSERT INTO main.sqlite_sequence SELECT * FROM template.sqlite_sequence").run()
            }
            for object in objects where object.type != "table" { try await sql.raw("\(unsafeRaw: object.sql)").run() }
            try await sql.raw("COMMIT").run()
            if foreignKeys == 1 { try await sql.raw("PRAGMA foreign_keys = ON").run() }
            try await sql.raw("DETACH DATABASE template").run()
        }
    }

    /// Starts the copy's call revisions from a random point. The process keeps a call's parts
    /// by call and revision (``CallParts``, ``LedgerParts``), which is right where one process
    /// serves one database; every copy holds the template's calls under the same identifiers, and
    /// tests changing them at once would otherwise read each other's.
    static func separate(_ app: Application) async throws {
        let offset = Int.random(in: 1...1_000_000_000_000)
        try await (app.db as! any SQLDatabase).raw(
            """
            UPDATE calls SET revision = COALESCE(revision, 0) + \(bind: offset),
            ledger_revision = COALESCE(ledger_revision, 0) + \(bind: offset)
            """
        ).run()
    }

    /// What a test application has beside `configure`, templates' and tests' alike: the demo as
    /// the empty database's seed, and no DNS (webhook hosts resolve to a public documentation-free
    /// address).
    static func install(on app: Application) {
        Demo.install(on: app)
        app.webhookResolver = { _ in ["93.184.216.34"] }
    }

    /// Migrates (and loads the demo into) a new template database configured like `config`.
    private func build(_ config: AppConfiguration) async throws -> Template {
        var template = config
        template.dataDirectory = try folder() + "/data-" + Self.unique()
        switch config.database {
        case .postgres(let url, _):
            let name = "gt_\(process)_tpl_" + Self.unique()
            let administration = try await administration(url)
            try await (administration.db as! any SQLDatabase).raw("CREATE DATABASE \(ident: name)").run()
            template.database = .postgres(url: try Self.url(url, database: name), searchPath: nil)
        case .sqliteFile, .sqliteMemory:
            template.database = .sqliteFile(try folder() + "/template-" + Self.unique() + ".sqlite")
        }
        let app = try await Application.make(.testing)
        do {
            try await configure(app, template)
            Self.install(on: app)
            try await DataBootstrap.prepare(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        if case .sqliteFile(let path) = template.database {
            // Out of write-ahead logging, whose readers share an index file that the first of them
            // rebuilds under an exclusive lock: hundreds of tests attaching the template at once
            // waited on it, spinning in SQLite's busy handler. A rollback journal's readers only
            // share a lock.
            let connection = try await SQLiteConnection.open(storage: .file(path: path))
            do {
                _ = try await connection.query("PRAGMA journal_mode = DELETE")
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        }
        return Template(database: template.database, dataDirectory: template.dataDirectory)
    }

    /// `CREATE DATABASE name TEMPLATE …`, again while the template's last connections close.
    private func create(_ name: String, from templateURL: String) async throws {
        guard let template = URLComponents(string: templateURL)?.path.dropFirst(), !template.isEmpty else {
            throw TestDatabaseError.badURL(templateURL)
        }
        let database = try await administration(templateURL).db as! any SQLDatabase
        for attempt in 1... {
            do {
                try await database.raw("CREATE DATABASE \(ident: name) TEMPLATE \(ident: String(template))").run()
                return
            } catch  where attempt < 50 {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// A pool on the server's database for `CREATE` and `DROP DATABASE`, made once (callers
    /// arriving while it is made wait for it); databases left by test processes that no longer
    /// run are dropped then.
    private func administration(_ url: String) async throws -> Application {
        if let administration { return try await administration.value }
        let task = Task { () async throws -> Application in
            let app = try await Application.make(.testing)
            // Every test creates and drops its database through this pool, 48 at a time, each
            // statement copying or removing a database: they queue here rather than time out.
            app.databases.use(
                .postgres(
                    configuration: try SQLPostgresConfiguration(url: url), maxConnectionsPerEventLoop: 4,
                    connectionPoolTimeout: .seconds(600)), as: .psql)
            let database = app.db as! any SQLDatabase
            // The pool lives as long as the process: a failure here shows in the first statement.
            let rows =
                (try? await database.raw("SELECT datname FROM pg_database WHERE datname LIKE 'gt\\_%'").all()) ?? []
            let names = rows.compactMap { try? $0.decode(column: "datname", as: String.self) }
            for name in names where !Self.running(name.split(separator: "_").dropFirst().first) {
                try? await database.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
            }
            return app
        }
        administration = task
        return try await task.value
    }

    /// This process's folder for SQLite files; the folders of processes gone are removed.
    private func folder() throws -> String {
        let root = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let folder = root + "/guichet-tests-\(process)"
        if !sweptFolder {
            sweptFolder = true
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            for entry in entries where entry.hasPrefix("guichet-tests-") {
                if !Self.running(entry.split(separator: "-").last) {
                    try? FileManager.default.removeItem(atPath: root + "/" + entry)
                }
            }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            // A suite that ends normally leaves nothing behind.
            sqliteFolder = folder
            atexit { if let sqliteFolder { try? FileManager.default.removeItem(atPath: sqliteFolder) } }
        }
        return folder
    }

    /// A value's description with every dictionary's and set's elements in order: two equal
    /// configurations describe alike (a dictionary's order differs from one instance to another).
    static func canonical(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .dictionary, .set:
            return "[" + mirror.children.map { canonical($0.value) }.sorted().joined(separator: ", ") + "]"
        case .struct, .class, .enum, .tuple, .collection, .optional:
            guard !mirror.children.isEmpty else { return String(reflecting: value) }
            let fields = mirror.children.map { ($0.label ?? "") + ": " + canonical($0.value) }
            return "\(mirror.subjectType)(" + fields.joined(separator: ", ") + ")"
        default:
            return String(reflecting: value)
        }
    }

    /// Whether the process whose identifier is written `pid` still runs.
    private static func running(_ pid: Substring?) -> Bool {
        guard let pid, let number = Int32(pid) else { return true }
        return kill(number, 0) == 0 || errno != ESRCH
    }

    private static func unique() -> String {
        UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// `url` naming another database on the same server.
    static func url(_ url: String, database: String) throws -> String {
        guard var components = URLComponents(string: url) else { throw TestDatabaseError.badURL(url) }
        components.path = "/" + database
        guard let string = components.string else { throw TestDatabaseError.badURL(url) }
        return string
    }
}

/// The folder ``TestDatabases`` removes when the test process exits.
nonisolated(unsafe) private var sqliteFolder: String?

enum TestDatabaseError: Error {
    case badURL(String)
}

extension TestingHTTPResponse {
    /// The page's text as a reader sees it: tags removed, entities decoded, spaces collapsed.
    var visibleText: String { HTMLText.visible(body.string) }
}

enum HTMLText {
    static func visible(_ html: String) -> String {
        var text = html.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
        for (entity, char) in [
            ("&#39;", "'"), ("&quot;", "\""), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"), ("&#x27;", "'"),
        ] {
            text = text.replacingOccurrences(of: entity, with: char)
        }
        return text.replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
    }
}

/// Decodes a response body as JSON.
func json<T: Decodable>(_ type: T.Type, _ response: TestingHTTPResponse) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(buffer: response.body))
}
