import Foundation
import GuichetDomain
import Vapor

/// `guichet export scdl --call <ref>`: the granted subsidies of the latest published version, as
/// the SCDL *subventions* 2.1.1 CSV, on standard output (the same bytes as the public file).
/// `guichet export resultats --call <ref>` writes that version's results as JSON.
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "what", help: "scdl (subventions accordées, CSV SCDL 2.1.1) ou resultats (JSON).")
        var what: String
        @Option(name: "call", help: "L'appel à projets (référence).")
        var call: String?
    }

    var help: String { "Écrit sur la sortie standard les données ouvertes de la dernière version publiée d'un appel." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let names = ["scdl": PublicationService.FileName.subsidies, "resultats": PublicationService.FileName.results]
        guard let name = names[signature.what] else {
            throw AppError(
                status: .badRequest, code: "unknown_export",
                message: "Export inconnu « \(signature.what) » : choisissez scdl ou resultats.")
        }
        guard let reference = signature.call, !reference.isEmpty else {
            throw AppError(
                status: .badRequest, code: "missing_call", message: "Indiquez --call <référence de l'appel>.")
        }
        let app = context.application
        try await app.migrateDatabase()
        let call = try await CallRepository(database: app.db).load(reference)
        let service = PublicationService(database: app.db, now: Date())
        guard let latest = try await service.latest(call.id) else {
            throw AppError(
                status: .notFound, code: "not_published",
                message: "Aucun résultat n'a encore été publié pour « \(reference) ».")
        }
        let file = try await service.file(latest, name)
        FileHandle.standardOutput.write(file.content)
    }
}
