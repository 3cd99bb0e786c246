import Foundation
import GuichetDomain
import Vapor

/// Everything Guichet reads from its environment, read in this one place.
public struct AppConfiguration: Sendable {
    /// Where the data lives.
    public enum DatabaseChoice: Sendable, Equatable {
        /// An SQLite file (the default: `guichet.sqlite` in the working directory).
        case sqliteFile(String)
        /// A private in-memory SQLite database (tests).
        case sqliteMemory
        /// PostgreSQL at a `postgres://` URL; `searchPath` puts the tables in a schema of their own
        /// (each test gets one, so that tests run in parallel on one server).
        case postgres(url: String, searchPath: String?)
    }

    public var database: DatabaseChoice
    /// Load the demo call when the database holds no call (serve).
    public var loadDemoWhenEmpty: Bool
    /// Where Guichet keeps its files: sent mail (`mail/`), attachments (`attachments/`).
    public var dataDirectory: String
    /// The address people reach Guichet at, for links in emails.
    public var publicURL: String
    /// Whether ``publicURL`` is the default, `GUICHET_PUBLIC_URL` unset: the server then takes
    /// the address it binds (``GuichetHTTPServer/adoptAddress(hostname:port:in:)``).
    public var publicURLIsDefault = false
    /// bcrypt's cost: 12 in service (about a quarter of a second per hash here); tests lower it.
    public var bcryptCost: Int
    /// Mark cookies `Secure` (set when Guichet is served over HTTPS, as it should be in service).
    public var secureCookies: Bool
    /// The `From:` of every email.
    public var mailFrom: String
    /// The largest attachment accepted, in bytes (`GUICHET_MAX_UPLOAD_MB`, default 20).
    public var maxUploadBytes: Int = 20_000_000
    /// Send email through this SMTP server (`GUICHET_SMTP_URL`, e.g.
    /// `smtps://user:password@mail.exemple.fr:465`); when nil, emails are written as files in
    /// `<data>/mail/`. The syntax is in `SMTPConfiguration`; a bad URL stops the startup.
    public var smtpURL: String?
    /// The virus scanner run on each upload: `clamdscan` or `clamscan` when installed
    /// (`GUICHET_VIRUS_SCANNER` names another command with the same exit codes); `nil`: files
    /// are marked "not scanned".
    public var virusScanner: String? = AttachmentStore.installedScanner
    /// Chromium for the press kit's PDF (`GUICHET_CHROMIUM_PATH`); found on `PATH` when unset.
    /// Without it the press kit is HTML only, which prints cleanly.
    public var chromiumPath: String?
    /// PostgreSQL connections per event loop (`GUICHET_DB_POOL`, 1–32, default 4): one event loop
    /// per core, so 8 connections per instance on this project's 2-core machines.
    public var databasePoolSize: Int = 4
    /// Whether reads are sent to PostgreSQL as named prepared statements
    /// (`GUICHET_POSTGRES_PREPARED`, default `1`; ``PostgresSQL``): `0` behind a pooler that does
    /// not keep them per client.
    public var postgresPreparedStatements = true
    /// Who runs this Guichet, shown under its name in every page's header and in the legal pages
    /// (`GUICHET_OPERATOR_NAME`, e.g. « Préfète de la région Hauts-de-France »; at most 120
    /// characters).
    public var operatorName = "Service instructeur"
    /// The pages' look (`GUICHET_THEME`): `etat` (default) shows the State's *bloc-marque* and
    /// the Marianne font, which only State services may use; `neutre` shows neither.
    public var theme: SiteTheme = .state
    /// What one dossier's files may weigh in all (`GUICHET_DOSSIER_QUOTA_MB`, 1–1000).
    public var dossierQuotaBytes: Int = 100_000_000
    /// The proxies whose `X-Forwarded-For` says who the client is (`GUICHET_TRUSTED_PROXIES`:
    /// addresses or ranges, comma-separated); none by default: the peer is the client.
    public var trustedProxies: [NetworkRange] = []
    /// A token that opens `/metrics` to a scraper that is not on this machine
    /// (`GUICHET_METRICS_TOKEN`, sent as `Authorization: Bearer …`); loopback only without it.
    public var metricsToken: String? = nil
    /// How long personal data are kept, by kind (`GUICHET_RETENTION_*_DAYS`; ``RetentionPolicy``).
    public var retention = RetentionPolicy()
    /// `GUICHET_NEW_PASSWORD`: the password `guichet user create` gives the account (generated and
    /// printed once when unset).
    public var newStaffPassword: String?
    /// `GUICHET_CBC_PATH`: the COIN-OR CBC binary (otherwise `cbc` on the `PATH`).
    public var cbcPath: String?
    /// Whether webhooks may go to private or local networks (`GUICHET_WEBHOOKS_ALLOW_PRIVATE=1`,
    /// for private deployments whose receivers live on the same network).
    public var webhooksAllowPrivate: Bool = false
    /// Where attachments and messages' files live (`GUICHET_FILE_STORE`: `files` under the data
    /// directory, or `database`): in the database by default on PostgreSQL, so that every
    /// instance sharing it sees every file; on disk by default with SQLite.
    public var fileStore: FileStore

