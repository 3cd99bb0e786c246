import Foundation
import GuichetDomain
import Vapor

/// `guichet backup FILE`: the database, the data folder and a manifest in one archive, while the
/// server runs (``BackupService``).
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(
            name: "file", help: "Le fichier de sauvegarde à écrire (archive tar), par exemple guichet-2026-12-07.tar.")
        var file: String

        @Option(
            name: "keep",
            help:
                "Après la sauvegarde, supprime les sauvegardes datées (NOM-AAAA-MM-JJ.tar) du même dossier au-delà de : jours,semaines,mois (par exemple 14,8,24)."
        )
        var keep: String?
    }

    var help: String {
        "Sauvegarde la base, les pièces jointes et les courriels dans un fichier, serveur en marche (voir docs/OPERATIONS.md)."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let retention = try signature.keep.map { text in
            guard let retention = BackupRetention(text) else {
                throw OperationFailure(
                    code: "invalid_option",
                    message: "--keep attend trois nombres : jours,semaines,mois (par exemple 14,8,24), pas « \(text) »."
                )
            }
            return retention
        }
        let started = Date()
        let manifest: BackupManifest
        do {
            manifest = try await BackupService(app: context.application).backup(to: signature.file)
        } catch let failure as BackupService.Failure {
            throw OperationFailure(code: "backup_failed", message: failure.description)
        }
        let size =
            (try? FileManager.default.attributesOfItem(atPath: signature.file)[.size] as? NSNumber)?.intValue ?? 0
        context.console.print(
            "Sauvegarde écrite : \(signature.file) (\(ByteSize.french(size))) en \(String(format: "%.1f", Date().timeIntervalSince(started))) s — base \(manifest.database), \(manifest.tables.count) tables, \(manifest.rows) lignes, \(manifest.files.count) fichier(s), \(manifest.migrations.count) migrations."
        )
        guard let retention else { return }
        let folder = (signature.file as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        let written = (signature.file as NSString).lastPathComponent
        // Only the backups named like this one: the same name before the date.
        guard BackupRetention.day(of: written) != nil else {
            throw OperationFailure(
                code: "invalid_option",
                message: "--keep demande un fichier nommé NOM-AAAA-MM-JJ.tar, pas « \(written) ».")
        }
        let prefix = String(written.dropLast("AAAA-MM-JJ.tar".count))
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
            $0 != written && $0.hasPrefix(prefix) && $0.count == written.count
        }
        for name in retention.expired(names, today: Date()) {
            try FileManager.default.removeItem(atPath: directory + "/" + name)
            context.console.print("Sauvegarde expirée supprimée : \(name)")
        }
    }
}

/// `guichet restore FILE`: into an empty database, checked against the backup's manifest, then
/// verified (``IntegrityCheck``).
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "La sauvegarde à restaurer (écrite par guichet backup).")
        var file: String
    }

    var help: String {
        "Restaure une sauvegarde dans une base vide, compare chaque table au manifeste, puis vérifie la base (guichet verify)."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let restored: BackupService.Restored
        do {
            restored = try await BackupService(app: context.application).restore(from: signature.file)
        } catch let failure as BackupService.Failure {
            throw OperationFailure(code: "restore_failed", message: failure.description)
        }
        context.console.print(
            "Restauré : \(restored.manifest.tables.count) tables et \(restored.rows) lignes identiques au manifeste, \(restored.files) fichier(s) conformes ; sauvegarde du \(ParisTime.longDateTime(restored.manifest.createdAt)) (heure de Paris)."
        )
        try await VerifyCommand.report(context)
    }
}

/// `guichet verify`: the database's schema, foreign keys, audit chains, attachments and receipts.
struct VerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String {
        "Vérifie la base : version du schéma, clés étrangères, journal d'audit, empreinte de chaque pièce jointe et de chaque récépissé."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await Self.report(context)
    }

    static func report(_ context: CommandContext) async throws {
        let report = try await IntegrityCheck(app: context.application).run()
        for line in report.passed { context.console.print("✓ \(line)") }
        for line in report.notes { context.console.print("• \(line)") }
        for line in report.problems { context.console.error("✗ \(line)") }
        guard report.isWhole else {
            throw OperationFailure(
                code: "verification_failed",
                message: "La vérification a trouvé \(report.problems.count) problème(s), listés ci-dessus.")
        }
        context.console.print("La base est intègre.")
    }
}

/// A command that failed for a reason it says, with a stable code (the exit status is 1).
struct OperationFailure: Error, CustomStringConvertible, LocalizedError {
    let code: String
    let message: String

    var description: String { "\(message) [\(code)]" }
    var errorDescription: String? { description }
}
