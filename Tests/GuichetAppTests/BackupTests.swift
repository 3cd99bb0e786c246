import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import GuichetApp

/// `guichet backup`, `restore` and `verify` on the database the suite runs on (SQLite, or
/// PostgreSQL with `DATABASE_URL`): a running demo backed up while applicants file, restored into
/// a database of its own, compared table by table.
@Suite struct BackupTests {
    @Test func aBackupTakenWhileApplicantsFileRestoresElsewhereIdenticalAndVerified() async throws {
        let folder = NSTemporaryDirectory() + "guichet-backup-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // On SQLite, a file in WAL mode as in service (an in-memory database locks writers out
        // while a reader copies it).
        try await withGuichet(adjust: { config in
            if case .sqliteMemory = config.database { config.database = .sqliteFile(folder + "/source.sqlite") }
        }) { app in
            // One dossier filed (with its attachments) before, others while the backup runs.
            _ = try await Factory.filedDossier(app, email: "avant@exemple.fr")
            let manifest = try await withThrowingTaskGroup(of: BackupManifest?.self) { group in
                for index in 0..<3 {
                    group.addTask {
                        _ = try await Factory.filedDossier(app, email: "pendant-\(index)@exemple.fr")
                        return nil
                    }
                }
                group.addTask { try await BackupService(app: app).backup(to: folder + "/pendant.tar") }
                var manifest: BackupManifest?
                for try await result in group { manifest = result ?? manifest }
                return try #require(manifest)
            }
            #expect(manifest.tables.contains { $0.table == "dossiers" && $0.rows > 287 })
            #expect(manifest.files.count >= (app.guichetConfiguration.fileStore == .files ? 1 : 0))
            try await withEmptyDatabase(like: app) { target in
                let restored = try await BackupService(app: target).restore(from: folder + "/pendant.tar")
                #expect(restored.rows == manifest.rows)
                let report = try await IntegrityCheck(app: target).run()
                #expect(report.problems == [])
                #expect(report.passed.contains { $0.hasPrefix("récépissés : ") && !$0.hasPrefix("récépissés : 0 ") })
            }

            // Quiet now: a second backup, restored, holds every table of the source, row for row.
            let quiet = try await BackupService(app: app).backup(to: folder + "/calme.tar")
            let source = try await BackupService(app: app).readDigests()
            #expect(source == quiet.tables)
            try await withEmptyDatabase(like: app) { target in
                _ = try await BackupService(app: target).restore(from: folder + "/calme.tar")
                let restored = try await BackupService(app: target).readDigests()
                #expect(restored.map(\.table) == source.map(\.table))
                #expect(TableDigests.differences(expected: source, found: restored) == [])
                // Read back independently: the counts, and a filed dossier's receipt.
                var counts: [String: [Int]] = [:]
                for table in ["dossiers", "decisions", "audit_entries", "attachments", "users"] {
                    counts[table] = [try await count(table, on: app.db), try await count(table, on: target.db)]
                }
                #expect(counts.values.allSatisfy { $0[0] == $0[1] && $0[0] > 0 })
                let filed = try #require(
                    try await DossierModel.query(on: app.db).filter(\.$receiptDigest != nil).first())
                let copy = try #require(try await DossierModel.find(filed.id, on: target.db))
                #expect(copy.receiptDigest == filed.receiptDigest)
                #expect(copy.answers == filed.answers)
                // The application serves the restored database.
                let audit = try await AuditChainStore.verify(AuditChainStore.general, on: target.db)
                #expect(audit.problem == nil)
            }
        }
    }

    @Test func aRestoreRefusesADatabaseThatHoldsDataAndChangesNothing() async throws {
        try await withGuichet { app in
            let folder = NSTemporaryDirectory() + "guichet-backup-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: folder) }
            _ = try await BackupService(app: app).backup(to: folder + "/b.tar")
            let before = try await BackupService(app: app).readDigests()
            await #expect {
                try await BackupService(app: app).restore(from: folder + "/b.tar")
            } throws: { error in
                "\(error)".contains("n'est pas vide")
            }
            #expect(try await BackupService(app: app).readDigests() == before)
        }
    }

    @Test func aDamagedOrForeignFileIsRefusedBeforeAnythingIsWritten() async throws {
        try await withGuichet(demo: false) { app in
            let folder = NSTemporaryDirectory() + "guichet-backup-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let manifest = try await BackupService(app: app).backup(to: folder + "/b.tar")
            let archive = folder + "/b.tar"
            // One byte of the database image changed (the archive's headers stay whole).
            let entries = try TarArchive.entries(path: archive)
            let image = try #require(entries.first { $0.name == manifest.databaseFile.path })
            var bytes = try Data(contentsOf: URL(fileURLWithPath: archive))
            bytes[Int(image.offset) + Int(image.size) / 2] ^= 0xff
            try bytes.write(to: URL(fileURLWithPath: folder + "/altered.tar"))
            // A file that is no archive, and one cut short.
            try Data("pas une sauvegarde".utf8).write(to: URL(fileURLWithPath: folder + "/foreign.tar"))
            try Data(bytes.prefix(700)).write(to: URL(fileURLWithPath: folder + "/cut.tar"))
            try await withEmptyDatabase(like: app) { target in
                for (file, expected) in [
                    ("altered.tar", "altérée"), ("foreign.tar", "n'est pas une sauvegarde"),
                    ("cut.tar", "n'est pas une sauvegarde"), ("absent.tar", "n'est pas une sauvegarde"),
                ] {
                    await #expect {
                        try await BackupService(app: target).restore(from: folder + "/" + file)
                    } throws: { error in
                        "\(error)".contains(expected)
                    }
                }
                let tables = try await BackupService(app: target).readDigests()
                #expect(tables.isEmpty)
            }
        }
    }

    @Test func verifyNamesAnAlteredReceiptAMissingAttachmentAndAnOrphanRow() async throws {
        try await withGuichet { app in
            let (_, id) = try await Factory.filedDossier(app)
            #expect(try await IntegrityCheck(app: app).run().problems == [])
            let sql = try app.db.sql()
            // The filed answers rewritten behind the application's back.
            try await sql.update(DossierModel.schema).set("answers", to: SQLBind("{}")).where("id", .equal, SQLBind(id))
                .run()
            // An attachment's bytes lost.
            let attachment = try #require(
                try await AttachmentModel.query(on: app.db).filter(\.$dossier.$id == id).first())
            let store = AttachmentStore.configured(app, on: app.db, scanning: false)
            if store.database != nil {
                try await sql.delete(from: CreateStoredFiles.table).where("sha256", .equal, SQLBind(attachment.sha256))
                    .run()
            } else {
                try FileManager.default.removeItem(atPath: store.path(for: attachment.sha256))
            }
            // Every envelope cut to one euro behind the application's back: the laureates overspend.
            try await sql.update("envelope_revisions").set("amount_cents", to: SQLBind(Int64(100))).run()
            let report = try await IntegrityCheck(app: app).run()
            let number = try #require(try await DossierModel.find(id, on: app.db)?.number)
            let envelopeProblems = report.problems.filter { $0.hasPrefix("enveloppes") }
            #expect(
                envelopeProblems.contains { $0.hasPrefix("enveloppes : « Hauts-de-France » (hdf-2021) dépassée de ") })
            #expect(report.problems.contains("récépissé du dossier \(number) : empreinte différente"))
            #expect(report.problems.contains("pièce jointe \(attachment.sha256) : introuvable"))
            #expect(!report.isWhole)
        }
    }

    @Test func theArchiveIsPlainTarWithSafeNames() throws {
        let folder = NSTemporaryDirectory() + "guichet-tar-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let long = "files/attachments/ab/" + String(repeating: "c", count: 90)
        try Data(repeating: 7, count: 1_000).write(to: URL(fileURLWithPath: folder + "/source"))
        let writer = try TarArchive.Writer(path: folder + "/a.tar")
        try writer.add("manifest.json", data: Data("{}".utf8))
        let added = try writer.add(long, file: folder + "/source")
        try writer.finish()
        #expect(added.size == 1_000)
        let entries = try TarArchive.entries(path: folder + "/a.tar")
        #expect(entries.map(\.name) == ["manifest.json", long])
        #expect(try TarArchive.read(entries[0], from: folder + "/a.tar") == Data("{}".utf8))
        #expect(try TarArchive.extract(entries[1], from: folder + "/a.tar", to: folder + "/out") == added.sha256)
        // The system's tar reads it too.
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-tf", folder + "/a.tar"]
        let pipe = Pipe()
        tar.standardOutput = pipe
        try tar.run()
        tar.waitUntilExit()
        let listed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(listed.split(separator: "\n").map(String.init) == ["manifest.json", long])
        for name in ["../evil", "/etc/passwd", "a/../../b", ""] {
            #expect(throws: TarArchive.Failure.self) { try TarArchive.checkSafe(name) }
        }
    }

    @Test func aTableDigestIgnoresOrderButNotContent() {
        var one = MultisetSum()
        var two = MultisetSum()
        let rows = (0..<50).map { AttachmentStore.sha256(Data("ligne \($0)".utf8)) }
        for row in rows { one.add(Self.bytes(row)) }
        for row in rows.reversed() { two.add(Self.bytes(row)) }
        #expect(one.hex == two.hex)
        #expect(one.count == 50)
        var three = MultisetSum()
        for row in rows.dropFirst() { three.add(Self.bytes(row)) }
        three.add(Self.bytes(AttachmentStore.sha256(Data("ligne modifiée".utf8))))
        #expect(three.hex != one.hex)
        #expect(
            TableDigests.differences(
                expected: [
                    TableDigest(table: "a", rows: 2, sha256: "x"), TableDigest(table: "b", rows: 1, sha256: "y"),
                ],
                found: [TableDigest(table: "a", rows: 2, sha256: "z"), TableDigest(table: "c", rows: 0, sha256: "0")])
                == ["table a : contenu différent (même nombre de lignes, 2)", "table b absente", "table c en trop"])
    }

    @Test func retentionKeepsTheLastDaysSundaysAndFirstsOfTheMonth() throws {
        let today = try #require(ISO8601DateFormatter().date(from: "2026-12-07T02:30:00Z"))
        // Days 0 and 6, then a Monday 14 days old; Sundays 15 and 57 days old; firsts of the month
        // 12 and 24 months old; files of other names.
        let names = [
            "guichet-2026-12-07.tar", "guichet-2026-12-01.tar", "guichet-2026-11-23.tar",
            "guichet-2026-11-22.tar", "guichet-2026-10-11.tar",
            "guichet-2025-12-01.tar", "guichet-2024-12-01.tar",
            "notes.txt", "guichet-derniere.tar",
        ]
        let retention = try #require(BackupRetention("7,8,24"))
        #expect(
            retention.expired(names, today: today) == [
                "guichet-2026-11-23.tar", "guichet-2026-10-11.tar", "guichet-2024-12-01.tar",
            ])
        #expect(BackupRetention("14,8") == nil)
        #expect(BackupRetention("0,8,24") == nil)
        #expect(BackupRetention("a,b,c") == nil)
    }

    private static func bytes(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }
}

