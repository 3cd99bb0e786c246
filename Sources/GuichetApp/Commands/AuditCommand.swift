import Foundation
import GuichetDomain
import Vapor

/// `guichet audit verify [--call REF]`: reads the audit log's chains and names the first entry
/// edited, deleted or inserted (exit status 1), or says each chain is whole with its head.
struct AuditCommand: AsyncCommandGroup {
    var help: String { "Journal d'audit : vérification des chaînes d'empreintes." }
    var commands: [String: any AnyAsyncCommand] { ["verify": AuditVerifyCommand()] }
}

struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(
            name: "call", help: "Vérifie la seule chaîne de cet appel (sa référence) ; sans elle, toutes les chaînes.")
        var call: String?
    }

    var help: String { "Vérifie le journal d'audit et nomme la première entrée modifiée, supprimée ou insérée." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.migrateDatabase()
        let keys: [String]
        if let reference = signature.call {
            keys = [
                AuditChainStore.key(call: try await CallRepository(database: app.db).findAny(reference).requireID())
            ]
        } else {
            keys = try await AuditChainModel.query(on: app.db).sort(\.$chainKey).all().map(\.chainKey)
        }
        var broken = false
        for key in keys {
            let result = try await AuditChainStore.verify(key, on: app.db)
            let legacy = result.legacy > 0 ? " (et \(result.legacy) entrée(s) antérieure(s) au chaînage)" : ""
            if let problem = result.problem {
                broken = true
                context.console.error("\(key) : ROMPU — \(problem)\(legacy).")
            } else {
                let head = result.head.map { "tête n° \($0.0), empreinte \($0.1)" } ?? "vide"
                context.console.print("\(key) : intact, \(result.entries) entrée(s), \(head)\(legacy).")
            }
        }
        if broken {
            throw AppError(
                status: .conflict, code: "audit_chain_broken",
                message: "Le journal d'audit a été altéré : voir les chaînes rompues ci-dessus.")
        }
    }
}
