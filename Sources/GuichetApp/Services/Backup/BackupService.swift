import Fluent
import Foundation
import SQLKit
import SQLiteKit
import SQLiteNIO
import Vapor

/// What a backup holds besides the data: enough to restore it and to prove the restore whole.
struct BackupManifest: Codable, Equatable, Sendable {
    static let formatName = "guichet-backup"
    static let currentVersion = 1
    static let entryName = "manifest.json"

    /// A file in the archive: its name there, size and SHA-256.
    struct ArchivedFile: Codable, Equatable, Sendable {
        let path: String
        let size: UInt64
        let sha256: String
    }

    var format = BackupManifest.formatName
    var formatVersion = BackupManifest.currentVersion
    let createdAt: Date
    /// `sqlite` or `postgresql`: a backup restores into the kind of database it came from.
    let database: String
    /// The PostgreSQL schema the tables were in (`public` unless configured otherwise).
    let schema: String?
    /// The migrations the database had run: the schema's version.
    let migrations: [String]
    /// The database's image: `database.sqlite` (a consistent copy) or `database.pgdump`
    /// (`pg_dump` custom format).
    let databaseFile: ArchivedFile
    /// Every table with its rows and content digest, read in the same snapshot as the image.
    let tables: [TableDigest]
    /// The data folder's files (attachments, quarantine, mail), under `files/`.
    let files: [ArchivedFile]

    var rows: Int { tables.reduce(0) { $0 + $1.rows } }
}

/// `guichet backup` and `guichet restore`: one file, a `ustar` archive, holding the database's
/// consistent image, the data folder's files and a manifest (``BackupManifest``).
///
/// - **SQLite**: `VACUUM INTO` writes a transactionally consistent copy while the server keeps
///   serving (in WAL mode readers and writers go on; the copy sees one committed state). It is
///   what SQLite's online backup API gives, in one statement the driver can send, and the copy
///   comes out compacted. The manifest's counts and digests are read from that copy, attached.
/// - **PostgreSQL**: a repeatable-read transaction exports its snapshot (`pg_export_snapshot()`),
///   `pg_dump --snapshot` dumps exactly that state in custom format, and the counts and digests
///   are read in the same transaction: the manifest describes the very rows dumped, however many
///   writers run meanwhile.
///
/// Files come after the database: attachments are written before the rows that name them and
/// never rewritten (stored under their SHA-256), so every file the image names is on disk when
/// it is copied. The archive is written next to its final name and renamed once complete: a
/// backup cut short never passes for one.
///
/// A restore goes into an empty database only (it never merges), checks the image's digest
/// before touching anything, then checks every table's rows and digest and every file's digest
/// against the manifest: a restore that reports success holds exactly what was backed up.
struct BackupService {
    let app: Application

    var configuration: AppConfiguration { app.guichetConfiguration }
    var database: any Database { app.db }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    // MARK: - Backup

