import Foundation
import GuichetDomain
import Vapor

/// `guichet retention --dry-run|--apply`: what the retention policy makes due now, counted, or
/// anonymised and deleted (``RetentionService``; the server does it once a day).
struct RetentionCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "dry-run", help: "Compte ce qui est arrivé à échéance, sans rien changer.")
        var dryRun: Bool
        @Flag(name: "apply", help: "Anonymise et supprime ce qui est arrivé à échéance.")
        var apply: Bool
    }

    var help: String {
        "Applique les durées de conservation des données personnelles (GUICHET_RETENTION_*_DAYS) : --dry-run compte, --apply agit."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.dryRun != signature.apply else {
            throw OperationFailure(code: "invalid_option", message: "Choisissez --dry-run (compter) ou --apply (agir).")
        }
        let app = context.application
        try await app.migrateDatabase()
        let outcomes = try await RetentionService(
            database: app.db, configuration: app.guichetConfiguration, now: Date()
        ).run(apply: signature.apply)
        let policy = app.guichetConfiguration.retention
        for outcome in outcomes {
            let days = RetentionPolicy.Kind(rawValue: outcome.kind).flatMap { policy.days[$0] }
            let limit = days.map { $0 == 0 ? " (sans limite)" : " (au-delà de \($0) jours)" } ?? ""
            let verb = signature.apply ? "traité(s)" : "à traiter"
            context.console.print("\(outcome.count) \(verb) : \(outcome.label)\(limit)")
        }
    }
}

/// `guichet personal-data export --email E`: what Guichet holds about a person, as JSON on
/// standard output (``PersonalDataExport``).
struct PersonalDataCommand: AsyncCommandGroup {
    var help: String { "Données personnelles : export de tout ce que Guichet détient sur une personne." }
    var commands: [String: any AnyAsyncCommand] { ["export": PersonalDataExportCommand()] }
}

struct PersonalDataExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "L'adresse du compte.")
        var email: String?
    }

    var help: String { "Écrit en JSON tout ce que Guichet détient sur le compte de cette adresse (droit d'accès)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let email = signature.email, !email.isEmpty else {
            throw OperationFailure(code: "invalid_option", message: "Indiquez l'adresse : --email personne@exemple.fr")
        }
        let app = context.application
        try await app.migrateDatabase()
        guard let export = try await PersonalDataExport(database: app.db).export(email: email) else {
            throw OperationFailure(code: "not_found", message: "Aucun compte n'a l'adresse \(email).")
        }
        FileHandle.standardOutput.write(try PersonalDataExport.json(export))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
