import Foundation
@testable import GuichetApp
import Testing
import VaporTesting

@Suite struct ZZScratchOrgDump {
    @Test func dump() async throws {
        try await withGuichet(demo: false) { app in
            let t = OrganisationTests()
            let b = try await t.loggedIn(app)
            let bad = try await b.post(SiteURL.organisations.path, ["name": "L'Écho <b>", "legal_form": "fondation", "siret": "73282932000075", "rna": "", "address": "1 rue", "postcode": "2000", "city": "Laon", "departement": "02"])
            try bad.body.string.write(toFile: "/tmp/org-new.html", atomically: true, encoding: .utf8)
            let loc = try await t.register(b)
            try await b.post(loc + "/invitations", ["email": "x@y.fr"])
            let show = try await b.get(loc)
            try show.body.string.write(toFile: "/tmp/org-show.html", atomically: true, encoding: .utf8)
            let badInv = try await b.post(loc + "/invitations", ["email": "x"])
            try badInv.body.string.write(toFile: "/tmp/org-show-bad.html", atomically: true, encoding: .utf8)
            try (try await b.get(SiteURL.organisations.path)).body.string.write(toFile: "/tmp/org-index.html", atomically: true, encoding: .utf8)
            try (try await outbox(app, to: "x@y.fr").last?.bodyText ?? "").write(toFile: "/tmp/org-mail.txt", atomically: true, encoding: .utf8)
        }
    }
}
