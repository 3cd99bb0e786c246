import Foundation
import GuichetDomain
import Vapor

/// `guichet scdl-check FILE`: checks any SCDL *subventions* 2.1.1 CSV file with the project's
/// validator (Guichet's own exports, or a file from elsewhere) and lists every faulty row.
struct SCDLCheckCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "Le fichier CSV à vérifier (UTF-8, séparateur virgule).")
        var file: String
    }

    var help: String { "Vérifie un fichier de subventions au format SCDL 2.1.1 et signale chaque ligne en défaut." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let data = FileManager.default.contents(atPath: signature.file),
            let text = String(data: data, encoding: .utf8)
        else {
            throw AppError(
                status: .badRequest, code: "file_unreadable",
                message: "Le fichier « \(signature.file) » est introuvable, illisible ou pas en UTF-8.")
        }
        let report = SCDLValidator.validateSubventions(text)
        if report.isValid {
            context.console.print("Conforme au schéma SCDL subventions 2.1.1 : \(report.recordCount) subvention(s).")
            return
        }
        context.console.print("\(report.faultyLines.count) ligne(s) en défaut sur \(report.recordCount) :")
        for issue in report.issues { context.console.print(issue.description) }
        throw AppError(
            status: .unprocessableEntity, code: "scdl_invalid",
            message: "Fichier non conforme au schéma SCDL subventions 2.1.1.")
    }
}
