import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// A call authored in the browser runs like the seed's: filing, instruction on its own grid,
/// the committee within its own envelopes, a proposal, the publication and its open data.
@Suite struct CallJourneyTests {
    @Test func aDuplicatedCallRunsFromFilingToItsPublishedOpenData() async throws {
        try await withGuichet { app in
            // setup: Île-de-France's administrator duplicates the seed, opens it today, publishes it.
            let authoring = CallAuthoringTests()
            let admin = try await authoring.admin(app, "region:11")
            try await admin.post(
                SiteURL.adminCall("hdf-2021").path + "/dupliquer",
                [
                    "reference": "idf-2027", "title": "Soutien aux associations — Île-de-France",
                    "scope_level": "region", "scope_code": "11",
                ])
            var copy = try await authoring.definition(app, "idf-2027")
            var calendar = CallAuthoringTests.fields(copy, .calendar)
            calendar["opens_on"] = ParisTime.isoDay(Date().addingTimeInterval(-86_400))
            calendar["deadline"] = ParisTime.isoDay(Date().addingTimeInterval(90 * 86_400))
            calendar["waves.0.announced_on"] = ParisTime.isoDay(Date().addingTimeInterval(120 * 86_400))
            calendar["waves.1.announced_on"] = ParisTime.isoDay(Date().addingTimeInterval(150 * 86_400))
            #expect(
                try await admin.post(SiteURL.adminCall("idf-2027").path + "/calendrier", calendar).status == .seeOther)
            copy = try await authoring.definition(app, "idf-2027")
            var themes = CallAuthoringTests.fields(copy, .themes)
            themes["themes.0.label"] = "L'aide alimentaire francilienne"
            #expect(
                try await admin.post(SiteURL.adminCall("idf-2027").path + "/thematiques", themes).status == .seeOther)
            copy = try await authoring.definition(app, "idf-2027")
            var envelopes = CallAuthoringTests.fields(copy, .envelopes)
            let regional = try #require(copy.envelopes.firstIndex { $0.draws == "11" })
            envelopes["envelopes.\(regional).label"] = "Île-de-France"
            envelopes["envelopes.\(regional).owner.name"] = "Préfecture de la région Île-de-France"
            #expect(
                try await admin.post(SiteURL.adminCall("idf-2027").path + "/enveloppes", envelopes).status == .seeOther)
            #expect(try await admin.post(SiteURL.adminCall("idf-2027").path + "/publier", [:]).status == .seeOther)

            // An association of Paris files.
            let applicant = try await Applicant.make(app)
            let id = try await applicant.startDossier(on: "idf-2027")
            let answers = completeAnswers.map { $0.0 == "territory" ? ($0.0, "departement:75") : $0 }
            try await applicant.browser.postMultipart(SiteURL.editDossier(id).path, answers, files: completeFiles)
            try await applicant.browser.get(SiteURL.dossierSummary(id).path)
            #expect(try await applicant.browser.post(SiteURL.fileDossier(id).path, [:]).status == .seeOther)

            // The DDETS of Paris instructs it on the call's grid.
            let paris = try await Factory.staff(app, "ddets75@exemple.fr", scopes: ["departement:75"])
            let base = SiteURL.staffDossier(id).path
            try await paris.get(base)
            try await paris.post(base + "/recevabilite", ["decision": "recevable"])
            try await paris.post(base + "/instruction", ["confirmer": "oui"])
            let scored = try await paris.post(
                base + "/notes",
                [
                    "note_pertinence": "4", "note_impact": "4", "note_faisabilite": "3",
                    "note_partenariats": "3", "note_efficience": "4",
                ])
            #expect(scored.headers.first(name: "X-Guichet-Error") == nil)
            try await paris.post(base + "/avis", ["kind": "favourable", "amount": "45 000", "motive": "Solide"])
            try await paris.post(base + "/instruction", ["confirmer": "oui"])
            #expect(try await DossierModel.find(id, on: app.db)?.status == "reviewed")

            // The committee of Île-de-France: a session on wave 1, a proposal, the decision applied.
            let chair = try await Factory.staff(
                app, "presidence-idf@exemple.fr", role: .committeeChair, scopes: ["region:11"])
            _ = try await Factory.staff(
                app, "membre-idf@exemple.fr", role: .committeeMember, scopes: ["region:11"])
            let chairID = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "presidence-idf@exemple.fr").first()?
                    .requireID())
            let memberID = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "membre-idf@exemple.fr").first()?.requireID())
            try await chair.get(SiteURL.newCommitteeSession.path + "?appel=idf-2027")
            let created = try await chair.postMultipart(
                SiteURL.committeeSessions.path,
                [
                    ("call", "idf-2027"), ("wave", "1"), ("title", "Comité régional d'Île-de-France"),
                    ("held_on", ParisTime.isoDay(Date())),
                    ("scope", "region:11"), ("chair", chairID.uuidString), ("members", memberID.uuidString),
                    ("quorum", "2"),
                ])
            let location = try #require(created.headers.first(name: .location))
            let session = try #require(UUID(uuidString: String(location.split(separator: "/").last ?? "")))
            try await chair.get(location)
            try await chair.post(
                pairs: location + "/presences", [("present", chairID.uuidString), ("present", memberID.uuidString)])
            let board = try await chair.get(location)
            #expect(board.visibleText.contains("Épicerie solidaire mobile à Laon"))
            #expect(board.visibleText.contains("Île-de-France"))
            let proposal = try await chair.get(location + "/proposition?calculer=1")
            #expect(proposal.status == .ok)
            #expect(proposal.visibleText.contains("optimum prouvé"))
            #expect(
                try await chair.post(location + "/proposition", ["budget": "", "whatif": ""]).headers.first(
                    name: "X-Guichet-Error") == nil)
            #expect(
                try await StagedDecisionModel.query(on: app.db).filter(\.$session.$id == session).first()?.grantedCents
                    == 45_000_00)
            #expect(
                try await chair.post(location + "/appliquer", ["confirmer": "oui"]).headers.first(
                    name: "X-Guichet-Error") == nil)
            #expect(try await DossierModel.find(id, on: app.db)?.status == "retained")

            // Publication of wave 1, with its open data granted by the region's prefecture.
            try await admin.get(SiteURL.publicationAdmin("idf-2027").path)
            let published = try await admin.post(SiteURL.publish("idf-2027").path, ["wave": "1", "confirm": "oui"])
            #expect(published.headers.first(name: "X-Guichet-Error") == nil)
            let results = try await Browser(app).get(SiteURL.callResults("idf-2027").path)
            #expect(results.visibleText.contains("1 projet retenu pour 45 000 €"))
            #expect(results.visibleText.contains("L'aide alimentaire francilienne"))
            let scdl = try await Browser(app).get(SiteURL.openData("idf-2027", "subventions.csv").path)
            #expect(scdl.status == .ok)
            #expect(scdl.body.string.contains("Préfecture de la région Île-de-France"))
            #expect(scdl.body.string.contains("45000"))
            // The seed's results are untouched.
            #expect(
                try await Browser(app).get(SiteURL.callResults("hdf-2021").path).visibleText.contains(
                    "37 projets retenus pour 4,4 M€"))
        }
    }
}
