import Crypto
import Fluent
import Foundation
import GuichetDomain

/// Attachments on disk: `<data>/attachments/<first two hex digits>/<sha256>`, written once and
/// shared by identical files; infected files go to `<data>/quarantine/`.
struct AttachmentStore: Sendable {
    let root: String
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

    /// Stores the bytes under their hash (atomically: temporary file, then rename).
    func store(_ data: Data, sha256: String) throws {
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

    func read(sha256: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path(for: sha256)))
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: scanner)
        process.arguments = ["--no-summary", path(for: sha256)]
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
