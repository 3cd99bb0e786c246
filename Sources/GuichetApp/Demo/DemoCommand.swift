import Fluent
import Foundation
import Vapor

/// The demonstration: the seed's call, replayed with its simulated history, and the practice
/// call. The executable installs it; nothing else in Guichet knows it exists.
public enum Demo {
    /// Registers `guichet demo` and makes `guichet serve` load the demonstration into an empty
    /// database (unless `GUICHET_LOAD_DEMO=0`).
    public static func install(on app: Application) {
        app.asyncCommands.use(DemoCommand(), as: "demo")
        app.emptyDatabaseSeed = EmptyDatabaseSeed(name: "Appel de démonstration « \(DemoCall.reference) »") { app in
            try await DemoLoader(database: app.db, laureatesCSV: AppResources.laureatesCSV()).loadIfAbsent()
            try await DemoPublication.publishFirstWave(app)
            try await DemoGrants.insert(app)
        }
    }
}

/// `guichet demo [--reset]`: loads the seed's call, or replaces it with a fresh copy.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(
            name: "reset",
            help: "Supprime l'appel de démonstration existant (dossiers, décisions, historique) et le recharge.")
        var reset: Bool
        @Option(
            name: "generated",
            help:
                "Nombre de dossiers simulés en plus des 37 lauréats (250 par défaut, soit les 287 du dossier de presse ; davantage pour les mesures de performance)."
        )
        var generated: Int?
    }

    var help: String { "Charge l'appel de démonstration Hauts-de-France 2021 (ou le réinitialise avec --reset)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.migrateDatabase()
        var loader = DemoLoader(database: app.db, laureatesCSV: try AppResources.laureatesCSV())
        if let generated = signature.generated {
            guard (0...1_000_000).contains(generated) else {
                throw AppError(
                    status: .badRequest, code: "invalid_generated",
                    message: "--generated attend un nombre entre 0 et 1 000 000.")
            }
            loader.generated = generated
        }
        if signature.reset {
            try await loader.reset()
            try await DemoPublication.publishFirstWave(app)
            try await DemoGrants.insert(app)
            context.console.print("Appel de démonstration « \(DemoCall.reference) » réinitialisé.")
        } else if try await loader.loadIfAbsent() {
            try await DemoPublication.publishFirstWave(app)
            try await DemoGrants.insert(app)
            context.console.print("Appel de démonstration « \(DemoCall.reference) » chargé.")
        } else {
            context.console.print(
                "L'appel de démonstration « \(DemoCall.reference) » est déjà chargé (--reset pour le recharger).")
        }
    }
}
