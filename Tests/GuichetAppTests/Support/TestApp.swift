import Fluent
import Foundation
import SQLKit
import Vapor
import VaporTesting

@testable import GuichetApp

/// Runs `test` against a fresh, migrated application.
///
/// Each test gets its own database: a private in-memory SQLite by default, or, when
/// `DATABASE_URL` is set, a PostgreSQL schema of its own (dropped afterwards), so that the suite
/// runs in parallel on both. After the test, every migration is reverted, which proves the
/// reverts work.
func withGuichet(
    demo: Bool = true, adjust: (inout AppConfiguration) -> Void = { _ in },
    _ test: (Application) async throws -> Void
) async throws {
    guard let url = Environment.get("DATABASE_URL"), !url.isEmpty else {
        return try await runGuichet(demo: demo, adjust: adjust, test)
    }
    // Hundreds of tests start at once: on PostgreSQL, at most `TestSlots.postgres` of them hold
    // connections at a time, so that the suite stays within the server's connection slots.
    await TestSlots.postgres.acquire()
    do {
        try await runGuichet(demo: demo, adjust: adjust, test)
    } catch {
        await TestSlots.postgres.release()
        throw error
    }
    await TestSlots.postgres.release()
}

/// A counting semaphore for tests.
actor TestSlots {
    static let postgres = TestSlots(48)

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) { free = count }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

private func runGuichet(
    demo: Bool, adjust: (inout AppConfiguration) -> Void, _ test: (Application) async throws -> Void
) async throws {
    let app = try await Application.make(.testing)
    var schema: String? = nil
    var config: AppConfiguration
    // bcrypt's lowest cost keeps the suite fast; a per-test data folder keeps files apart.
    let dataDirectory = NSTemporaryDirectory() + "guichet-test-" + UUID().uuidString
    if let url = Environment.get("DATABASE_URL"), !url.isEmpty {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        schema = name
        config = AppConfiguration(
            database: .postgres(url: url, searchPath: name), loadDemoWhenEmpty: demo,
            dataDirectory: dataDirectory, bcryptCost: 4)
        // Hundreds of tests run at once, each with its own pool: one connection per event loop
        // keep the suite within the server's connection slots.
        config.databasePoolSize = 1
    } else {
        config = AppConfiguration(
            database: .sqliteMemory, loadDemoWhenEmpty: demo, dataDirectory: dataDirectory, bcryptCost: 4)
    }
    defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
    adjust(&config)
    do {
        try await configure(app, config)
        Demo.install(on: app)
        // No DNS in tests: webhook hosts resolve to a public documentation-free address.
        app.webhookResolver = { _ in ["93.184.216.34"] }
        if let schema { try await (app.db as! any SQLDatabase).raw("CREATE SCHEMA \(ident: schema)").run() }
        try await DataBootstrap.prepare(app)
        try await test(app)
        try await app.autoRevert()
    } catch {
        if let schema { try? await (app.db as! any SQLDatabase).raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
        try? await app.asyncShutdown()
        throw error
    }
    if let schema { try await (app.db as! any SQLDatabase).raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
    try await app.asyncShutdown()
}

extension TestingHTTPResponse {
    /// The page's text as a reader sees it: tags removed, entities decoded, spaces collapsed.
    var visibleText: String { HTMLText.visible(body.string) }
}

enum HTMLText {
    static func visible(_ html: String) -> String {
        var text = html.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
        for (entity, char) in [
            ("&#39;", "'"), ("&quot;", "\""), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"), ("&#x27;", "'"),
        ] {
            text = text.replacingOccurrences(of: entity, with: char)
        }
        return text.replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
    }
}

/// Decodes a response body as JSON.
func json<T: Decodable>(_ type: T.Type, _ response: TestingHTTPResponse) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(buffer: response.body))
}
