import Foundation
import GuichetDomain
import Vapor

/// `guichet call import|export|list|publish|archive`: calls as files, through the same
/// ``CallDefinitionStore`` as the web editor (docs/CALLS.md).
struct CallCommand: AsyncCommandGroup {
    var help: String { "Appels à projets en fichiers : import, export, liste, publication, archivage." }

    var commands: [String: any AnyAsyncCommand] {
        [
            "import": CallImportCommand(), "export": CallExportCommand(), "list": CallListCommand(),
            "publish": CallStatusCommand(target: .published), "archive": CallStatusCommand(target: .archived),
        ]
    }

    static let agent = Agent.system("Appels en ligne de commande")
}

/// `guichet call import FILE [--dry-run] [--publish]`: checks a definition (every error with its
/// path), then creates the call or amends it after listing what changes.
struct CallImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(
            name: "file",
            help: "Le fichier JSON de l'appel (format décrit dans docs/CALLS.md), ou - pour l'entrée standard.")
        var file: String
        @Flag(name: "dry-run", help: "Vérifie le fichier et liste ce qui changerait, sans rien enregistrer.")
        var dryRun: Bool
        @Flag(name: "publish", help: "Publie l'appel créé (sinon il reste un brouillon, invisible du public).")
        var publish: Bool
    }

    var help: String { "Crée ou modifie un appel à projets depuis sa définition JSON (chaque erreur avec son chemin)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let data: Data
        // The executable turns a lone `-` into /dev/stdin (ConsoleKit reads `-` as an option).
        if signature.file == "-" || signature.file == "/dev/stdin" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else if let contents = FileManager.default.contents(atPath: signature.file) {
            data = contents
        } else {
            throw AppError(
                status: .badRequest, code: "file_unreadable",
                message: "Le fichier « \(signature.file) » est introuvable ou illisible.")
        }
        let app = context.application
        try await app.migrateDatabase()
        let console = context.console
        do {
            let definition = try CallDefinition.load(json: data)
            let store = CallDefinitionStore(database: app.db)
            let plan = try await store.plan(definition)
            switch plan {
            case .amend(_, let changes) where changes.isEmpty:
                console.print(
                    "Vérification réussie : aucune différence avec l'appel « \(definition.reference) » enregistré.")
                return
            case .create where signature.dryRun:
                console.print(
                    "Vérification réussie, rien n'est enregistré : l'appel « \(definition.reference) » serait créé.")
                return
            case .amend(_, let changes) where signature.dryRun:
                console.print(
                    "Vérification réussie, rien n'est enregistré : \(changes.count) modification(s) de l'appel « \(definition.reference) » :"
                )
                for change in changes { console.print("  \(change)") }
                return
            default:
                break
            }
            let saved = try await store.save(
                definition, status: signature.publish ? .published : .draft, by: CallCommand.agent)
            if case .create = plan {
                console.print("Appel « \(definition.reference) » créé (\(saved.call.callStatus.label)).")
            } else {
                console.print("Appel « \(definition.reference) » modifié : \(saved.changes.count) modification(s).")
                for change in saved.changes { console.print("  \(change)") }
            }
        } catch let error as DomainError {
            guard case .invalidCallDefinition(let issues) = error else { throw error }
            console.error("\(issues.count) erreur(s) ; rien n'est enregistré.")
            for issue in issues { console.error(issue.description) }
            throw AppError(
                status: .unprocessableEntity, code: "call_refused",
                message: "Définition refusée : corrigez les erreurs signalées.")
        }
    }
}

/// `guichet call export REF`: the call's definition on standard output, as `import` reads it.
struct CallExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "reference", help: "La référence de l'appel (hdf-2021).")
        var reference: String
    }

    var help: String { "Écrit la définition JSON d'un appel à projets sur la sortie standard." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.migrateDatabase()
        let model = try await CallRepository(database: app.db).findAny(signature.reference)
        let data = try await CallDefinitionStore(database: app.db).definition(of: model).json()
        FileHandle.standardOutput.write(data)
    }
}

/// `guichet call list`: every call with its status, phase and dates.
struct CallListCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Liste les appels à projets : référence, état, dates, titre." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.migrateDatabase()
        let now = Date()
        let calls = try await CallModel.query(on: app.db).sort(\.$opensAt, .descending).sort(\.$reference).all()
        if calls.isEmpty { context.console.print("Aucun appel à projets.") }
        for call in calls {
            let phase = CallPhase(status: call.callStatus, opensAt: call.opensAt, closesAt: call.closesAt, now: now)
            context.console.print(
                "\(call.reference)\t\(phase.label)\t\(ParisTime.isoDay(call.opensAt)) → \(ParisTime.isoDay(call.closesAt.addingTimeInterval(-1)))\t\(call.title)"
            )
        }
    }
}

/// `guichet call publish|archive REF`: the call's lifecycle from the command line.
struct CallStatusCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "reference", help: "La référence de l'appel.")
        var reference: String
    }

    let target: CallStatus

    var help: String { target == .published ? "Publie un appel en brouillon." : "Archive un appel clos." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.migrateDatabase()
        let model = try await CallRepository(database: app.db).findAny(signature.reference)
        let next =
            target == .published
            ? try model.callStatus.publishing()
            : try model.callStatus.archiving(closesAt: model.closesAt, now: Date())
        try await CallDefinitionStore(database: app.db).setStatus(model, to: next, by: CallCommand.agent)
        context.console.print("Appel « \(model.reference) » \(next.label).")
    }
}
