import Foundation
import GuichetDomain
import Vapor

/// `guichet import --call <ref> FILE [--dry-run]`: loads dossiers (and, for a call whose committee
/// sat elsewhere, their decisions) from a CSV file; every faulty row is reported with its line and
/// nothing is imported; a real run imports everything or nothing. The columns are documented in
/// docs/IMPORT.md and on the administrators' import page.
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "call", help: "L'appel à projets (référence) dans lequel importer.")
        var call: String?
        @Argument(name: "file", help: "Le fichier CSV (UTF-8, séparateur , ou ;, première ligne : les en-têtes).")
        var file: String
        @Flag(name: "dry-run", help: "Vérifie le fichier et signale chaque ligne en défaut, sans rien importer.")
        var dryRun: Bool
    }

    var help: String {
        "Importe des dossiers (et leurs décisions pour un appel instruit ailleurs) depuis un fichier CSV."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let reference = signature.call, !reference.isEmpty else {
            throw AppError(
                status: .badRequest, code: "missing_call", message: "Indiquez --call <référence de l'appel>.")
        }
        let app = context.application
        try await app.migrateDatabase()
        let call = try await CallRepository(database: app.db).load(reference)
        let console = context.console
        let progress: @Sendable (Int, Int) -> Void = { done, total in
            if total >= 1_000 { console.output("\(done) / \(total) lignes lues".consoleText(.info)) }
        }
        do {
            let summary = try await ImportService(database: app.db, now: Date())
                .run(
                    call, source: .file(signature.file), dryRun: signature.dryRun,
                    by: Agent.system("Import en ligne de commande"),
                    progress: progress)
            let what =
                "\(summary.rows) dossier(s), \(summary.decisions) décision(s), \(summary.newOrganisations) nouvelle(s) organisation(s)"
            console.print(
                summary.dryRun
                    ? "Vérification réussie, rien n'est importé : \(what) seraient importés."
                    : "Import réussi : \(what).")
        } catch let report as ImportReport {
            console.error("\(report.faultyLines.count) ligne(s) en défaut sur \(report.rowsRead) ; rien n'est importé.")
            for issue in report.issues { console.error(issue.message) }
            throw AppError(
                status: .unprocessableEntity, code: "import_refused",
                message: "Import refusé : corrigez les lignes signalées.")
        }
    }
}