private func count(_ table: String, on db: any Database) async throws -> Int {
    try await db.sql().raw("SELECT count(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self) ?? -1
}

/// A second, empty database of the same kind as `app`'s, with its own data folder, configured
/// like it and dropped afterwards: where a backup is restored.
func withEmptyDatabase(like app: Application, _ body: (Application) async throws -> Void) async throws {
    let source = app.guichetConfiguration
    let folder = NSTemporaryDirectory() + "guichet-restore-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var config = source
    config.dataDirectory = folder + "/data"
    config.loadDemoWhenEmpty = false
    var created: String? = nil
    switch source.database {
    case .postgres(let url, let searchPath):
        let name = "r_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await app.db.sql().raw("CREATE DATABASE \(ident: name)").run()
        created = name
        config.database = .postgres(url: try TestDatabases.url(url, database: name), searchPath: searchPath)
    case .sqliteFile, .sqliteMemory:
        config.database = .sqliteFile(folder + "/restored.sqlite")
    }
    let target = try await Application.make(.testing)
    do {
        try await configure(target, config)
        try await body(target)
        try await target.asyncShutdown()
    } catch {
        try? await target.asyncShutdown()
        if let created { try? await app.db.sql().raw("DROP DATABASE \(ident: created)").run() }
        throw error
    }
    if let created { try await app.db.sql().raw("DROP DATABASE \(ident: created)").run() }
}