    public enum FileStore: String, Sendable {
        case files
        case database
    }

    /// A session ends after this long without a request (`GUICHET_SESSION_IDLE_MINUTES`, 5–1440).
    public var sessionIdleSeconds: Int = 2 * 3600
    /// A session ends this long after its login whatever the activity (`GUICHET_SESSION_MAX_HOURS`, 1–72).
    public var sessionMaxSeconds: Int = 12 * 3600

    public init(
        database: DatabaseChoice, loadDemoWhenEmpty: Bool = true, dataDirectory: String = "data",
        publicURL: String = "http://127.0.0.1:8080", bcryptCost: Int = 12, secureCookies: Bool = false,
        mailFrom: String = "Guichet <ne-pas-repondre@guichet.invalid>", smtpURL: String? = nil
    ) {
        self.database = database
        self.loadDemoWhenEmpty = loadDemoWhenEmpty
        self.dataDirectory = dataDirectory
        self.publicURL = publicURL
        self.bcryptCost = bcryptCost
        self.secureCookies = secureCookies
        self.mailFrom = mailFrom
        self.smtpURL = smtpURL
        if case .postgres = database { fileStore = .database } else { fileStore = .files }
    }

    /// Reads the environment:
    /// - `DATABASE_URL`: use PostgreSQL at this URL;
    /// - `GUICHET_DATABASE_PATH`: the SQLite file otherwise (default `guichet.sqlite`);
    /// - `GUICHET_LOAD_DEMO`: `0` not to load the demo call into an empty database;
    /// - `GUICHET_DATA_DIR` (default `data`), `GUICHET_PUBLIC_URL` (default `http://127.0.0.1:8080`),
    ///   `GUICHET_BCRYPT_COST` (default 12, 10…16), `GUICHET_SECURE_COOKIES` (`1` behind HTTPS),
    ///   `GUICHET_MAIL_FROM`, `GUICHET_SMTP_URL` (files in `<data>/mail/` when unset),
    ///   `GUICHET_FILE_STORE` (`files` or `database`; ``fileStore``).
    /// - Throws: ``ConfigurationError`` naming the first variable whose value is out of range or
    ///   unreadable: the server does not start on a value it would have to guess.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> AppConfiguration {
        func value(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        func integer(_ key: String, in range: ClosedRange<Int>, unit: String) throws -> Int? {
            guard let text = value(key) else { return nil }
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
                throw ConfigurationError(
                    variable: key, value: text,
                    expected: "un nombre entier de \(range.lowerBound) à \(range.upperBound) (\(unit))")
            }
            return number
        }
        func flag(_ key: String) throws -> Bool? {
            guard let text = value(key) else { return nil }
            guard text == "0" || text == "1" else {
                throw ConfigurationError(variable: key, value: text, expected: "0 ou 1")
            }
            return text == "1"
        }
        let database: DatabaseChoice
        if let url = value("DATABASE_URL") {
            guard let components = URLComponents(string: url),
                ["postgres", "postgresql"].contains(components.scheme ?? "")
            else {
                throw ConfigurationError(
                    variable: "DATABASE_URL", value: url,
                    expected: "une adresse postgres://utilisateur:mot-de-passe@hôte:port/base")
            }
            database = .postgres(url: url, searchPath: nil)
        } else {
            database = .sqliteFile(value("GUICHET_DATABASE_PATH") ?? "guichet.sqlite")
        }
        let publicURL = value("GUICHET_PUBLIC_URL") ?? "http://127.0.0.1:8080"
        guard let components = URLComponents(string: publicURL), ["http", "https"].contains(components.scheme ?? ""),
            components.host?.isEmpty == false
        else {
            throw ConfigurationError(
                variable: "GUICHET_PUBLIC_URL", value: publicURL, expected: "une adresse http:// ou https:// complète")
        }
        var configuration = AppConfiguration(
            database: database, loadDemoWhenEmpty: try flag("GUICHET_LOAD_DEMO") ?? true,
            dataDirectory: value("GUICHET_DATA_DIR") ?? "data",
            publicURL: publicURL,
            bcryptCost: try integer("GUICHET_BCRYPT_COST", in: 10...16, unit: "coût bcrypt") ?? 12,
            secureCookies: try flag("GUICHET_SECURE_COOKIES") ?? false,
            mailFrom: value("GUICHET_MAIL_FROM") ?? "Guichet <ne-pas-repondre@guichet.invalid>",
            smtpURL: value("GUICHET_SMTP_URL"))
        configuration.publicURLIsDefault = value("GUICHET_PUBLIC_URL") == nil
        if let scanner = value("GUICHET_VIRUS_SCANNER") { configuration.virusScanner = scanner }
        if let text = value("GUICHET_FILE_STORE") {
            guard let store = FileStore(rawValue: text) else {
                throw ConfigurationError(variable: "GUICHET_FILE_STORE", value: text, expected: "files ou database")
            }
            configuration.fileStore = store
        }
        configuration.chromiumPath = value("GUICHET_CHROMIUM_PATH")
        do {
            configuration.retention = try RetentionPolicy.from(environment)
        } catch {
            throw ConfigurationError(
                variable: error.variable, value: error.value,
                expected: "un nombre entier de jours de 0 (sans limite) à 36 500")
        }
        if let token = value("GUICHET_METRICS_TOKEN") {
            guard token.count >= 32 else {
                throw ConfigurationError(
                    variable: "GUICHET_METRICS_TOKEN", value: "(masqué)", expected: "au moins 32 caractères aléatoires")
            }
            configuration.metricsToken = token
        }
        if let pool = try integer("GUICHET_DB_POOL", in: 1...32, unit: "connexions") {
            configuration.databasePoolSize = pool
        }
        configuration.postgresPreparedStatements = try flag("GUICHET_POSTGRES_PREPARED") ?? true
        if let name = value("GUICHET_OPERATOR_NAME") {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, trimmed.count <= 120, !trimmed.contains(where: \.isNewline) else {
                throw ConfigurationError(
                    variable: "GUICHET_OPERATOR_NAME", value: name,
                    expected: "un nom d'une ligne, 120 caractères au plus")
            }
            configuration.operatorName = trimmed
        }
        if let theme = value("GUICHET_THEME") {
            guard let chosen = SiteTheme(rawValue: theme) else {
                throw ConfigurationError(variable: "GUICHET_THEME", value: theme, expected: "etat ou neutre")
            }
            configuration.theme = chosen
        }
        configuration.webhooksAllowPrivate = try flag("GUICHET_WEBHOOKS_ALLOW_PRIVATE") ?? false
        if let megabytes = try integer("GUICHET_DOSSIER_QUOTA_MB", in: 1...1000, unit: "Mo") {
            configuration.dossierQuotaBytes = megabytes * 1_000_000
        }
        if let list = value("GUICHET_TRUSTED_PROXIES") {
            var ranges: [NetworkRange] = []
            for entry in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
            where !entry.isEmpty {
                guard let range = NetworkRange(entry) else {
                    throw ConfigurationError(
                        variable: "GUICHET_TRUSTED_PROXIES", value: entry,
                        expected: "des adresses ou réseaux IP séparés par des virgules (10.0.0.1, 10.0.0.0/8, ::1)")
                }
                ranges.append(range)
            }
            configuration.trustedProxies = ranges
        }
        if let minutes = try integer("GUICHET_SESSION_IDLE_MINUTES", in: 5...1440, unit: "minutes") {
            configuration.sessionIdleSeconds = minutes * 60
        }
        if let hours = try integer("GUICHET_SESSION_MAX_HOURS", in: 1...72, unit: "heures") {
            configuration.sessionMaxSeconds = hours * 3600
        }
        if let megabytes = try integer("GUICHET_MAX_UPLOAD_MB", in: 1...100, unit: "Mo") {
            configuration.maxUploadBytes = megabytes * 1_000_000
        }
        configuration.newStaffPassword = value("GUICHET_NEW_PASSWORD")
        configuration.cbcPath = value("GUICHET_CBC_PATH")
        return configuration
    }
}

/// A configuration variable whose value Guichet cannot use: the start stops with this message.
public struct ConfigurationError: Error, CustomStringConvertible, LocalizedError {
    public let variable: String
    public let value: String
    public let expected: String

    public var description: String { "\(variable)=\(value) : valeur refusée, attendu \(expected)." }
    public var errorDescription: String? { description }
}

/// The pages' look: the State's (DSFR with its *bloc-marque* and Marianne font, reserved to State
/// services) or a neutral one (the same components, the operator's name alone, the system's fonts).
public enum SiteTheme: String, Sendable {
    case state = "etat"
    case neutral = "neutre"
}
