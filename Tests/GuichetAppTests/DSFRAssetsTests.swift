import Foundation
import Testing

@testable import GuichetApp

/// The State's design system is vendored whole (scripts/vendor-dsfr.sh): every file its style
/// sheet asks for is in the server's bundle, nothing points outside Guichet's origin, and the
/// version and licence are recorded beside it.
@Suite struct DSFRAssetsTests {
    static let folder = AppResources.publicDirectory + "static/dsfr/"

    @Test func everyFileTheStyleSheetAsksForIsServedByGuichet() throws {
        let css = try String(contentsOfFile: Self.folder + "dsfr.min.css", encoding: .utf8)
        let references = css.matches(of: /url\(([^)]+)\)/).map {
            String($0.1).trimmingCharacters(in: .init(charactersIn: "'\""))
        }
        #expect(references.count > 50)
        for reference in references where !reference.hasPrefix("data:") && !reference.hasPrefix("#") {
            #expect(!reference.contains("://") && !reference.hasPrefix("/"), "\(reference) leaves Guichet's origin")
            #expect(FileManager.default.fileExists(atPath: Self.folder + reference), "\(reference) is missing")
        }
    }

    @Test func theVersionAndLicenceAreRecorded() throws {
        let css = try String(contentsOfFile: Self.folder + "dsfr.min.css", encoding: .utf8)
        let banner = try #require(css.firstMatch(of: /DSFR v([0-9.]+)/)?.1)
        let version = try String(contentsOfFile: Self.folder + "VERSION.txt", encoding: .utf8)
        #expect(version.hasPrefix("DSFR \(banner)\n"))
        #expect(version.contains("sha256 "))
        let licence = try String(contentsOfFile: Self.folder + "LICENSE.txt", encoding: .utf8)
        #expect(licence.contains("MIT"))
        #expect(licence.contains("Marianne"))
    }

    @Test func theDesignSystemIsServedFromMemoryWithItsTypes() async throws {
        try await withGuichet(demo: false) { app in
            let server = try await LiveServer.start(app)
            let files = [
                ("/static/dsfr/dsfr.min.css", "text/css; charset=utf-8"),
                ("/static/dsfr/fonts/Marianne-Regular.woff2", "font/woff2"),
                ("/static/dsfr/icons/system/check-line.svg", "image/svg+xml"),
                ("/static/dsfr/dsfr.module.min.js", "text/javascript; charset=utf-8"),
                ("/static/dsfr/favicon/manifest.webmanifest", "application/manifest+json"),
            ]
            for (path, type) in files {
                let answer: String
                do {
                    answer = try await server.exchange(
                        "HEAD \(path) HTTP/1.1\r\nHost: guichet\r\nConnection: close\r\n\r\n")
                } catch {
                    await server.stop()
                    throw error
                }
                #expect(LiveServer.statuses(answer) == [200], "\(path)")
                #expect(answer.lowercased().contains("content-type: \(type)"), "\(path)")
                #expect(answer.lowercased().contains("etag: "), "\(path)")
            }
            await server.stop()
        }
    }
}
