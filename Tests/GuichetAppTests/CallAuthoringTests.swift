import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// Calls authored in the browser: created, duplicated, edited section by section, previewed,
/// published — by administrators of the call's territory only.
@Suite struct CallAuthoringTests {
    func admin(_ app: Application, _ scope: String, email: String? = nil) async throws -> Browser {
        let browser = try await Factory.staff(
            app, email ?? "admin-\(scope.replacingOccurrences(of: ":", with: "-"))@exemple.fr",
            role: .administrator, scopes: [scope])
        try await browser.get(SiteURL.adminCalls.path)
        return browser
    }

    /// What a browser posts from one section of the editor: every input with its value.
    static func fields(_ definition: CallDefinition, _ section: CallEditorSection) -> [String: String] {
        var fields: [String: String] = [:]
        for group in CallEditorBuilder(definition: definition, typed: [:]).groups(section) {
            for input in group.inputs where input.kind != "checkbox" || input.checked {
                fields[input.name] = input.value
            }
        }
        return fields
    }

    func definition(_ app: Application, _ reference: String) async throws -> CallDefinition {
        try await CallDefinitionStore(database: app.db).definition(
            of: CallRepository(database: app.db).findAny(reference))
    }

    @Test func aRegionalAdministratorDuplicatesTheSeedEditsItPublishesItAndAnAssociationFilesOnIt() async throws {
        try await withGuichet { app in
            // setup: an administrator of Île-de-France
            let admin = try await admin(app, "region:11")
            let list = try await admin.get(SiteURL.adminCalls.path)
            #expect(list.status == .ok)
            #expect(list.visibleText.contains("Plan de soutien aux associations de lutte contre la pauvreté"))
            // act: duplicate the seed into the region, as a draft
            let copied = try await admin.post(
                SiteURL.adminCall("hdf-2021").path + "/dupliquer",
                [
                    "reference": "idf-2027", "title": "Soutien aux associations — Île-de-France 2027",
                    "scope_level": "region", "scope_code": "11",
                ])
            #expect(copied.status == .seeOther)
            #expect(copied.headers.first(name: .location) == SiteURL.adminCall("idf-2027").path)
            var copy = try await definition(app, "idf-2027")
            #expect(copy.scope == .region("11"))
            #expect(copy.envelopes.contains { $0.draws == "11" } && !copy.envelopes.contains { $0.draws == "32" })
            #expect(copy.simulated == false)
            // A draft is nobody else's to see.
            #expect(try await Browser(app).get(SiteURL.call("idf-2027").path).status == .notFound)
            #expect(!(try await Browser(app).get(SiteURL.apiCalls.path).body.string.contains("idf-2027")))
            #expect(try await admin.get(SiteURL.adminCall("idf-2027").path + "/apercu").visibleText.contains("Aperçu"))
            // Calendar: open today, for three months.
            var calendar = Self.fields(copy, .calendar)
            let today = ParisTime.isoDay(Date())
            calendar["opens_on"] = ParisTime.isoDay(Date().addingTimeInterval(-86_400))
            calendar["deadline"] = ParisTime.isoDay(Date().addingTimeInterval(90 * 86_400))
            calendar["waves.0.announced_on"] = ParisTime.isoDay(Date().addingTimeInterval(120 * 86_400))
            calendar["waves.1.announced_on"] = ParisTime.isoDay(Date().addingTimeInterval(150 * 86_400))
            #expect(
                try await admin.post(SiteURL.adminCall("idf-2027").path + "/calendrier", calendar).status == .seeOther)
            // A theme renamed, the regional envelope's amount, a form question.
            var themes = Self.fields(copy, .themes)
            themes["themes.0.label"] = "L'aide alimentaire en Île-de-France"
            #expect(
                try await admin.post(SiteURL.adminCall("idf-2027").path + "/thematiques", themes).status == .seeOther)
            copy = try await definition(app, "idf-2027")
            var envelopes = Self.fields(copy, .envelopes)
            let regional = try #require(copy.envelopes.firstIndex { $0.draws == "11" })
            envelopes["envelopes.\(regional).label"] = "Île-de-France"
            envelopes["envelopes.\(regional).revisions.1.amount_cents"] = "5 000 000"
            #expect(
                try await admin.post(SiteURL.adminCall("idf-2027").path + "/enveloppes", envelopes).status == .seeOther)
            copy = try await definition(app, "idf-2027")
            var form = Self.fields(copy, .form)
            let title = try #require(copy.form.fields.firstIndex { $0.role == .title })
            form["form.fields.\(title).label"] = "Intitulé du projet"
            #expect(try await admin.post(SiteURL.adminCall("idf-2027").path + "/formulaire", form).status == .seeOther)
            // validate the edits, then publish
            copy = try await definition(app, "idf-2027")
            #expect(copy.themes[0].label == "L'aide alimentaire en Île-de-France")
            #expect(
                copy.form.fields.first { $0.role == .theme }?.type.options.first?.label
                    == "L'aide alimentaire en Île-de-France")
            #expect(copy.envelopes[regional].revisions.last?.amountCents == 5_000_000_00)
            #expect(copy.form.fields[title].label == "Intitulé du projet")
            #expect(copy.opensOn < today && copy.deadline > today)
            #expect(try await admin.post(SiteURL.adminCall("idf-2027").path + "/publier", [:]).status == .seeOther)
            let page = try await Browser(app).get(SiteURL.call("idf-2027").path)
            #expect(page.status == .ok)
            #expect(page.visibleText.contains("L'aide alimentaire en Île-de-France"))
            #expect(page.visibleText.contains("Déposer un dossier"))
            #expect(
                try await Browser(app).get("/").visibleText.contains("Soutien aux associations — Île-de-France 2027"))
            // An association of the region files a dossier on it.
            let applicant = try await Applicant.make(app)
            let id = try await applicant.startDossier(on: "idf-2027")
            let answers = completeAnswers.map { $0.0 == "territory" ? ($0.0, "departement:75") : $0 }
            try await applicant.browser.postMultipart(SiteURL.editDossier(id).path, answers, files: completeFiles)
            let filing = try await applicant.browser.post(SiteURL.fileDossier(id).path, [:])
            #expect(filing.status == .seeOther)
            let dossier = try #require(try await DossierModel.find(id, on: app.db))
            #expect(dossier.status == "filed")
            #expect(dossier.number == "IDF-2027-0001")
            #expect(dossier.requestedCents == 45_000_00)
            #expect(dossier.instructorGroup == "departement:75")
            // The instruction of Paris sees it with the call's own theme label.
            let paris = try await Factory.staff(app, "ddets75@exemple.fr", scopes: ["departement:75"])
            let queue = try await paris.get(SiteURL.instruction.path)
            #expect(queue.visibleText.contains("Intitulé") == false)
            #expect(queue.visibleText.contains("Épicerie solidaire mobile à Laon"))
            #expect(queue.visibleText.contains("L'aide alimentaire en Île-de-France"))
            // Every change is in the call's history, with who made it.
            let call = try await CallRepository(database: app.db).findAny("idf-2027")
            let history = try await AuditEntryModel.query(on: app.db).filter(\.$entityID == call.requireID()).all()
            #expect(Set(history.map(\.action)) == ["create_call", "amend_call", "publish_call"])
            #expect(history.allSatisfy { $0.actorName == "Agent admin-region-11@exemple.fr" })
        }
    }

    @Test func anAdministratorCannotAuthorACallOutsideTheirTerritory() async throws {
        try await withGuichet { app in
            let admin = try await admin(app, "region:11")
            let before = try await CallModel.query(on: app.db).count()
            // Creating for another region: refused, nothing stored.
            let created = try await admin.post(
                SiteURL.adminCalls.path,
                [
                    "reference": "hdf-2027", "title": "Un appel des Hauts-de-France", "scope_level": "region",
                    "scope_code": "32",
                    "opens_on": "2027-01-04", "deadline": "2027-03-31", "amount": "1 000 000",
                    "owner_name": "Préfecture", "owner_siret": "93511186320515",
                ])
            #expect(created.status == .forbidden)
            #expect(created.visibleText.contains("Hauts-de-France"))
            let duplicated = try await admin.post(
                SiteURL.adminCall("hdf-2021").path + "/dupliquer",
                ["reference": "hdf-2027", "title": "Copie", "scope_level": "departement", "scope_code": "02"])
            #expect(duplicated.status == .forbidden)
            #expect(try await CallModel.query(on: app.db).count() == before)
            // The seed's call belongs to Hauts-de-France: its editor, previews and actions are refused.
            #expect(try await admin.get(SiteURL.adminCall("hdf-2021").path).status == .forbidden)
            #expect(try await admin.get(SiteURL.adminCall("hdf-2021").path + "/apercu").status == .forbidden)
            let seed = try await definition(app, "hdf-2021")
            var themes = Self.fields(seed, .themes)
            themes["themes.0.label"] = "Détourné"
            #expect(
                try await admin.post(SiteURL.adminCall("hdf-2021").path + "/thematiques", themes).status == .forbidden)
            #expect(try await definition(app, "hdf-2021") == seed)
            // A draft of another region does not exist for them.
            let hauts = try await self.admin(app, "region:32")
            #expect(
                try await hauts.post(
                    SiteURL.adminCall("hdf-2021").path + "/dupliquer",
                    ["reference": "hdf-2027", "title": "Copie", "scope_level": "region", "scope_code": "32"]
                ).status == .seeOther)
            #expect(try await admin.get(SiteURL.adminCall("hdf-2027").path).status == .notFound)
            #expect(try await admin.post(SiteURL.adminCall("hdf-2027").path + "/publier", [:]).status == .notFound)
            // A département's administrator authors only that département's calls.
            let aisne = try await self.admin(app, "departement:02")
            #expect(try await aisne.get(SiteURL.adminCall("hdf-2027").path).status == .notFound)
            #expect(
                try await aisne.post(
                    SiteURL.adminCall("hdf-2021").path + "/dupliquer",
                    [
                        "reference": "aisne-2027", "title": "Appel de l'Aisne", "scope_level": "departement",
                        "scope_code": "02",
                    ]
                )
                .status == .seeOther)
            #expect(try await definition(app, "aisne-2027").scope == .departement("02"))
            // Instructors and applicants never reach the authoring pages.
            let instructor = try await Factory.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
            #expect(try await instructor.get(SiteURL.adminCalls.path).status == .notFound)
            #expect(try await instructor.get(SiteURL.adminCall("aisne-2027").path).status == .notFound)
        }
    }

    @Test func aNewCallStartsAsADraftAndItsFormErrorsAreShownNextToTheirFields() async throws {
        try await withGuichet(demo: false) { app in
            let admin = try await admin(app, "region:84")
            // Faulty: a reference with capitals, a deadline before the opening, an amount that is not one, a bad SIRET.
            let refused = try await admin.post(
                SiteURL.adminCalls.path,
                [
                    "reference": "ARA 2027", "title": "Appel Auvergne-Rhône-Alpes", "scope_level": "region",
                    "scope_code": "84",
                    "opens_on": "2027-03-01", "deadline": "2027-01-31", "amount": "un million",
                    "owner_name": "Préfecture de région", "owner_siret": "12345678901234",
                ])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("id=\"amount-erreur\""))
            #expect(try await CallModel.query(on: app.db).count() == 0)
            let created = try await admin.post(
                SiteURL.adminCalls.path,
                [
                    "reference": "ara-2027", "title": "Appel Auvergne-Rhône-Alpes", "scope_level": "region",
                    "scope_code": "84",
                    "opens_on": "2027-01-04", "deadline": "2027-03-31", "amount": "2 500 000",
                    "owner_name": "Préfecture de la région Auvergne-Rhône-Alpes", "owner_siret": "93511186320515",
                ])
            #expect(created.status == .seeOther)
            let stored = try await definition(app, "ara-2027")
            #expect(stored.envelopes.first?.draws == "84")
            #expect(stored.envelopes.first?.revisions.first?.amountCents == 2_500_000_00)
            #expect(try await CallRepository(database: app.db).findAny("ara-2027").callStatus == .draft)
            // An envelope with a bad SIRET and an unreadable amount: 422, each error next to its input, nothing saved.
            var envelopes = Self.fields(stored, .envelopes)
            envelopes["envelopes.0.owner.siret"] = "12345678901234"
            envelopes["envelopes.0.revisions.0.amount_cents"] = "deux millions"
            let bad = try await admin.post(SiteURL.adminCall("ara-2027").path + "/enveloppes", envelopes)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("id=\"f-envelopes-0-revisions-0-amount-cents-erreur\""))
            #expect(bad.body.string.contains("value=\"deux millions\""))
            envelopes["envelopes.0.revisions.0.amount_cents"] = "2 000 000"
            let siret = try await admin.post(SiteURL.adminCall("ara-2027").path + "/enveloppes", envelopes)
            #expect(siret.status == .unprocessableEntity)
            #expect(siret.body.string.contains("id=\"f-envelopes-0-owner-siret-erreur\""))
            #expect(try await definition(app, "ara-2027") == stored)
            // A form without the amount's role is refused: a dossier would be stored with 0 €.
            var form = Self.fields(stored, .form)
            let amount = try #require(stored.form.fields.firstIndex { $0.role == .amountRequested })
            form["form.fields.\(amount).role"] = ""
            let roleless = try await admin.post(SiteURL.adminCall("ara-2027").path + "/formulaire", form)
            #expect(roleless.status == .unprocessableEntity)
            #expect(roleless.visibleText.contains("amount_requested"))
            #expect(try await definition(app, "ara-2027") == stored)
            // The whole definition as JSON: an unknown key is named.
            let json = try await admin.post(
                SiteURL.adminCall("ara-2027").path + "/json",
                [
                    "definition": String(decoding: try stored.json(), as: UTF8.self).replacingOccurrences(
                        of: "\"title\" :", with: "\"titel\" :")
                ])
            #expect(json.status == .unprocessableEntity)
            #expect(json.visibleText.contains("titel : champ inconnu"))
            // Previews of the draft: the public page and the form, without a button to file.
            let preview = try await admin.get(SiteURL.adminCall("ara-2027").path + "/apercu/formulaire")
            #expect(preview.status == .ok)
            #expect(preview.visibleText.contains("Montant demandé"))
            #expect(!preview.body.string.contains("value=\"summary\""))
            // Publishing makes it public.
            #expect(try await admin.post(SiteURL.adminCall("ara-2027").path + "/publier", [:]).status == .seeOther)
            #expect(try await Browser(app).get(SiteURL.call("ara-2027").path).status == .ok)
            #expect(
                try await admin.post(SiteURL.adminCall("ara-2027").path + "/publier", [:]).status
                    == .unprocessableEntity)
        }
    }

    @Test func onceDossiersAreFiledTheFormChangesByVersionAndEnvelopesByDatedRevisions() async throws {
        try await withGuichet { app in
            let (_, id) = try await Factory.filedDossier(app)
            let admin = try await admin(app, "region:32")
            let practice = try await definition(app, PracticeCall.reference)
            // A changed question: a new version; the filed dossier keeps version 1.
            var form = Self.fields(practice, .form)
            form["form.fields.0.label"] = "Intitulé du projet"
            #expect(
                try await admin.post(SiteURL.adminCall(PracticeCall.reference).path + "/formulaire", form).status
                    == .seeOther)
            let call = try await CallRepository(database: app.db).findAny(PracticeCall.reference)
            #expect(try await CallRepository(database: app.db).currentForm(call.requireID())?.version == 2)
            #expect(try await DossierModel.find(id, on: app.db)?.formVersion == 1)
            // A recorded amount cannot be rewritten; a new dated revision is how it changes.
            var envelopes = Self.fields(practice, .envelopes)
            envelopes["envelopes.0.revisions.0.amount_cents"] = "2 000 000"
            let rewritten = try await admin.post(
                SiteURL.adminCall(PracticeCall.reference).path + "/enveloppes", envelopes)
            #expect(rewritten.status == .unprocessableEntity)
            #expect(rewritten.visibleText.contains("ajoutez une révision datée et motivée"))
            envelopes = Self.fields(practice, .envelopes)
            envelopes["envelopes.0.revisions.1.amount_cents"] = "2 000 000"
            envelopes["envelopes.0.revisions.1.effective_on"] = ParisTime.isoDay(Date())
            envelopes["envelopes.0.revisions.1.reason"] = "Abondement de l'enveloppe"
            #expect(
                try await admin.post(SiteURL.adminCall(PracticeCall.reference).path + "/enveloppes", envelopes).status
                    == .seeOther)
            #expect(
                try await definition(app, PracticeCall.reference).envelopes[0].revisions.map(\.amountCents) == [
                    1_000_000_00, 2_000_000_00,
                ])
            // A theme carried by a dossier stays; the scope and receipt prefix stay.
            var themes = Self.fields(practice, .themes)
            themes["themes.0._remove"] = "on"
            let removed = try await admin.post(SiteURL.adminCall(PracticeCall.reference).path + "/thematiques", themes)
            #expect(removed.status == .unprocessableEntity)
            #expect(removed.visibleText.contains("porte des dossiers"))
            var general = Self.fields(practice, .general)
            general["receipt_prefix"] = "AUTRE"
            #expect(
                try await admin.post(SiteURL.adminCall(PracticeCall.reference).path + "/general", general).status
                    == .unprocessableEntity)
        }
    }
}
