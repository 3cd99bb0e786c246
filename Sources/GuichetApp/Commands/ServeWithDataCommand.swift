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
        // Webhooks in a loop of their own: a slow receiver never delays mail.
        app.lifecycle.use(OutboxWorker.Lifecycle(task: OutboxWorker.startWebhooks(app)))
        // The published versions in memory before the first reader, then kept in step.
        try await app.publishedAnswers.refresh()
        app.lifecycle.use(OutboxWorker.Lifecycle(task: app.publishedAnswers.start()))
        try await app.servers.asyncCommand.run(using: context, signature: signature)
    }
}

/// Brings a database up to date, then loads the seed data (when the executable installed one)
/// into it when it has no call.
enum DataBootstrap {
    static func prepare(_ app: Application) async throws {
        try await app.migrateDatabase()
        guard app.guichetConfiguration.loadDemoWhenEmpty, let seed = app.emptyDatabaseSeed else { return }
        if try await CallModel.query(on: app.db).count() == 0 {
            try await seed.load(app)
            app.logger.notice("\(seed.name) chargé.")
        }
    }
}

/// What `guichet serve` loads into a database that holds no call: installed by the executable
/// (the demonstration), absent otherwise.
public struct EmptyDatabaseSeed: Sendable {
    /// What it is, for the log ("Appel de démonstration hdf-2021").
    public let name: String
    public let load: @Sendable (Application) async throws -> Void

    public init(name: String, load: @escaping @Sendable (Application) async throws -> Void) {
        self.name = name
        self.load = load
    }
}

extension Application {
    private struct EmptyDatabaseSeedKey: StorageKey {
        typealias Value = EmptyDatabaseSeed
    }

    /// The data `serve` loads into an empty database, if any.
    public var emptyDatabaseSeed: EmptyDatabaseSeed? {
        get { storage[EmptyDatabaseSeedKey.self] }
        set { storage[EmptyDatabaseSeedKey.self] = newValue }
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
            try await app.migrateDatabase()
            context.console.print("Base de données à jour.")
        }
    }
}

/// Every few seconds while the server runs: queues the reminders that are due, then sends the
/// outbox; once a day, applies the retention policy (``RetentionService``). Each instance runs
/// one; conditional claims keep them from doing anything twice.
enum OutboxWorker {
    /// Stops the worker when the application shuts down.
    struct Lifecycle: LifecycleHandler {
        let task: Task<Void, Never>

        func shutdown(_ application: Application) { task.cancel() }

        /// Cancels the loop and waits for its current round to end, so that it never reads a
        /// database the application has already closed.
        func shutdownAsync(_ application: Application) async {
            task.cancel()
            await task.value
        }
    }

    /// The webhook deliveries' loop: each delivery has a 10 s limit, checked addresses, no redirects.
    static func startWebhooks(_ app: Application, every interval: Duration = .seconds(5)) -> Task<Void, Never> {
        let sender = WebhookSender(
            database: app.db, transport: PinnedHTTPTransport(eventLoopGroup: app.eventLoopGroup), logger: app.logger,
            addresses: app.webhookAddresses)
        return Task.detached {
            while !Task.isCancelled {
                do { try await sender.deliverDue() } catch { app.logger.error("webhooks: \(error)") }
                try? await Task.sleep(for: interval)
            }
        }
    }

    static func start(_ app: Application, every interval: Duration = .seconds(5)) -> Task<Void, Never> {
        let sender = app.outboxSender
        let configuration = app.guichetConfiguration
        return Task.detached {
            // Retention once a day, the first at start (every instance: each step is idempotent).
            var retainedAt: Date? = nil
            while !Task.isCancelled {
                if retainedAt.map({ Date().timeIntervalSince($0) >= 86_400 }) ?? true {
                    retainedAt = Date()
                    do {
                        let outcomes = try await RetentionService(
                            database: app.db, configuration: configuration, now: Date()
                        ).run(apply: true)
                        let done = outcomes.filter { $0.count > 0 }.map { "\($0.count) \($0.label)" }
                        if !done.isEmpty { app.logger.notice("retention: \(done.joined(separator: ", "))") }
                    } catch {
                        app.logger.error("retention: \(error)")
                    }
                }
                do {
                    try await InstructionService(database: app.db, configuration: configuration, now: Date())
                        .sendCorrectionReminders()
                    try await ExpertService(database: app.db, configuration: configuration, now: Date()).sendReminders()
                    try await GrantReportService(database: app.db, configuration: configuration, now: Date())
                        .sendReminders()
                    // A full round means more are waiting (the receipts of a closing day): the
                    // next round starts at once, so that a confirmation queued behind them is not
                    // held for minutes at 50 messages per interval.
                    while try await sender.deliverDue() == OutboxSender.roundSize, !Task.isCancelled {}
                    try await ImportJobs.endAbandoned(on: app.db)
                    try await SessionStore.purge(
                        on: app.db, idleSeconds: configuration.sessionIdleSeconds,
                        maxSeconds: configuration.sessionMaxSeconds)
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
        try await app.migrateDatabase()
        try await InstructionService(database: app.db, configuration: app.guichetConfiguration, now: Date())
            .sendCorrectionReminders()
        try await ExpertService(database: app.db, configuration: app.guichetConfiguration, now: Date()).sendReminders()
        try await GrantReportService(database: app.db, configuration: app.guichetConfiguration, now: Date())
            .sendReminders()
        let sent = try await app.outboxSender.deliverDue()
        let waiting = try await OutboxMessageModel.query(on: app.db).filter(\.$sentAt == nil).count()
        context.console.print("\(sent) courriel(s) envoyé(s) ; \(waiting) en attente.")
    }
}
