import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// Publishing waves, the press kit and the open data, through HTTP.
@Suite struct PublicationHTTPTests {
    let reference = "hdf-2021"

    /// An administrator of Hauts-de-France, with the June session's chair present.
    func administrator(_ app: Application) async throws -> Browser {
        try await Factory.staff(app, "admin@exemple.fr", role: .administrator, scopes: ["region:32"])
    }

    @Test func theDemosPressKitCarriesTheSeedsFiguresAndThirtySevenLaureatesInItsGrouping() async throws {
        try await withGuichet { app in
            // act
            let kit = try await Browser(app).get(SiteURL.pressKit(reference).path)
            // validate
            #expect(kit.status == .ok)
            #expect(kit.headers.contentType?.description.hasPrefix("text/html") == true)
            let policy = try #require(kit.headers.first(name: "Content-Security-Policy"))
            #expect(policy.contains("style-src 'self' 'sha256-") && policy.contains("script-src 'none'"))
            let text = kit.visibleText
            #expect(text.contains("Dossier de presse"))
            #expect(text.contains("Les résultats de l'appel à projets en Hauts-de-France"))
            #expect(text.contains("287 projets déposés en Hauts-de-France"))
            #expect(text.contains("37 projets retenus pour 4,4 M€"))
            #expect(text.contains("Contexte et enjeux"))
            for count in ["19 projets retenus", "13 projets retenus", "5 projets retenus"] {
                #expect(text.contains(count))
            }
            for heading in [
                "Au niveau régional :", "Dans l'Aisne :", "Dans le Nord :", "Dans l'Oise :", "Dans le Pas-de-Calais :",
                "Dans la Somme :",
            ] {
                #expect(text.contains(heading))
            }
            let laureates = try CSV.rows(AppResources.laureatesCSV())
            let titleColumn = try #require(
                laureates.first?.firstIndex(where: {
                    $0.lowercased().contains("titre") || $0.lowercased().contains("projet")
                }))
            let titles = laureates.dropFirst().map { $0[titleColumn] }
            #expect(titles.count == 37)
            for title in titles { #expect(kit.body.string.contains(title.htmlEscaped), "\(title)") }
            // Pictures with their text alternative and their figures, and the simulated data said.
            #expect(kit.body.string.contains("role=\"img\""))
            #expect(kit.body.string.contains("data-code=\"02\""))
            #expect(text.contains("Les chiffres de ce graphique"))
            #expect(text.contains("Démonstration."))
        }
    }

