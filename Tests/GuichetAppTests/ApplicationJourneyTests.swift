import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

@Suite struct ApplicationJourneyTests {
    func dossier(_ app: Application, _ id: UUID) async throws -> DossierModel {
        try #require(try await DossierModel.find(id, on: app.db))
    }

    @Test func theWholeJourneyFromCallPageToReceipt() async throws {
        try await withGuichet { app in
            let applicant = try await Applicant.make(app)
            let browser = applicant.browser
            // The public call page, with its deadline in Paris time and the button.
            let callPage = try await browser.get(SiteURL.call(PracticeCall.reference).path)
            #expect(callPage.status == .ok)
            #expect(callPage.visibleText.contains("Déposer un dossier"))
            #expect(callPage.visibleText.contains("(heure de Paris)"))
            #expect(callPage.visibleText.contains("La lutte contre la précarité alimentaire"))
            // A draft.
            let id = try await applicant.startDossier()
            let form = try await browser.get(SiteURL.editDossier(id).path)
            #expect(form.status == .ok)
            #expect(form.body.string.contains(#"enctype="multipart/form-data""#))
            #expect(form.body.string.contains(#"<label class="fr-label" for="title">"#))
            // Save a partial draft, then the rest with files.
            let partial = try await browser.postMultipart(
                SiteURL.editDossier(id).path, [("title", "Épicerie mobile"), ("next", "draft")])
            #expect(partial.status == .seeOther)
            #expect(try await dossier(app, id).title == "Épicerie mobile")
            let full = try await browser.postMultipart(
                SiteURL.editDossier(id).path, completeAnswers + [("next", "summary")], files: completeFiles)
            #expect(full.status == .seeOther)
            #expect(full.headers.first(name: .location) == SiteURL.dossierSummary(id).path)
            let stored = try await dossier(app, id)
            #expect(stored.requestedCents == 4_500_000)
            #expect(stored.scopeKind == "departemental" && stored.territoryCode == "02")
            #expect(try await AttachmentModel.query(on: app.db).filter(\.$dossier.$id == id).count() == 3)
            // The summary, then filing.
            let summary = try await browser.get(SiteURL.dossierSummary(id).path)
            #expect(summary.visibleText.contains("45 000 €"))
            #expect(summary.visibleText.contains("Déposer définitivement"))
            let filed = try await browser.post(SiteURL.fileDossier(id).path, [:])
            #expect(filed.status == .seeOther)
            #expect(filed.headers.first(name: .location) == SiteURL.dossierReceipt(id).path)
            let after = try await dossier(app, id)
            #expect(after.status == "filed")
            #expect(after.number == "ESSAI-0001")
            #expect(after.filedAt != nil)
            #expect(after.receiptDigest?.count == 64)
            let receipt = try await browser.get(SiteURL.dossierReceipt(id).path)
            #expect(receipt.status == .ok)
            #expect(receipt.visibleText.contains("ESSAI-0001"))
            // It says the filing worked, where the mail went and what comes next.
            #expect(receipt.visibleText.contains("Votre dossier est déposé sous le numéro ESSAI-0001"))
            #expect(receipt.visibleText.contains("asso@exemple.fr"))
            #expect(receipt.visibleText.contains("Et ensuite ?"))
            #expect(receipt.visibleText.contains(after.receiptDigest ?? "-"))
            #expect(try await outbox(app, to: "asso@exemple.fr").last?.kind == "receipt")
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$entityID == id).filter(\.$action == "file")
                    .count() == 1)
            let view = try await browser.get(SiteURL.dossier(id).path)
            #expect(view.status == .ok)
            #expect(view.visibleText.contains("Numéro : ESSAI-0001"))
            // The dashboard lists it; it is read-only now.
            let dashboard = try await browser.get(SiteURL.account.path)
            #expect(dashboard.visibleText.contains("Épicerie solidaire mobile à Laon"))
            #expect(dashboard.visibleText.contains("déposé"))
            #expect(try await browser.get(SiteURL.editDossier(id).path).status == .seeOther)
            let edit = try await browser.postMultipart(SiteURL.editDossier(id).path, [("title", "Changé")])
            #expect(edit.status == .conflict)
            #expect(try await dossier(app, id).title == "Épicerie solidaire mobile à Laon")
            // Attachments are served with the type found in their content.
            let attachment = try #require(
                try await AttachmentModel.query(on: app.db).filter(\.$fieldKey == "bank_details").first())
            let download = try await browser.get(
                SiteURL.attachment(dossier: id, attachment: attachment.requireID()).path)
            #expect(download.status == .ok)
            #expect(download.headers.first(name: .contentType) == "image/png")
            #expect(download.headers.first(name: .contentDisposition)?.contains("attachment") == true)
        }
    }

    @Test func theFormIsFilledOneSectionPerStep() async throws {
        try await withGuichet { app in
            let applicant = try await Applicant.make(app)
            let browser = applicant.browser
            let id = try await applicant.startDossier()
            let edit = SiteURL.editDossier(id).path
            // Step 1 shows the first section only, with the stepper and the next step's title.
            let first = try await browser.get(edit)
            #expect(first.visibleText.contains("Étape 1 sur 4"))
            #expect(first.visibleText.contains("Étape suivante : Calendrier"))
            #expect(first.body.string.contains(#"name="title""#))
            #expect(!first.body.string.contains(#"name="start_date""#))
            #expect(first.body.string.contains(#"name="step" value="1""#))
            // A step posts its own fields; continuing leads to the next step.
            let continued = try await browser.postMultipart(
                edit, [("step", "1"), ("title", "Épicerie mobile"), ("next", "next")])
            #expect(continued.status == .seeOther)
            #expect(continued.headers.first(name: .location) == edit + "?etape=2")
            let second = try await browser.get(edit + "?etape=2")
            #expect(second.visibleText.contains("Étape 2 sur 4"))
            #expect(second.body.string.contains(#"name="start_date""#))
            #expect(!second.body.string.contains(#"name="title""#))
            // An error stays on its step, with what was typed; the other steps' answers are kept.
            let refused = try await browser.postMultipart(
                edit, [("step", "2"), ("start_date", "2027-02-30"), ("next", "next")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.visibleText.contains("Étape 2 sur 4"))
            #expect(refused.body.string.contains(#"value="2027-02-30""#))
            #expect(try await dossier(app, id).title == "Épicerie mobile")
            // A rule between two good answers is said on save, at its field and at the top; both
            // answers are kept (each is good on its own) and the page stays on the step.
            let reversed = try await browser.postMultipart(
                edit, [("step", "2"), ("start_date", "2027-03-01"), ("end_date", "2027-02-01"), ("next", "next")])
            #expect(reversed.status == .unprocessableEntity)
            #expect(reversed.visibleText.contains("Étape 2 sur 4"))
            #expect(reversed.body.string.contains("end_date-erreur"))
            #expect(reversed.visibleText.contains("La date de fin doit suivre la date de début"))
            let stored = try ApplicationService.answers(try await dossier(app, id))
            #expect(stored["start_date"] == .date("2027-03-01") && stored["end_date"] == .date("2027-02-01"))
            // Shown again later, the step still says it.
            #expect(try await browser.get(edit + "?etape=2").visibleText.contains("La date de fin doit suivre"))
            let back = try await browser.postMultipart(
                edit, [("step", "2"), ("start_date", "2027-02-01"), ("next", "previous")])
            #expect(back.headers.first(name: .location) == edit + "?etape=1")
            #expect(try await dossier(app, id).title == "Épicerie mobile")
            // The last step leads to the summary, whose list of what is missing links to each step.
            let last = try await browser.get(edit + "?etape=4")
            #expect(last.visibleText.contains("Étape 4 sur 4"))
            #expect(last.visibleText.contains("Enregistrer et vérifier avant dépôt"))
            #expect(!last.visibleText.contains("Enregistrer et continuer"))
            let toSummary = try await browser.postMultipart(edit, [("step", "4"), ("next", "summary")])
            #expect(toSummary.headers.first(name: .location) == SiteURL.dossierSummary(id).path)
            let summary = try await browser.get(SiteURL.dossierSummary(id).path)
            #expect(summary.body.string.contains(edit + "?etape=3&amp;verifier=1#amount_requested"))
            #expect(summary.body.string.contains(edit + "?etape=4&amp;verifier=1#bank_details"))
            // Following such a link, the field says what is wrong with it.
            let checked = try await browser.get(edit + "?etape=3&verifier=1")
            #expect(checked.body.string.contains("amount_requested-erreur"))
            #expect(!(try await browser.get(edit + "?etape=3").body.string.contains("amount_requested-erreur")))
            // A step out of range shows the nearest one.
            #expect(try await browser.get(edit + "?etape=99").visibleText.contains("Étape 4 sur 4"))
            #expect(try await browser.get(edit + "?etape=-3").visibleText.contains("Étape 1 sur 4"))
        }
    }

    @Test func filingTwiceFilesOnce() async throws {
        try await withGuichet { app in
            let applicant = try await Applicant.make(app)
            let id = try await applicant.startDossier()
            try await applicant.browser.postMultipart(
                SiteURL.editDossier(id).path, completeAnswers, files: completeFiles)
            try await applicant.browser.get(SiteURL.dossierSummary(id).path)
            let first = try await applicant.browser.post(SiteURL.fileDossier(id).path, [:])
            let second = try await applicant.browser.post(SiteURL.fileDossier(id).path, [:])
            #expect(first.status == .seeOther && second.status == .seeOther)
            #expect(try await dossier(app, id).number == "ESSAI-0001")
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$action == "file").filter(\.$entityID == id)
                    .count() == 1)
            #expect(try await outbox(app).filter { $0.kind == "receipt" }.count == 1)
            #expect(
                try await CallModel.query(on: app.db).filter(\.$reference == PracticeCall.reference).first()?
                    .receiptCounter == 1)
        }
    }

    @Test(arguments: [
        ("title", String(repeating: "a", count: 201), "200 caractères au plus"),
        ("amount_requested", "-5", "négatif"),
        ("amount_requested", "99999999999", "Montant"),
        ("amount_requested", "douze", "Montant"),
        ("territory", "departement:99", "99"),
        ("start_date", "2026-02-30", "date"),
        ("theme", "culture", "Choisissez"),
    ])
    func badInputGetsItsMessageAndLeavesTheStoredValue(field: String, value: String, message: String) async throws {
        try await withGuichet { app in
            let applicant = try await Applicant.make(app)
            let id = try await applicant.startDossier()
            try await applicant.browser.postMultipart(SiteURL.editDossier(id).path, completeAnswers)
            let before = try await dossier(app, id).answers
            let res = try await applicant.browser.postMultipart(SiteURL.editDossier(id).path, [(field, value)])
            #expect(res.status == .unprocessableEntity)
            #expect(res.body.string.contains(#"id="\#(field)-erreur""#))
            #expect(res.visibleText.localizedCaseInsensitiveContains(message), "\(field): \(res.visibleText.prefix(0))")
            if field == "title" { #expect(res.body.string.contains(value), "the typed text is kept") }
            #expect(try await dossier(app, id).answers == before, "the stored value is unchanged")
        }
    }

    @Test func filingRulesAreCheckedAtTheSummary() async throws {
        try await withGuichet { app in
            let applicant = try await Applicant.make(app)
            let id = try await applicant.startDossier()
            var answers = completeAnswers.filter { $0.0 != "end_date" && $0.0 != "territory" }
            answers += [("end_date", "2026-01-01"), ("territory", "departement:75")]
            try await applicant.browser.postMultipart(SiteURL.editDossier(id).path, answers, files: completeFiles)
            let summary = try await applicant.browser.get(SiteURL.dossierSummary(id).path)
            #expect(summary.visibleText.contains("n'est pas encore complet"))
            #expect(summary.visibleText.contains("La date de fin doit suivre la date de début"))
            #expect(!summary.visibleText.contains("Déposer définitivement"))
            let refused = try await applicant.browser.post(SiteURL.fileDossier(id).path, [:])
            #expect(refused.status == .unprocessableEntity)
            #expect(try await dossier(app, id).status == "draft")
            #expect(try await dossier(app, id).number == nil)
        }
    }

    @Test func aDossierOutsideTheCallsRegionCannotBeFiled() async throws {
        try await withGuichet { app in
            let applicant = try await Applicant.make(app)
            let id = try await applicant.startDossier()
            let answers = completeAnswers.filter { $0.0 != "territory" } + [("territory", "departement:75")]
            // The form offers only the call's territories and refuses another one next to the field.
            let form = try await applicant.browser.get(SiteURL.editDossier(id).path)
            #expect(form.body.string.contains("value=\"departement:02\""))
            #expect(!form.body.string.contains("value=\"departement:75\""))
            let saved = try await applicant.browser.postMultipart(
                SiteURL.editDossier(id).path, answers, files: completeFiles)
            #expect(saved.status == .unprocessableEntity)
            #expect(saved.visibleText.contains("Le département « 75 » n'est pas couvert par cet appel"))
            #expect(try await dossier(app, id).territoryCode != "75")
            try await applicant.browser.get(SiteURL.dossierSummary(id).path)
            let refused = try await applicant.browser.post(SiteURL.fileDossier(id).path, [:])
            #expect(refused.status == .unprocessableEntity)
            #expect(try await dossier(app, id).status == "draft")
        }
    }

    @Test func aMissingRequiredFieldBlocksFiling() async throws {
        try await withGuichet { app in
            let applicant = try await Applicant.make(app)
            let id = try await applicant.startDossier()
            try await applicant.browser.postMultipart(
                SiteURL.editDossier(id).path, completeAnswers, files: Array(completeFiles.dropLast()))
            let summary = try await applicant.browser.get(SiteURL.dossierSummary(id).path)
            #expect(summary.visibleText.contains("Relevé d'identité bancaire (RIB) : Ce champ est obligatoire."))
            #expect(try await applicant.browser.post(SiteURL.fileDossier(id).path, [:]).status == .unprocessableEntity)
            #expect(try await dossier(app, id).status == "draft")
        }
    }

    @Test func filingAfterTheDeadlineIsRefused() async throws {
        try await withGuichet { app in
            let applicant = try await Applicant.make(app)
            let id = try await applicant.startDossier()
            try await applicant.browser.postMultipart(
                SiteURL.editDossier(id).path, completeAnswers, files: completeFiles)
            try await applicant.browser.get(SiteURL.dossierSummary(id).path)
            try await CallModel.query(on: app.db).filter(\.$reference == PracticeCall.reference)
                .set(\.$closesAt, to: Date().addingTimeInterval(-60)).update()
            let refused = try await applicant.browser.post(SiteURL.fileDossier(id).path, [:])
            #expect(refused.status == .conflict)
            #expect(refused.visibleText.contains("Le dépôt est clos"))
            #expect(try await dossier(app, id).status == "draft")
            #expect(try await outbox(app).filter { $0.kind == "receipt" }.isEmpty)
        }
    }

    @Test func aTextFileRenamedPdfAndAnOversizedFileAreRefused() async throws {
        try await withGuichet(adjust: { $0.maxUploadBytes = 1_000 }) { app in
            let applicant = try await Applicant.make(app)
            let id = try await applicant.startDossier()
            let renamed = try await applicant.browser.postMultipart(
                SiteURL.editDossier(id).path, [],
                files: [("statutes", "statuts.pdf", SampleFiles.text)])
            #expect(renamed.status == .unprocessableEntity)
            #expect(renamed.visibleText.contains("n'est pas d'un type accepté"))
            let big = try await applicant.browser.postMultipart(
                SiteURL.editDossier(id).path, [],
                files: [("statutes", "statuts.pdf", SampleFiles.pdf + Data(count: 2_000))])
            #expect(big.status == .unprocessableEntity)
            #expect(big.visibleText.contains("la limite est de 1 ko"))
            let wrongKind = try await applicant.browser.postMultipart(
                SiteURL.editDossier(id).path, [],
                files: [("statutes", "statuts.png", SampleFiles.png)])
            #expect(wrongKind.status == .unprocessableEntity)
            #expect(try await AttachmentModel.query(on: app.db).count() == 0)
        }
    }

    @Test func anInfectedFileIsQuarantinedWithAMessage() async throws {
        let folder = NSTemporaryDirectory() + "guichet-scanner-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let scanner = try Factory.fakeScanner(folder)
        try await withGuichet(adjust: { $0.virusScanner = scanner }) { app in
            let applicant = try await Applicant.make(app)
            let id = try await applicant.startDossier()
            let infected = SampleFiles.pdf + Data("EICAR-STANDARD-ANTIVIRUS-TEST-FILE".utf8)
            let res = try await applicant.browser.postMultipart(
                SiteURL.editDossier(id).path, [],
                files: [("statutes", "statuts.pdf", infected)])
            #expect(res.status == .unprocessableEntity)
            #expect(res.visibleText.contains("contient un virus"))
            #expect(try await AttachmentModel.query(on: app.db).count() == 0)
            let clean = try await applicant.browser.postMultipart(
                SiteURL.editDossier(id).path, [],
                files: [("statutes", "statuts.pdf", SampleFiles.pdf)])
            #expect(clean.status == .seeOther)
            #expect(try await AttachmentModel.query(on: app.db).first()?.scanStatus == "clean")
        }
    }

    @Test func anotherOrganisationsDossierIsNotFound() async throws {
        try await withGuichet { app in
            let owner = try await Applicant.make(app)
            let id = try await owner.startDossier()
            try await owner.browser.postMultipart(SiteURL.editDossier(id).path, completeAnswers, files: completeFiles)
            let attachment = try #require(try await AttachmentModel.query(on: app.db).first())
            let other = try await Applicant.make(app, email: "autre@exemple.fr", organisation: "Autre association")
            for path in [
                SiteURL.dossier(id).path, SiteURL.editDossier(id).path, SiteURL.dossierSummary(id).path,
                SiteURL.dossierReceipt(id).path,
                SiteURL.attachment(dossier: id, attachment: try attachment.requireID()).path,
                "/dossiers/pas-un-identifiant",
            ] {
                #expect(try await other.browser.get(path).status == .notFound, "\(path)")
            }
            try await other.browser.get(SiteURL.account.path)
            #expect(
                try await other.browser.postMultipart(SiteURL.editDossier(id).path, [("title", "Piraté")]).status
                    == .notFound)
            #expect(try await other.browser.post(SiteURL.fileDossier(id).path, [:]).status == .notFound)
            #expect(try await other.browser.post(SiteURL.withdrawDossier(id).path, ["reason": "x"]).status == .notFound)
            // Starting a dossier for an organisation one does not represent.
            try await other.browser.get(SiteURL.apply(PracticeCall.reference).path)
            #expect(
                try await other.browser.post(
                    SiteURL.apply(PracticeCall.reference).path,
                    ["organisation": owner.organisationID.uuidString]
                ).status == .notFound)
            #expect(try await dossier(app, id).title == "Épicerie solidaire mobile à Laon")
            #expect(
                try await DossierModel.query(on: app.db).filter(\.$createdBy == other.user.requireID()).count() == 0)
        }
    }

    @Test func aSessionCookieFromAnotherUserSeesOnlyThatUsersDossiers() async throws {
        try await withGuichet { app in
            let owner = try await Applicant.make(app)
            let id = try await owner.startDossier()
            let other = try await Applicant.make(app, email: "autre@exemple.fr", organisation: "Autre association")
            // The other user's cookie in a third browser acts as the other user, never as the owner.
            let third = Browser(app)
            third.adoptCookie(other.browser.cookie)
            #expect(try await third.get(SiteURL.dossier(id).path).status == .notFound)
            // A forged cookie is anonymous.
            third.adoptCookie("guichet_session=forged")
            #expect(try await third.get(SiteURL.dossier(id).path).status == .seeOther)
        }
    }

    @Test func editsWithoutTheCSRFTokenAreRefused() async throws {
        try await withGuichet { app in
            let applicant = try await Applicant.make(app)
            let id = try await applicant.startDossier()
            let res = try await applicant.browser.postMultipart(
                SiteURL.editDossier(id).path, [("title", "Sans jeton")], csrf: false)
            #expect(res.status == .forbidden)
            #expect(try await dossier(app, id).title == "")
            #expect(
                try await applicant.browser.post(SiteURL.fileDossier(id).path, [:], csrf: false).status == .forbidden)
        }
    }

    @Test func aDossierCanBeWithdrawnBeforeTheDecision() async throws {
        try await withGuichet { app in
            let applicant = try await Applicant.make(app)
            let id = try await applicant.startDossier()
            try await applicant.browser.get(SiteURL.dossier(id).path)
            let empty = try await applicant.browser.post(SiteURL.withdrawDossier(id).path, ["reason": " "])
            #expect(empty.status == .seeOther)
            #expect(try await dossier(app, id).status == "draft")
            try await applicant.browser.post(SiteURL.withdrawDossier(id).path, ["reason": "Projet abandonné"])
            #expect(try await dossier(app, id).status == "withdrawn")
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$entityID == id).filter(\.$action == "withdraw")
                    .count() == 1)
        }
    }

    @Test func aDraftNeverFiledIsDeletedOnceConfirmedAndAFiledOneNever() async throws {
        try await withGuichet { app in
            let applicant = try await Applicant.make(app)
            let id = try await applicant.startDossier()
            try await applicant.browser.postMultipart(
                SiteURL.editDossier(id).path, [("title", "Brouillon à jeter")], files: completeFiles)
            #expect(try await AttachmentModel.query(on: app.db).filter(\.$dossier.$id == id).count() > 0)
            let page = try await applicant.browser.get(SiteURL.dossier(id).path)
            #expect(page.visibleText.contains("Supprimer ce brouillon"))
            // Someone else's draft is not found; an unconfirmed deletion changes nothing.
            let other = try await Applicant.make(app, email: "autre@exemple.fr", organisation: "Une autre association")
            _ = try await other.browser.get(SiteURL.account.path)
            #expect(
                try await other.browser.post(SiteURL.deleteDraft(id).path, ["confirmer": "oui"]).status == .notFound)
            let unconfirmed = try await applicant.browser.post(SiteURL.deleteDraft(id).path, [:])
            #expect(unconfirmed.headers.first(name: "X-Guichet-Error") == "invalid_form")
            #expect(try await DossierModel.find(id, on: app.db) != nil)
            let deleted = try await applicant.browser.post(SiteURL.deleteDraft(id).path, ["confirmer": "oui"])
            #expect(deleted.headers.first(name: .location) == SiteURL.account.path)
            #expect(try await DossierModel.find(id, on: app.db) == nil)
            #expect(try await AttachmentModel.query(on: app.db).filter(\.$dossier.$id == id).count() == 0)
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$entityID == id).filter(
                    \.$action == "delete_draft"
                )
                .count() == 1)
            #expect(try await applicant.browser.get(SiteURL.account.path).visibleText.contains("est supprimé"))
            // A filed dossier has a number: it is withdrawn, never deleted.
            let (filer, filed) = try await Factory.filedDossier(app, email: "deposant@exemple.fr")
            _ = try await filer.browser.get(SiteURL.account.path)
            #expect(
                !(try await filer.browser.get(SiteURL.dossier(filed).path).visibleText.contains(
                    "Supprimer ce brouillon")))
            let refused = try await filer.browser.post(SiteURL.deleteDraft(filed).path, ["confirmer": "oui"])
            #expect(refused.headers.first(name: "X-Guichet-Error") == "transition_not_allowed")
            #expect(try await DossierModel.find(filed, on: app.db) != nil)
        }
    }

    @Test func theSeedsClosedCallRefusesNewDossiers() async throws {
        try await withGuichet { app in
            let applicant = try await Applicant.make(app)
            let page = try await applicant.browser.get(SiteURL.apply(DemoCall.reference).path)
            #expect(page.visibleText.contains("Le dépôt est clos"))
            let res = try await applicant.browser.post(
                SiteURL.apply(DemoCall.reference).path, ["organisation": applicant.organisationID.uuidString])
            #expect(res.status == .conflict)
            #expect(
                try await DossierModel.query(on: app.db).filter(\.$createdBy == applicant.user.requireID()).count() == 0
            )
        }
    }
}
