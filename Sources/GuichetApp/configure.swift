import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Leaf
import LeafKit
import SQLKit
import Vapor

/// Configures the application: database, migrations, views, middleware, routes and commands.
public func configure(_ app: Application, _ config: AppConfiguration) async throws {
    GuichetMetrics.bootstrap()
    switch config.database {
    case .sqliteFile(let path):
        app.databases.use(.sqliteImmediate(.file(path)), as: .sqlite)
        // Write-ahead logging: readers never wait for a writer (a page is served while a wave is
        // applied or a file imported), and a commit is one append instead of a journal round
        // trip. The mode is stored in the file; commits stay durable (synchronous stays FULL).
        try await (app.db(.sqlite) as? any SQLDatabase)?.raw("PRAGMA journal_mode=WAL").run()
    case .sqliteMemory:
        app.databases.use(.sqliteImmediate(.memory), as: .sqlite)
    case .postgres(let url, let searchPath):
        var postgres = try SQLPostgresConfiguration(url: url)
        if let searchPath { postgres.searchPath = [searchPath] }
        PostgresSQL.preparing = config.postgresPreparedStatements
        // Several connections per event loop: a long transaction (a wave applied, a large import)
        // must not hold the only connection the loop's other requests wait for. A minute for a
        // connection, as on SQLite: when sessions apply their waves at the same moment they queue
        // on the envelope's lock, each holding its connection, and a request waiting behind them
        // should be served late rather than fail (seen at 30 s with fifty waves applied at once
        // on a loaded two-core machine, `CommitteeConcurrencyTests`).
        app.databases.use(
            .postgres(
                configuration: postgres, maxConnectionsPerEventLoop: config.databasePoolSize,
                connectionPoolTimeout: .seconds(60)), as: .psql)
    }
    app.migrations.add(GuichetMigrations.all)
    app.databases.middleware.use(DossierDrawCode())
    // Each state change written to the audit log queues its webhook deliveries, in its transaction.
    app.databases.middleware.use(WebhookFanOut())
    // Every audit entry is sealed in its chain (tamper-evident log).
    app.databases.middleware.use(AuditChainMiddleware())
    app.migrations.add(SessionRecord.migration)
    app.passwords.use(.bcrypt(cost: config.bcryptCost))
    // Sessions live in the database, so that several instances share them, with server-side
    // expiry (SessionStore).
    app.sessions.use { _ in SessionStore(idleSeconds: config.sessionIdleSeconds, maxSeconds: config.sessionMaxSeconds) }
    // The cookie lives as long as a session may (its absolute limit); the server ends it sooner
    // when idle. `Max-Age` alone says so (RFC 6265 gives it precedence over `Expires`, and every
    // browser in use reads it): the cookie is set again on each signed-in answer, and writing an
    // `Expires` date built a date formatter each time, 4 % of a staff page's CPU.
    app.sessions.configuration = SessionsConfiguration(cookieName: SessionStore.cookieName) { id in
        HTTPCookies.Value(
            string: id.string, maxAge: config.sessionMaxSeconds,
            path: "/", isSecure: config.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }
    app.storage[ConfigurationKey.self] = config
    // The only outgoing requests are webhooks: they never follow a redirection (it could lead
    // anywhere the address check did not see).
    app.http.client.configuration.redirectConfiguration = .disallow
    app.http.client.configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
    app.mailTransport = try Application.makeMailTransport(config, group: app.eventLoopGroup)

    app.leaf.configuration.rootDirectory = AppResources.viewsDirectory
    // Views ship inside the module's bundle, which lives under `.build/` during development: the
    // hidden-path limit would refuse them, and the sandbox alone already confines reads to it.
    app.leaf.sources = .singleSource(
        NIOLeafFiles(
            fileio: app.fileio, limits: [.toSandbox, .requireExtensions],
            sandboxDirectory: AppResources.viewsDirectory,
            viewDirectory: AppResources.viewsDirectory))
    // Templates are parsed once and kept, whatever the environment: they ship with the binary and
    // never change while it runs, and reading and parsing them again on each page cost more than
    // the rest of rendering (docs/BENCHMARKS.md). Editing one takes a restart. Leaf's own provider
    // turns its cache off in the development environment — the one `guichet serve` runs in unless
    // told otherwise — so the renderer is built here, on the same sources, tags and cache.
    app.leaf.cache.isEnabled = true
    app.leaf.tags["options"] = OptionsTag()
    app.leaf.tags["badge"] = BadgeTag()
    app.leaf.tags["simulated"] = SimulatedTag()
    app.views.use { app in
        LeafRenderer(
            configuration: app.leaf.configuration, tags: app.leaf.tags, cache: app.leaf.cache,
            sources: app.leaf.sources, eventLoop: app.eventLoopGroup.next(),
            userInfo: app.leaf.userInfo.merging(["application": app]) { _, new in new })
    }

    // What the staff pages keep under the site's revisions (``SiteRevisions``).
    app.storage[SiteKept.Key.self] = SiteKept()
    // Replace Vapor's default middleware so that errors render as Guichet's pages.
    app.middleware = Middlewares()
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(SecurityHeadersMiddleware(httpsOnly: config.secureCookies))
    app.middleware.use(GuichetErrorMiddleware())
    app.middleware.use(MethodNotAllowedMiddleware())
    app.middleware.use(RequestLimitsMiddleware())
    app.middleware.use(
        StaticFilesMiddleware(files: FileMiddleware(publicDirectory: AppResources.publicDirectory, defaultFile: nil)))
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(OpenAccountAuthenticator())
    app.middleware.use(CSRFMiddleware())

    try routes(app)
    app.storage[RouteMethods.Key.self] = RouteMethods(app.routes.all)
    // Guichet's own HTTP server (Vapor's responder behind it): see GuichetHTTPServer for why.
    app.servers.use { app in app.guichetServer }

    app.asyncCommands.use(GuichetMigrateCommand(), as: "migrate")
    app.asyncCommands.use(ReportCommand(), as: "report")
    app.asyncCommands.use(OutboxCommand(), as: "outbox")
    app.asyncCommands.use(UserCommand(), as: "user")
    app.asyncCommands.use(ProposeCommand(), as: "propose")
    app.asyncCommands.use(ImportCommand(), as: "import")
    app.asyncCommands.use(ExportCommand(), as: "export")
    app.asyncCommands.use(SCDLCheckCommand(), as: "scdl-check")
    app.asyncCommands.use(CallCommand(), as: "call")
    app.asyncCommands.use(AuditCommand(), as: "audit")
    app.asyncCommands.use(PicturesCommand(), as: "pictures")
    app.asyncCommands.use(BackupCommand(), as: "backup")
    app.asyncCommands.use(RestoreCommand(), as: "restore")
    app.asyncCommands.use(VerifyCommand(), as: "verify")
    app.asyncCommands.use(RetentionCommand(), as: "retention")
    app.asyncCommands.use(PersonalDataCommand(), as: "personal-data")
    app.asyncCommands.use(ServeWithDataCommand(), as: "serve", isDefault: true)
}

extension Application {
    /// The outbox's sender, with the configured transport.
    var outboxSender: OutboxSender {
        let config = guichetConfiguration
        return OutboxSender(database: db, transport: mailTransport, from: config.mailFrom, logger: logger)
    }
}

struct ConfigurationKey: StorageKey {
    typealias Value = AppConfiguration
}

extension Application {
    /// The configuration the application was built with.
    var guichetConfiguration: AppConfiguration {
        // `configure` stores it; a command run without it (never in practice) gets the defaults.
        storage[ConfigurationKey.self] ?? (try? .fromEnvironment([:]))
            ?? AppConfiguration(database: .sqliteFile("guichet.sqlite"))
    }
}

/// Files shipped inside the module: views, static assets, demo data.
enum AppResources {
    /// The bundle folder itself: on Linux `resourcePath` points to a `Resources` subfolder that
    /// SwiftPM does not create, so paths are built from the bundle path.
    static var root: String { Bundle.module.bundlePath }
    static var viewsDirectory: String { root + "/Views/" }
    static var publicDirectory: String { root + "/Public/" }

    /// A call definition shipped with Guichet (`calls/<reference>.json`): the seed's and the
    /// practice call.
    static func callFile(_ reference: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: root + "/Calls/\(reference).json"))
    }

    /// The references of the shipped call definitions.
    static func shippedCalls() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/Calls").filter { $0.hasSuffix(".json") }
            .map { String($0.dropLast(5)) }.sorted()
    }

    /// A file of the demo's data (`Demo/<name>`).
    static func demoFile(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: root + "/Demo/\(name)"))
    }

    /// The press kit's laureates, shipped for the demo.
    static func laureatesCSV() throws -> String {
        try String(contentsOfFile: root + "/Demo/laureats-vague1.csv", encoding: .utf8)
    }
}