    @Test func theOpenDataPassTheValidatorAndTheVersionIsReachable() async throws {
        try await withGuichet { app in
            let browser = Browser(app)
            let csv = try await browser.get(SiteURL.openData(reference, "subventions.csv").path)
            #expect(csv.status == .ok)
            let report = SCDLValidator.validateSubventions(csv.body.string)
            #expect(report.isValid, "\(report.issues.prefix(3))")
            #expect(report.recordCount == 37)
            #expect(csv.body.string.contains("Préfecture de la région Hauts-de-France (DREETS)"))
            #expect(csv.body.string.contains(",2021-04-09,"), "the committee decided on 9 April")
            let json = try await browser.get(SiteURL.openData(reference, "resultats.json").path)
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let results = try decoder.decode(PublishedResults.self, from: Data(json.body.readableBytesView))
            #expect(results.retained == 37)
            #expect(results.amountCents == 440_000_000)
            #expect(results.version == 1)
            let versions = try await browser.get(SiteURL.resultsVersions(reference).path)
            #expect(versions.visibleText.contains("Version 1 — vague 1, publiée le 16 avril 2021"))
            #expect(
                try await browser.get(SiteURL.resultsVersion(reference, 1).path).visibleText.contains(
                    "C'est la version en vigueur."))
            // Unknown versions and files answer 404 with their code.
            for path in [
                SiteURL.resultsVersion(reference, 9).path, "/appels/\(reference)/resultats/versions/abc",
                SiteURL.resultsVersionFile(reference, 1, "autre.csv").path, SiteURL.openData(reference, "passwd").path,
                SiteURL.pressKit("inconnu").path,
            ] {
                let answer = try await browser.get(path)
                #expect(answer.status == .notFound, "\(path) \(answer.status)")
            }
            // The practice call publishes nothing yet.
            #expect(try await browser.get(SiteURL.pressKit(PracticeCall.reference).path).status == .notFound)
        }
    }

    @Test func thePDFIsPrintedWhenChromiumIsInstalledAndSaysSoOtherwise() async throws {
        try await withGuichet { app in
            let pdf = try await Browser(app).get(SiteURL.pressKitPDF(reference).path)
            if PressKitPDF.locate(configured: app.guichetConfiguration.chromiumPath) != nil {
                #expect(pdf.status == .ok)
                #expect(pdf.body.string.hasPrefix("%PDF"))
            } else {
                #expect(pdf.status == .notFound)
                #expect(pdf.body.string.contains("imprimez-le depuis votre navigateur"))
            }
        }
    }

    @Test func publishingTheSecondWaveFreezesItWritesVersionTwoAndKeepsVersionOne() async throws {
        try await withGuichet { app in
            // setup
            let admin = try await administrator(app)
            let page = SiteURL.publicationAdmin(reference).path
            let before = try await admin.get(page)
            #expect(before.status == .ok)
            #expect(before.visibleText.contains("aucune décision n'a été appliquée dans la vague 2"))
            let retained = try await Factory.decideJune(app, count: 3)
            #expect(try await admin.get(page).visibleText.contains("Le fichier des subventions respecte le schéma."))
            // Without the confirmation nothing is published.
            let unconfirmed = try await admin.post(SiteURL.publish(reference).path, ["wave": "2"])
            #expect(unconfirmed.headers.first(name: "X-Guichet-Error") == "invalid_form")
            #expect(try await PublicationModel.query(on: app.db).count() == 1)
            // act
            let published = try await admin.post(SiteURL.publish(reference).path, ["wave": "2", "confirm": "oui"])
            // validate
            #expect(published.headers.first(name: "X-Guichet-Error") == nil)
            #expect(try await PublicationModel.query(on: app.db).count() == 2)
            #expect(try await WaveModel.query(on: app.db).filter(\.$number == 2).first()?.publishedAt != nil)
            let version2 = try await admin.get(SiteURL.resultsVersion(reference, 2).path).visibleText
            #expect(version2.contains("Projets retenus : 37 → 40"))
            #expect(version2.contains("3 lauréats ajoutés"))
            for dossier in retained { #expect(version2.contains(dossier.title)) }
            let version1 = try await admin.get(SiteURL.resultsVersion(reference, 1).path).visibleText
            #expect(version1.contains("Cette version a été remplacée"))
            #expect(version1.contains("37 projets retenus"))
            #expect(try await admin.get(SiteURL.pressKit(reference).path).visibleText.contains("40 projets retenus"))
            let csv = try await admin.get(SiteURL.openData(reference, "subventions.csv").path).body.string
            #expect(SCDLValidator.validateSubventions(csv).recordCount == 40)
            // The payment columns come from the grants' schedules and payments (the demo's acts:
            // an advance in June 2021, the balance in July 2022); a laureate without an act yet is
            // paid at once as its decision stands.
            #expect(csv.contains(",échelonné,2021-06-15/2022-07-08,"))
            #expect(csv.contains(",unique,"))
            // The convention's date is the act's signature day once signed.
            #expect(csv.contains("2021-05-17"))
            let frozen = try await admin.get(SiteURL.resultsVersionFile(reference, 1, "subventions.csv").path).body
                .string
            #expect(!frozen.contains("échelonné"))
            #expect(
                try await admin.get(SiteURL.resultsVersionFile(reference, 1, "subventions.csv").path).body.string.split(
                    separator: "\n"
                ).count == 38)
            // A published wave is frozen: publishing it again is refused and changes nothing.
            let again = try await admin.post(SiteURL.publish(reference).path, ["wave": "2", "confirm": "oui"])
            #expect(again.headers.first(name: "X-Guichet-Error") == "wave_frozen")
            #expect(try await PublicationModel.query(on: app.db).count() == 2)
            #expect(try await AuditEntryModel.query(on: app.db).filter(\.$action == "publish_wave").count() == 2)
        }
    }

    @Test func anInvalidOpenDataFileIsRefusedWithItsFaultyRowsAndNothingIsPublished() async throws {
        try await withGuichet { app in
            // setup: a laureate of the new wave has lost its identifiers.
            let admin = try await administrator(app)
            let retained = try await Factory.decideJune(app, count: 2)
            let organisation = try await retained[0].$organisation.get(on: app.db)
            organisation.siret = nil
            organisation.rna = nil
            try await organisation.save(on: app.db)
            try await admin.get(SiteURL.publicationAdmin(reference).path)
            // act
            let refused = try await admin.post(SiteURL.publish(reference).path, ["wave": "2", "confirm": "oui"])
            // validate
            #expect(
                refused.headers.first(name: "X-Guichet-Error") == "open_data_invalid",
                "\(refused.status) \(refused.body.string.prefix(300))")
            #expect(try await PublicationModel.query(on: app.db).count() == 1)
            #expect(try await WaveModel.query(on: app.db).filter(\.$number == 2).first()?.publishedAt == nil)
            let page = try await admin.get(SiteURL.publicationAdmin(reference).path)
            #expect(page.visibleText.contains("Lignes en défaut du fichier SCDL"))
            #expect(page.visibleText.contains(organisation.name) || page.visibleText.contains("idBeneficiaire"))
            #expect(!page.visibleText.contains("Publier la vague et régénérer"))
        }
    }

    @Test func onlyAnAdministratorOfTheCallsTerritoryPublishes() async throws {
        try await withGuichet { app in
            _ = try await Factory.decideJune(app, count: 1)
            let elsewhere = try await Factory.staff(
                app, "admin-idf@exemple.fr", role: .administrator, scopes: ["region:11"])
            #expect(try await elsewhere.get(SiteURL.publicationAdmin(reference).path).status == .forbidden)
            try await elsewhere.get(SiteURL.publications.path)
            let refused = try await elsewhere.post(SiteURL.publish(reference).path, ["wave": "2", "confirm": "oui"])
            #expect(refused.headers.first(name: "X-Guichet-Error") == "outside_scope")
            let chair = try await Factory.staff(
                app, "autre-president@exemple.fr", role: .committeeChair, scopes: ["region:32"])
            try await chair.get(SiteURL.committee.path)
            #expect(
                try await chair.post(SiteURL.publish(reference).path, ["wave": "2", "confirm": "oui"]).status
                    == .notFound)
            #expect(
                try await Browser(app).post(SiteURL.publish(reference).path, ["wave": "2", "confirm": "oui"]).status
                    == .forbidden, "an anonymous post holds no session, hence no CSRF token")
            #expect(try await PublicationModel.query(on: app.db).count() == 1)
        }
    }
}

private extension String {
    /// The text as Leaf escapes it in HTML.
    var htmlEscaped: String {
        replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
