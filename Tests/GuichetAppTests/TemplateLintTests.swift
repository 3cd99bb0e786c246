import Foundation
import Leaf
import LeafKit
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
                "message",
                MessagePage(
                    chrome: .anonymous(app.guichetConfiguration), title: "Essai", paragraphs: ["Un paragraphe."],
                    links: [])
            ).get()
            #expect(app.leaf.cache.isEnabled)
            #expect(app.leaf.cache.count > before)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// `#options(list)` writes each option escaped, the selected one marked, nothing else.
    @Test func theOptionsTagEscapesAndMarksTheSelection() async throws {
        struct Source: LeafSource {
            func file(template: String, escape: Bool, on eventLoop: any EventLoop) throws -> EventLoopFuture<ByteBuffer>
            {
                eventLoop.makeSucceededFuture(ByteBuffer(string: "<select>#options(choices)</select>"))
            }
        }
        var tags = defaultTags
        tags["options"] = OptionsTag()
        let renderer = LeafRenderer(
            configuration: LeafConfiguration(rootDirectory: "/"), tags: tags, sources: .singleSource(Source()),
            eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let choices: LeafData = .array([
            .dictionary(["value": "a", "label": "Aisne (02)", "selected": false]),
            .dictionary(["value": "\"><script>", "label": "<b>Nord</b> & co", "selected": true]),
        ])
        var html = try await renderer.render(path: "x", context: ["choices": choices]).get()
        #expect(
            html.readString(length: html.readableBytes)
                == "<select><option value=\"a\">Aisne (02)</option>"
                + "<option value=\"&quot;&gt;&lt;script&gt;\" selected>&lt;b&gt;Nord&lt;/b&gt; &amp; co</option></select>"
        )
    }

    /// Markup inserted unescaped comes only from Swift that writes it escaped: the rows of the
    /// staff tables (``HTMLWriter``, properties ending in `HTML`) and the press kit's charts
    /// (`svg`, drawn by the domain). No template inserts any other value raw.
    @Test func onlyRowsWrittenInSwiftAreInsertedUnescaped() throws {
        let root = AppResources.viewsDirectory
        let files =
            FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".leaf") }
            ?? []
        let raw = try Regex(#"#unsafeHTML\(([^)]*)\)"#)
        var uses = 0
        for file in files {
            let text = try String(contentsOfFile: root + file, encoding: .utf8)
            for match in text.matches(of: raw) {
                uses += 1
                let argument = text[match.range].dropFirst("#unsafeHTML(".count).dropLast()
                #expect(
                    argument.range(of: #"^((chrome\.)?[a-z][A-Za-z]*HTML|picture\.svg)$"#, options: .regularExpression)
                        != nil,
                    "\(file): \(text[match.range]) inserts a value that no HTMLWriter wrote")
            }
        }
        #expect(uses >= 3)
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
