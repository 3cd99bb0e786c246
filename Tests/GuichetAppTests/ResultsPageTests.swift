import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

@Suite struct ResultsPageTests {
    @Test func theSeedsResultsPageShowsItsFiguresAndGroups() async throws {
        try await withGuichet { app in
            try await app.testing().test(.GET, SiteURL.callResults("hdf-2021").path) { res in
                #expect(res.status == .ok)
                #expect(res.headers.contentType?.subType == "html")
                let text = res.visibleText
                #expect(text.contains("287 projets déposés"))
                #expect(text.contains("37 projets retenus pour 4,4 M€"))
                for count in ["19 projets retenus", "13 projets retenus", "5 projets retenus"] {
                    #expect(text.contains(count), "missing \(count)")
                }
                // The food theme lists its groups in the press kit's order.
                let headings = [
                    "Au niveau régional :", "Dans l'Aisne :", "Dans le Pas-de-Calais :", "Dans la Somme :",
                    "Dans le Nord :",
                ]
                let positions = headings.compactMap { text.range(of: $0)?.lowerBound }
                #expect(positions.count == headings.count)
                #expect(positions == positions.sorted())
                #expect(text.contains("Dans l'Oise :"))
                #expect(text.contains("Plateforme de stockage de l'ANDES"))
                #expect(text.contains("Porteur : Emmaüs Dunkerque"))
                // The envelope: initial, revised, committed, remaining.
                #expect(text.contains("3 300 000 € 6 600 000 € 4 400 000 € 2 200 000 €"))
                #expect(text.contains("Doublement des moyens financiers initialement envisagés"))
                // Simulated data says so.
                #expect(text.contains("Démonstration."))
                #expect(text.contains("simulé"))
            }
        }
    }

    @Test func resultsPageAnswersByReferenceAndById() async throws {
        try await withGuichet { app in
            let call = try #require(try await CallModel.query(on: app.db).filter(\.$reference == "hdf-2021").first())
            for key in [call.reference, try call.requireID().uuidString] {
                try await app.testing().test(.GET, SiteURL.callResults(key).path) { res in
                    #expect(res.status == .ok)
                    #expect(res.visibleText.contains("287 projets déposés"))
                }
            }
        }
    }

    @Test func unknownCallAnswersAFrench404Page() async throws {
        try await withGuichet { app in
            for path in ["/appels/inconnu/resultats", "/appels/\(UUID().uuidString)/resultats", "/nulle-part"] {
                try await app.testing().test(.GET, path) { res in
                    #expect(res.status == .notFound)
                    #expect(res.headers.contentType?.subType == "html")
                    #expect(res.visibleText.contains("Page introuvable"))
                }
            }
        }
    }

    @Test func thePageAndTheJSONShowTheVersionAsPublishedEvenIfTheDatabaseChangesUnderIt() async throws {
        try await withGuichet { app in
            // setup: turn one wave-1 laureate into a rejection, directly in the database (the
            // domain never lets a published wave change).
            let decision = try #require(
                try await DecisionModel.query(on: app.db).filter(\.$outcome == "retained").first())
            let granted = decision.grantedCents
            let dossier = try await decision.$dossier.get(on: app.db)
            dossier.status = DossierStatus.rejected.rawValue
            try await dossier.save(on: app.db)
            decision.outcome = "rejected"
            decision.grantedCents = 0
            decision.motive = "Test"
            try await decision.save(on: app.db)

            // validate: readers get version 1 as it was published.
            try await app.testing().test(.GET, SiteURL.callResults("hdf-2021").path) { res in
                #expect(res.visibleText.contains("37 projets retenus"))
                #expect(res.headers.first(name: .eTag) != nil)
            }
            try await app.testing().test(.GET, SiteURL.apiCallResults("hdf-2021").path) { res in
                let body = try json(ResultsDTO.self, res)
                #expect(body.retained == 37)
                #expect(body.envelopes.first { $0.drawCode == "32" }?.committedCents == 440_000_000)
            }

            // act: a version published before versions kept their page and API answers.
            try await PublicationFileModel.query(on: app.db)
                .filter(
                    \.$name ~~ [
                        PublicationService.FileName.resultsPage, PublicationService.FileName.apiResults,
                        PublicationService.FileName.apiEnvelopes,
                    ]
                ).delete()

            // validate: then the figures are computed from the published waves.
            try await app.testing().test(.GET, SiteURL.callResults("hdf-2021").path) { res in
                #expect(res.visibleText.contains("36 projets retenus"))
                #expect(!res.visibleText.contains("37 projets retenus"))
            }
            try await app.testing().test(.GET, SiteURL.apiCallResults("hdf-2021").path) { res in
                let body = try json(ResultsDTO.self, res)
                #expect(body.retained == 36)
                #expect(body.retainedAmountCents == 440_000_000 - granted)
                #expect(body.envelopes.first { $0.drawCode == "32" }?.committedCents == 440_000_000 - granted)
            }
        }
    }

    @Test func emptyDatabaseHomeSaysThereIsNoCall() async throws {
        try await withGuichet(demo: false) { app in
            try await app.testing().test(.GET, "/") { res in
                #expect(res.status == .ok)
                #expect(res.visibleText.contains("Aucun appel à projets n'est ouvert en ce moment."))
                #expect(res.visibleText.contains("Aucun appel à projets clos."))
            }
        }
    }

    @Test func stylesheetIsServedWithSecurityHeaders() async throws {
        try await withGuichet(demo: false) { app in
            try await app.testing().test(.GET, SiteURL.stylesheet.path) { res in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("--accent"))
                #expect(res.headers.first(name: "Content-Security-Policy")?.contains("default-src 'self'") == true)
                #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff")
            }
        }
    }

    @Test func pageLoadsNoExternalAsset() async throws {
        try await withGuichet { app in
            try await app.testing().test(.GET, SiteURL.callResults("hdf-2021").path) { res in
                // The SVG namespace is a name, never fetched; any other address would be an asset.
                let html = res.body.string.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
                #expect(res.body.string.contains("<svg"))
                #expect(!html.contains("http://") && !html.contains("https://"))
                #expect(!html.contains("<script"))
                #expect(html.contains("<html lang=\"fr\""))
            }
        }
    }
}
