import Foundation
import Leaf
import Testing
import Vapor

@testable import GuichetApp

/// Leaf reads `#if(x)` without a colon as a tag without a body, and the page fails at render
/// time only: every block tag must open with `:`.
@Suite struct TemplateLintTests {
    /// `guichet serve` runs in Vapor's development environment unless told otherwise, where Leaf's
    /// own provider reads and parses every template again on each page: Guichet's keeps them.
    @Test func templatesAreParsedOnceEvenInTheDevelopmentEnvironment() async throws {
        let app = try await Application.make(.development)
        do {
            let dataDirectory = NSTemporaryDirectory() + "guichet-test-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
            try await configure(
                app,
                AppConfiguration(
                    database: .sqliteMemory, loadDemoWhenEmpty: false, dataDirectory: dataDirectory, bcryptCost: 4))
            let before = app.leaf.cache.count
            _ = try await app.view.render(
                "message", MessagePage(chrome: .anonymous, title: "Essai", paragraphs: ["Un paragraphe."], links: [])
            ).get()
            #expect(app.leaf.cache.isEnabled)
            #expect(app.leaf.cache.count > before)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test func everyBlockTagOpensItsBody() throws {
        let root = AppResources.viewsDirectory
        let files =
            FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".leaf") }
            ?? []
        #expect(files.count >= 10)
        let tag = try Regex(#"#(if|elseif|for|export|extend)\((?:[^()]|\([^()]*\))*\)"#)
        for file in files {
            let text = try String(contentsOfFile: root + file, encoding: .utf8)
            for match in text.matches(of: tag) {
                let name = text[match.range].prefix { $0 != "(" }
                let next = text[match.range.upperBound...].first
                // `#extend("x")` alone includes a template, and `#export("t", value)` has no body.
                if name == "#extend" || name == "#export", next != ":" { continue }
                #expect(next == ":", "\(file): \(text[match.range]) must be followed by ':'")
            }
        }
    }

    /// A path is written once, in ``SiteURL``: templates receive their links from the view models
    /// (`chrome.site` for the fixed ones) and never write one.
    @Test func noTemplateWritesAPath() throws {
        let root = AppResources.viewsDirectory
        let files =
            FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".leaf") }
            ?? []
        let literal = try Regex(#"(href|action|src)="/"#)
        for file in files {
            let text = try String(contentsOfFile: root + file, encoding: .utf8)
            #expect(!text.contains(literal), "\(file) writes a path: take it from the view model")
        }
    }
}
