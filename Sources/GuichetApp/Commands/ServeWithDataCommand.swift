import Fluent
import Vapor

/// `guichet serve`: Vapor's server (same `--hostname`, `--port` options), after bringing the
/// database up to date and, when it holds no call, loading the demo call.
struct ServeWithDataCommand: AsyncCommand {
    typealias Signature = ServeCommand.Signature

    var help: String {
        "Migre la base, charge l'appel de démonstration si elle est vide, puis démarre le serveur (--hostname, --port)."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await DataBootstrap.prepare(app)
        // Vapor's serve command returns once the server listens; the worker lives until shutdown.
        app.lifecycle.use(OutboxWorker.Lifecycle(task: OutboxWorker.start(app)))
        try await app.servers.asyncCommand.run(using: context, signature: signature)
    }
}

/// Brings a database up to date, then loads the demo call into it when it has no call.
enum DataBootstrap {
    static func prepare(_ app: Application) async throws {
        try await app.autoMigrate()
        guard app.guichetConfiguration.loadDemoWhenEmpty else { return }
        if try await CallModel.query(on: app.db).count() == 0 {
            try await DemoLoader(database: app.db, laureatesCSV: AppResources.laureatesCSV()).loadIfAbsent()
            try await DemoPublication.publishFirstWave(app)
            app.logger.notice("Appel de démonstration chargé (\(DemoCall.reference)).")
        }
    }
}

/// `guichet migrate [--revert]`: applies pending migrations, or reverts the last batch.
struct GuichetMigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "revert", help: "Annule le dernier lot de migrations au lieu d'appliquer les nouvelles.")
        var revert: Bool
    }

    var help: String { "Applique les migrations en attente (ou annule le dernier lot avec --revert), sans question." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if signature.revert {
            try await app.autoRevert()
            context.console.print("Migrations annulées.")
        } else {
            try await app.autoMigrate()
            context.console.print("Base de données à jour.")
        }
    }
}

/// `guichet demo [--reset]`: loads the seed's call, or replaces it with a fresh copy.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "reset", help: "Supprime l'appel de démonstration existant (dossiers, décisions, historique) et le recharge.")
        var reset: Bool
        @Option(name: "generated", help: "Nombre de dossiers simulés en plus des 37 lauréats (250 par défaut, soit les 287 du dossier de presse ; davantage pour les mesures de performance).")
        var generated: Int?
    }

    var help: String { "Charge l'appel de démonstration Hauts-de-France 2021 (ou le réinitialise avec --reset)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        var loader = DemoLoader(database: app.db, laureatesCSV: try AppResources.laureatesCSV())
        if let generated = signature.generated {
            guard (0...1_000_000).contains(generated) else {
                throw AppError(status: .badRequest, code: "invalid_generated", message: "--generated attend un nombre entre 0 et 1 000 000.")
            }
            loader.generated = generated
        }
        if signature.reset {
            try await loader.reset()
            try await DemoPublication.publishFirstWave(app)
            context.console.print("Appel de démonstration « \(DemoCall.reference) » réinitialisé.")
        } else if try await loader.loadIfAbsent() {
            try await DemoPublication.publishFirstWave(app)
            context.console.print("Appel de démonstration « \(DemoCall.reference) » chargé.")
        } else {
            context.console.print("L'appel de démonstration « \(DemoCall.reference) » est déjà chargé (--reset pour le recharger).")
        }
    }
}

/// Every few seconds while the server runs: queues the reminders that are due, then sends the
/// outbox. Each instance runs one; conditional claims keep them from doing anything twice.
enum OutboxWorker {
    /// Stops the worker when the application shuts down.
    struct Lifecycle: LifecycleHandler {
        let task: Task<Void, Never>

        func shutdown(_ application: Application) { task.cancel() }
        func shutdownAsync(_ application: Application) async { task.cancel() }
    }

    static func start(_ app: Application, every interval: Duration = .seconds(5)) -> Task<Void, Never> {
        let sender = app.outboxSender
        let configuration = app.guichetConfiguration
        return Task.detached {
            while !Task.isCancelled {
                do {
                    try await InstructionService(database: app.db, configuration: configuration, now: Date()).sendCorrectionReminders()
                    try await ExpertService(database: app.db, configuration: configuration, now: Date()).sendReminders()
                    try await sender.deliverDue()
                    try await WebhookSender(database: app.db, client: app.client, logger: app.logger).deliverDue()
                } catch {
                    app.logger.error("outbox: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

/// `guichet outbox`: sends the emails that are due now, and says how many are waiting.
struct OutboxCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Envoie les courriels en attente (ceux dont l'heure est venue) et indique combien restent." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        try await InstructionService(database: app.db, configuration: app.guichetConfiguration, now: Date()).sendCorrectionReminders()
        try await ExpertService(database: app.db, configuration: app.guichetConfiguration, now: Date()).sendReminders()
        let sent = try await app.outboxSender.deliverDue()
        let waiting = try await OutboxMessageModel.query(on: app.db).filter(\.$sentAt == nil).count()
        context.console.print("\(sent) courriel(s) envoyé(s) ; \(waiting) en attente.")
    }
}
