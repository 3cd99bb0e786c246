import Crypto
import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// Attachments, written once under their SHA-256 and shared by identical files: on disk
/// (`<data>/attachments/<first two hex digits>/<sha256>`, infected files moved to
/// `<data>/quarantine/`), or in the database (`stored_files`, infected files marked quarantined)
/// so that every instance of a deployment on one PostgreSQL sees every file
/// (`GUICHET_FILE_STORE`, ``AppConfiguration/fileStore``).
///
/// In the database, a file is written with `ON CONFLICT DO NOTHING`: two instances storing the
/// same bytes at once both succeed and one row remains. The scanner reads a temporary copy.
struct AttachmentStore: Sendable {
    let root: String
    /// Where the bytes live when they are in the database; on disk under `root` when nil.
    var database: (any Database)? = nil
    /// The ClamAV command line scanner to run (`clamdscan` or `clamscan`), found on the PATH by
    /// default; `nil` when none is installed.
    var scanner: String? = AttachmentStore.installedScanner
    /// How long a scan may take before the scanner is stopped.
    var scanLimit: Double = AttachmentStore.scanSeconds

    enum ScanResult: String {
        case clean
        case infected
        case notScanned = "not_scanned"
    }

    static func sha256(_ data: Data) -> String {
        Hex.string(SHA256.hash(data: data))
    }

    func path(for sha256: String) -> String {
        "\(root)/attachments/\(sha256.prefix(2))/\(sha256)"
    }

    /// The store the configuration chooses, on `db` when it keeps files in the database.
    static func configured(_ app: Application, on db: any Database, scanning: Bool = true) -> AttachmentStore {
        let config = app.guichetConfiguration
        return AttachmentStore(
            root: config.dataDirectory, database: config.fileStore == .database ? db : nil,
            scanner: scanning ? config.virusScanner : nil)
    }

    init(root: String, database: (any Database)? = nil, scanner: String? = AttachmentStore.installedScanner) {
        self.root = root
        self.database = database
        self.scanner = scanner
    }

    /// A stored file that is missing or quarantined.
    struct Missing: Error {}

    /// Stores the bytes under their hash (on disk atomically: temporary file, then rename).
    func store(_ data: Data, sha256: String) async throws {
        if let database {
            try await database.sql().raw(
                """
                INSERT INTO \(ident: CreateStoredFiles.table) (sha256, bytes, size_bytes, quarantined, created_at)
                VALUES (\(bind: sha256), \(bind: data), \(bind: Int64(data.count)), \(bind: false), \(bind: Date()))
                ON CONFLICT (sha256) DO NOTHING
                """
            ).run()
            return
        }
        let target = path(for: sha256)
        if FileManager.default.fileExists(atPath: target) { return }
        let folder = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = target + ".\(UUID().uuidString).part"
        try data.write(to: URL(fileURLWithPath: temporary))
        if FileManager.default.fileExists(atPath: target) {
            try? FileManager.default.removeItem(atPath: temporary)
        } else {
            try FileManager.default.moveItem(atPath: temporary, toPath: target)
        }
    }

    func read(sha256: String) async throws -> Data {
        guard let database else { return try Data(contentsOf: URL(fileURLWithPath: path(for: sha256))) }
        guard
            let row = try await database.sql().raw(
                """
                SELECT bytes FROM \(ident: CreateStoredFiles.table)
                WHERE sha256 = \(bind: sha256) AND quarantined = \(bind: false)
                """
            ).first()
        else { throw Missing() }
        return try row.decode(column: "bytes", as: Data.self)
    }

    /// The longest a scan may take: beyond, the scanner is stopped and the file marked
    /// "not scanned" (a stuck scanner never holds a request).
    static let scanSeconds: Double = 60

    /// Scans a stored file with ClamAV when `clamdscan` or `clamscan` is installed; moves an
    /// infected file to quarantine. Without a scanner, the file is marked "not scanned".
    ///
    /// The scanner runs as a child process awaited without blocking any thread, within
    /// ``scanLimit`` (``scanSeconds`` by default).
    func scan(sha256: String) async -> ScanResult {
        guard let scanner else { return .notScanned }
        // The scanner reads a file: a database-kept one is copied out for it, then removed.
        var target = path(for: sha256)
        if database != nil {
            target = "\(root)/scanning/\(UUID().uuidString)"
            do {
                try FileManager.default.createDirectory(
                    atPath: "\(root)/scanning", withIntermediateDirectories: true)
                try await read(sha256: sha256).write(to: URL(fileURLWithPath: target))
            } catch {
                return .notScanned
            }
        }
        defer { if database != nil { try? FileManager.default.removeItem(atPath: target) } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: scanner)
        process.arguments = ["--no-summary", target]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try await ChildProcess.run(process, graceSeconds: scanLimit)
        } catch {
            return .notScanned
        }
        switch process.terminationStatus {
        case 0: return .clean
        case 1:
            if let database {
                try? await database.sql().raw(
                    """
                    UPDATE \(ident: CreateStoredFiles.table) SET quarantined = \(bind: true) WHERE sha256 = \(bind: sha256)
                    """
                ).run()
                return .infected
            }
            let quarantine = "\(root)/quarantine"
            try? FileManager.default.createDirectory(atPath: quarantine, withIntermediateDirectories: true)
            try? FileManager.default.moveItem(atPath: path(for: sha256), toPath: "\(quarantine)/\(sha256)")
            return .infected
        default: return .notScanned
        }
    }

    /// What a dossier's files weigh: the form's attachments and the messages' files.
    static func usedBytes(dossier id: UUID, on db: any Database) async throws -> Int {
        // Summed here rather than with SUM(): PostgreSQL answers a bigint sum as NUMERIC, and a
        // dossier has a handful of files.
        let form = try await AttachmentModel.query(on: db).filter(\.$dossier.$id == id).all(\.$sizeBytes)
        let messages = try await MessageAttachmentModel.query(on: db).join(parent: \.$message)
            .filter(DossierMessageModel.self, \.$dossier.$id == id).all(\.$sizeBytes)
        return Int((form + messages).reduce(0, +))
    }

    /// The first ClamAV scanner found on the PATH.
    static let installedScanner: String? = {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in ["clamdscan", "clamscan"] {
            for folder in paths where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }()
}
