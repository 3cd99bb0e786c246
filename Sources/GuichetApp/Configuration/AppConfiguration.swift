import Foundation
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

    public init(database: DatabaseChoice, loadDemoWhenEmpty: Bool = true) {
        self.database = database
        self.loadDemoWhenEmpty = loadDemoWhenEmpty
    }

    /// Reads the environment:
    /// - `DATABASE_URL`: use PostgreSQL at this URL;
    /// - `GUICHET_DATABASE_PATH`: the SQLite file otherwise (default `guichet.sqlite`);
    /// - `GUICHET_LOAD_DEMO`: `0` not to load the demo call into an empty database.
    public static func fromEnvironment() -> AppConfiguration {
        let database: DatabaseChoice
        if let url = Environment.get("DATABASE_URL"), !url.isEmpty {
            database = .postgres(url: url, searchPath: nil)
        } else {
            database = .sqliteFile(Environment.get("GUICHET_DATABASE_PATH").flatMap { $0.isEmpty ? nil : $0 } ?? "guichet.sqlite")
        }
        return AppConfiguration(database: database, loadDemoWhenEmpty: Environment.get("GUICHET_LOAD_DEMO") != "0")
    }
}