    /// Writes a backup to `path`; returns its manifest.
    func backup(to path: String) async throws -> BackupManifest {
        let target = URL(fileURLWithPath: path).standardizedFileURL.path
        let folder = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let work = folder + "/.guichet-backup-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }

        let image: (name: String, path: String, migrations: [String], tables: [TableDigest], schema: String?)
        switch configuration.database {
        case .postgres(let url, let searchPath):
            let file = work + "/database.pgdump"
            let (migrations, tables, schema) = try await dumpPostgres(url: url, searchPath: searchPath, to: file)
            image = ("database.pgdump", file, migrations, tables, schema)
        case .sqliteFile, .sqliteMemory:
            let file = work + "/database.sqlite"
            let (migrations, tables) = try await copySQLite(to: file)
            image = ("database.sqlite", file, migrations, tables, nil)
        }

        let partial = target + ".part"
        let writer = try TarArchive.Writer(path: partial)
        do {
            let written = try writer.add(image.name, file: image.path)
            var files: [BackupManifest.ArchivedFile] = []
            for relative in dataFiles(excluding: [target, partial, work]) {
                let copied = try writer.add("files/" + relative, file: configuration.dataDirectory + "/" + relative)
                files.append(.init(path: relative, size: copied.size, sha256: copied.sha256))
            }
            let manifest = BackupManifest(
                createdAt: Date(), database: image.name == "database.pgdump" ? "postgresql" : "sqlite",
                schema: image.schema, migrations: image.migrations.sorted(),
                databaseFile: .init(path: image.name, size: written.size, sha256: written.sha256),
                tables: image.tables, files: files)
            try writer.add(BackupManifest.entryName, data: try Self.encoder.encode(manifest))
            try writer.finish()
            if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
            try FileManager.default.moveItem(atPath: partial, toPath: target)
            return manifest
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// The data folder's files, relative to it, sorted; temporary files (`*.part`), the SQLite
    /// database itself and the backup being written are left out.
    func dataFiles(excluding excluded: [String]) -> [String] {
        let root = URL(fileURLWithPath: configuration.dataDirectory).standardizedFileURL.path
        var skipped = Set(excluded.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        if case .sqliteFile(let path) = configuration.database {
            let database = URL(fileURLWithPath: path).standardizedFileURL.path
            for suffix in ["", "-wal", "-shm", "-journal"] { skipped.insert(database + suffix) }
        }
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let full = root + "/" + relative
            if skipped.contains(full) {
                walker.skipDescendants()
                continue
            }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue else {
                continue
            }
            if relative.hasSuffix(".part") || relative.hasPrefix(".guichet-backup-") { continue }
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) != nil { continue }
            files.append(relative)
        }
        return files.sorted()
    }

    /// The copy's counts and digests are read on a connection of their own to the copy, so that a
    /// backup run inside the server takes none of its pool.
    private func copySQLite(to file: String) async throws -> (migrations: [String], tables: [TableDigest]) {
        try await database.sql().raw("VACUUM INTO \(unsafeRaw: Self.literal(file))").run()
        let connection = try await SQLiteConnection.open(
            storage: .file(path: file), threadPool: app.threadPool, logger: app.logger, on: app.eventLoopGroup.any())
        do {
            let sql = connection.sql()
            let migrations = try await sql.raw("SELECT name FROM _fluent_migrations").all().map {
                try $0.decode(column: "name", as: String.self)
            }
            let tables = try await TableDigests.read(sql)
            try await connection.close()
            return (migrations, tables)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private func dumpPostgres(
        url: String, searchPath: String?, to file: String
    ) async throws -> (migrations: [String], tables: [TableDigest], schema: String) {
        let tool = try Self.postgresTool("pg_dump")
        let connection = try Self.libpq(url)
        return try await database.withConnection { leased in
            let sql = try leased.sql()
            try await sql.raw("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").run()
            do {
                try await TableDigests.fixTextSettings(sql)
                let snapshot = try await sql.raw("SELECT pg_export_snapshot() AS id").first()?.decode(
                    column: "id", as: String.self)
                let schema =
                    try await sql.raw("SELECT current_schema() AS name").first()?.decode(
                        column: "name", as: String?.self) ?? searchPath ?? "public"
                guard let snapshot else { throw Failure(description: "PostgreSQL n'a pas exporté d'instantané") }
                var arguments = [
                    "--format=custom", "--no-owner", "--no-privileges", "--snapshot=\(snapshot)", "--file=\(file)",
                    "--dbname=\(connection.url)",
                ]
                if schema != "public" { arguments.append("--schema=\(schema)") }
                try await Self.runTool(tool, arguments, password: connection.password)
                let migrations = try await sql.raw("SELECT name FROM \(ident: "_fluent_migrations")").all().map {
                    try $0.decode(column: "name", as: String.self)
                }
                let tables = try await TableDigests.read(sql)
                try await sql.raw("COMMIT").run()
                return (migrations, tables, schema)
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    // MARK: - Restore

    /// What a restore brought back.
    struct Restored: Sendable {
        let manifest: BackupManifest
        let rows: Int
        let files: Int
    }

    /// Restores the backup at `path` into the configured database, which must be empty, and the
    /// data folder. Throws before writing anything when the file is not a whole backup of this
    /// kind of database, or after when what was restored differs from the manifest.
    func restore(from path: String) async throws -> Restored {
        let entries: [TarArchive.Entry]
        do {
            entries = try TarArchive.entries(path: path)
        } catch let failure as TarArchive.Failure {
            throw Failure(description: "\(path) n'est pas une sauvegarde lisible : \(failure.description)")
        }
        guard let manifestEntry = entries.first(where: { $0.name == BackupManifest.entryName }),
            let manifest = try? Self.decoder.decode(
                BackupManifest.self, from: try TarArchive.read(manifestEntry, from: path)),
            manifest.format == BackupManifest.formatName
        else {
            throw Failure(
                description: "\(path) n'est pas une sauvegarde de Guichet complète (manifeste absent ou illisible).")
        }
        guard manifest.formatVersion <= BackupManifest.currentVersion else {
            throw Failure(
                description:
                    "Cette sauvegarde est au format \(manifest.formatVersion), plus récent que celui de ce programme (\(BackupManifest.currentVersion)) : restaurez-la avec la version de Guichet qui l'a faite."
            )
        }
        let kind = isPostgres ? "postgresql" : "sqlite"
        guard manifest.database == kind else {
            throw Failure(
                description:
                    "Cette sauvegarde vient d'une base \(manifest.database) ; la base configurée est \(kind). Configurez une base du même type pour la restaurer."
            )
        }
        let unknown = Set(manifest.migrations).subtracting(SchemaVersion.knownNames).sorted()
        guard unknown.isEmpty else {
            throw Failure(
                description:
                    "Cette sauvegarde vient d'une version plus récente de Guichet (migrations inconnues : \(unknown.prefix(5).joined(separator: ", "))) : restaurez-la avec cette version."
            )
        }
        guard let imageEntry = entries.first(where: { $0.name == manifest.databaseFile.path }) else {
            throw Failure(
                description: "La sauvegarde ne contient pas l'image de la base (\(manifest.databaseFile.path)).")
        }
        let byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let missing = manifest.files.filter { byName["files/" + $0.path] == nil }
        guard missing.isEmpty else {
            throw Failure(
                description:
                    "La sauvegarde est incomplète : \(missing.count) fichier(s) annoncé(s) absent(s), dont \(missing[0].path)."
            )
        }
        try await checkEmpty()

        let work = NSTemporaryDirectory() + "guichet-restore-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let image = work + "/" + manifest.databaseFile.path
        let digest = try TarArchive.extract(imageEntry, from: path, to: image)
        guard digest == manifest.databaseFile.sha256 else {
            throw Failure(
                description:
                    "L'image de la base est altérée (empreinte \(digest), attendue \(manifest.databaseFile.sha256)) : rien n'a été restauré."
            )
        }

        if isPostgres {
            try await restorePostgres(image, schema: manifest.schema)
        } else {
            try await restoreSQLite(image)
        }

        var damaged: [String] = []
        for file in manifest.files {
            guard let entry = byName["files/" + file.path] else { continue }
            let written = try TarArchive.extract(entry, from: path, to: configuration.dataDirectory + "/" + file.path)
            if written != file.sha256 { damaged.append(file.path) }
        }
        let found = try await readDigests()
        let differences = TableDigests.differences(expected: manifest.tables, found: found)
        guard differences.isEmpty, damaged.isEmpty else {
            let lines = differences + damaged.map { "fichier \($0) : contenu différent du manifeste" }
            throw Failure(
                description: "La restauration ne correspond pas à la sauvegarde :\n"
                    + lines.map { "  - \($0)" }.joined(
                        separator: "\n"))
        }
        return Restored(manifest: manifest, rows: found.reduce(0) { $0 + $1.rows }, files: manifest.files.count)
    }

    /// Every table's count and digest in the configured database, read in one transaction.
    func readDigests() async throws -> [TableDigest] {
        guard isPostgres else { return try await TableDigests.read(try database.sql()) }
        return try await database.transaction { transaction in
            let sql = try transaction.sql()
            try await TableDigests.fixTextSettings(sql)
            return try await TableDigests.read(sql)
        }
    }

    private var isPostgres: Bool {
        if case .postgres = configuration.database { return true }
        return false
    }

    /// Refuses a database that holds tables: a restore never merges into data.
    private func checkEmpty() async throws {
        let sql = try database.sql()
        let count: Int
        if isPostgres {
            count =
                try await sql.raw(
                    "SELECT count(*) AS n FROM pg_tables WHERE schemaname = current_schema()"
                ).first()?.decode(column: "n", as: Int.self) ?? 0
        } else {
            count =
                try await sql.raw(
                    "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                ).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        guard count == 0 else {
            throw Failure(
                description:
                    "La base configurée n'est pas vide (\(count) table(s)) : une restauration se fait dans une base vide, jamais par-dessus des données. Créez une base neuve (ou un autre fichier GUICHET_DATABASE_PATH) et recommencez."
            )
        }
    }

    /// Copies an SQLite image into the configured (empty) database, in one transaction: tables and
    /// their rows, then the indexes and triggers, as the image declares them.
    private func restoreSQLite(_ image: String) async throws {
        try await database.withConnection { connection in
            let sql = try connection.sql()
            try await sql.raw("ATTACH DATABASE \(unsafeRaw: Self.literal(image)) AS guichet_image").run()
            try await sql.raw("PRAGMA foreign_keys = OFF").run()
            do {
                struct Object: Decodable {
                    let type: String
                    let name: String
                    let sql: String?
                }
                let objects = try await sql.raw(
                    "SELECT type, name, sql FROM guichet_image.sqlite_master ORDER BY rowid"
                ).all(decoding: Object.self)
                try await connection.transaction { transaction in
                    let sql = try transaction.sql()
                    for table in objects where table.type == "table" && !table.name.hasPrefix("sqlite_") {
                        guard let create = table.sql else { continue }
                        try await sql.raw(SQLQueryString(create)).run()
                        let name = TableDigests.quoted(table.name)
                        try await sql.raw(
                            "INSERT INTO main.\(unsafeRaw: name) SELECT * FROM guichet_image.\(unsafeRaw: name)"
                        ).run()
                    }
                    if objects.contains(where: { $0.name == "sqlite_sequence" }) {
                        try await sql.raw("DELETE FROM main.sqlite_sequence").run()
                        try await sql.raw(
                            "INSERT INTO main.sqlite_sequence SELECT * FROM guichet_image.sqlite_sequence"
                        )
                        .run()
                    }
                    for object in objects where ["index", "trigger", "view"].contains(object.type) {
                        guard let create = object.sql else { continue }
                        try await sql.raw(SQLQueryString(create)).run()
                    }
                }
                try await sql.raw("PRAGMA foreign_keys = ON").run()
                try await sql.raw("DETACH DATABASE guichet_image").run()
            } catch {
                try? await sql.raw("PRAGMA foreign_keys = ON").run()
                try? await sql.raw("DETACH DATABASE guichet_image").run()
                throw error
            }
        }
    }

    /// Restores a `pg_dump` image with `pg_restore`, in one transaction, stopping at the first
    /// error. The schema of a non-default search path is created by the image itself: an empty
    /// one of that name is dropped first.
    private func restorePostgres(_ image: String, schema: String?) async throws {
        guard case .postgres(let url, _) = configuration.database else { return }
        if let schema, schema != "public" {
            try await database.sql().raw("DROP SCHEMA IF EXISTS \(ident: schema)").run()
        }
        let tool = try Self.postgresTool("pg_restore")
        let connection = try Self.libpq(url)
        try await Self.runTool(
            tool,
            [
                "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                "--dbname=\(connection.url)", image,
            ], password: connection.password)
    }

    // MARK: - Helpers

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// An SQL string literal.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A `postgres://` URL as libpq reads it, its password apart (given to the tool through
    /// `PGPASSWORD`, never on a command line that `ps` shows); of the query, only `sslmode`.
    static func libpq(_ url: String) throws -> (url: String, password: String?) {
        guard var components = URLComponents(string: url) else {
            throw Failure(description: "adresse PostgreSQL illisible")
        }
        let password = components.password
        components.password = nil
        components.scheme = "postgresql"
        let kept = (components.queryItems ?? []).filter { $0.name == "sslmode" }
        components.queryItems = kept.isEmpty ? nil : kept
        guard let text = components.string else { throw Failure(description: "adresse PostgreSQL illisible") }
        return (text, password)
    }

    /// The PostgreSQL client program `name`, on the PATH or in the newest installed version.
    static func postgresTool(_ name: String) throws -> URL {
        if let found = ChildProcess.locate([name], configured: nil) { return found }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/\(name)") {
            return URL(fileURLWithPath: "\(root)/\(version)/bin/\(name)")
        }
        throw Failure(
            description:
                "\(name) est introuvable : installez le client PostgreSQL (paquet postgresql-client) de la version du serveur."
        )
    }

    /// Runs a PostgreSQL client program to its end; its error output becomes the error.
    static func runTool(_ tool: URL, _ arguments: [String], password: String?) async throws {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        if let password { environment["PGPASSWORD"] = password }
        process.environment = environment
        let errors = NSTemporaryDirectory() + "guichet-\(tool.lastPathComponent)-\(UUID().uuidString).err"
        FileManager.default.createFile(atPath: errors, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errors) }
        process.standardError = FileHandle(forWritingAtPath: errors)
        process.standardOutput = FileHandle.nullDevice
        // A dump of a large database takes long; twelve hours bounds a stuck one.
        try await ChildProcess.run(process, graceSeconds: 12 * 3600)
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            throw Failure(
                description:
                    "\(tool.lastPathComponent) a échoué (code \(process.terminationStatus)) : \(text.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
    }
}

/// Which dated backups to keep: the last `daily` days, the last `weekly` Sundays, the last
/// `monthly` first days of the month (a grandfather-father-son rotation). Backups are named
/// `PREFIX-YYYY-MM-DD.tar`; files of another name are never touched.
struct BackupRetention: Equatable, Sendable {
    var daily = 14
    var weekly = 8
    var monthly = 24

    /// Reads `14,8,24` (days, weeks, months).
    init?(_ text: String) {
        let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, let daily = parts[0], let weekly = parts[1], let monthly = parts[2],
            daily >= 1, weekly >= 0, monthly >= 0
        else { return nil }
        (self.daily, self.weekly, self.monthly) = (daily, weekly, monthly)
    }

    init(daily: Int, weekly: Int, monthly: Int) {
        (self.daily, self.weekly, self.monthly) = (daily, weekly, monthly)
    }

    /// The day a backup's name carries (`guichet-2026-12-07.tar`), in UTC.
    static func day(of name: String) -> DateComponents? {
        guard name.hasSuffix(".tar"),
            let range = name.range(of: #"\d{4}-\d{2}-\d{2}\.tar$"#, options: .regularExpression)
        else { return nil }
        let parts = name[range].dropLast(4).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return DateComponents(year: parts[0], month: parts[1], day: parts[2])
    }

    /// The names among `names` to delete on `today`.
    func expired(_ names: [String], today: Date) -> [String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let start = calendar.startOfDay(for: today)
        return names.filter { name in
            guard let components = Self.day(of: name), let date = calendar.date(from: components) else { return false }
            let age = calendar.dateComponents([.day], from: date, to: start).day ?? 0
            if age < daily { return false }
            if calendar.component(.weekday, from: date) == 1, age < weekly * 7 { return false }
            if components.day == 1, let months = calendar.dateComponents([.month], from: date, to: start).month,
                months < monthly
            {
                return false
            }
            return true
        }
    }
}
