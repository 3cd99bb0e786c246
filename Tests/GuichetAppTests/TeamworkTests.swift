import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// Messages between the instruction and the applicant, labels, internal notes, bulk actions.
@Suite struct TeamworkTests {

    @Test func theInstructionWritesWithAFileAndTheApplicantIsMailedAndAnswers() async throws {
        try await withGuichet { app in
            // setup
            let (applicant, id) = try await Factory.filedDossier(app)
            let instructor = try await Factory.aisneInstructor(app)
            try await instructor.get(SiteURL.staffDossier(id).path)
            // act: the instruction writes, with a PDF
            let sent = try await instructor.postMultipart(
                SiteURL.staffMessages(id).path, [("body", "Pouvez-vous préciser le budget ?\nMerci.")],
                files: [("file", "question.pdf", SampleFiles.pdf)])
            // validate
            #expect(sent.status == .seeOther)
            #expect(sent.headers.first(name: "X-Guichet-Error") == nil)
            let mails = try await outbox(app, to: "asso@exemple.fr").filter { $0.kind == "dossier_message" }
            #expect(mails.count == 1)
            #expect(mails.first?.bodyText.contains("Pouvez-vous préciser le budget ?") == true)
            #expect(mails.first?.bodyText.contains("question.pdf") == true)
            #expect(mails.first?.bodyText.contains(SiteURL.dossierMessages(id).path) == true)
            // Unread, it is signalled in the applicant's list and on the dossier, until read.
            #expect(
                try await applicant.browser.get(SiteURL.account.path).visibleText.contains("1 message(s) non lu(s)"))
            #expect(
                try await applicant.browser.get(SiteURL.dossier(id).path).visibleText.contains(
                    "L'instruction vous a écrit : 1 message(s) non lu(s)."))
            let thread = try await applicant.browser.get(SiteURL.dossierMessages(id).path)
            #expect(!(try await applicant.browser.get(SiteURL.account.path).visibleText.contains("non lu")))
            #expect(!(try await applicant.browser.get(SiteURL.dossier(id).path).visibleText.contains("non lu")))
            #expect(thread.status == .ok)
            #expect(thread.visibleText.contains("Pouvez-vous préciser le budget ?"))
            let message = try #require(try await DossierMessageModel.query(on: app.db).with(\.$attachments).first())
            let file = try #require(message.attachments.first)
            let download = try await applicant.browser.get(
                SiteURL.messageAttachment(dossier: id, attachment: file.requireID()).path)
            #expect(download.status == .ok)
            #expect(download.headers.first(name: .contentType) == "application/pdf")
            #expect(
                try await instructor.get(SiteURL.staffMessageAttachment(dossier: id, attachment: file.requireID()).path)
                    .status == .ok)
            // The applicant answers; the instruction is mailed and reads it on the dossier page.
            let answer = try await applicant.browser.postMultipart(
                SiteURL.dossierMessages(id).path, [("body", "Le budget est de 12 000 €.")])
            #expect(answer.status == .seeOther)
            #expect(try await outbox(app, to: "ddets02@exemple.fr").filter { $0.kind == "dossier_message" }.count == 1)
            let page = try await instructor.get(SiteURL.staffDossier(id).path)
            #expect(page.visibleText.contains("Le budget est de 12 000 €."))
            #expect(page.visibleText.contains("Message"))
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$entityID == id).filter(\.$action == "message")
                    .count() == 2)
        }
    }

    @Test func aBadMessageIsRefusedAndNothingIsStoredNorMailed() async throws {
        try await withGuichet { app in
            let (applicant, id) = try await Factory.filedDossier(app)
            let instructor = try await Factory.aisneInstructor(app)
            try await instructor.get(SiteURL.staffDossier(id).path)
            let before = try await OutboxMessageModel.query(on: app.db).count()
            // Empty text, a text file renamed .pdf, a text too long.
            let empty = try await instructor.postMultipart(SiteURL.staffMessages(id).path, [("body", "   ")])
            #expect(empty.headers.first(name: "X-Guichet-Error") == "invalid_form")
            let fake = try await instructor.postMultipart(
                SiteURL.staffMessages(id).path, [("body", "Voici")],
                files: [("file", "faux.pdf", SampleFiles.text)])
            #expect(fake.headers.first(name: "X-Guichet-Error") == "invalid_form")
            let long = try await applicant.browser.postMultipart(
                SiteURL.dossierMessages(id).path,
                [("body", String(repeating: "a", count: Correspondence.maxLength + 1))])
            #expect(long.status == .unprocessableEntity)
            #expect(long.visibleText.contains("dépasse 5000 caractères"))
            // The typed text comes back in the form.
            #expect(long.body.string.contains(String(repeating: "a", count: 100)))
            #expect(try await DossierMessageModel.query(on: app.db).count() == 0)
            #expect(try await OutboxMessageModel.query(on: app.db).count() == before)
        }
    }

    @Test func nobodyWritesOnADraftNorTheApplicantOnAWithdrawnDossier() async throws {
        try await withGuichet { app in
            let applicant = try await Applicant.make(app)
            let draft = try await applicant.startDossier()
            let onDraft = try await applicant.browser.postMultipart(
                SiteURL.dossierMessages(draft).path, [("body", "Bonjour")])
            #expect(onDraft.status == .conflict)
            #expect(onDraft.headers.first(name: "X-Guichet-Error") == "transition_not_allowed")
            let (other, id) = try await Factory.filedDossier(app, email: "autre@exemple.fr")
            try await other.browser.get(SiteURL.dossier(id).path)
            try await other.browser.post(SiteURL.withdrawDossier(id).path, ["reason": "Projet abandonné"])
            let page = try await other.browser.get(SiteURL.dossierMessages(id).path)
            #expect(page.visibleText.contains("ne reçoit plus de message"))
            let refused = try await other.browser.postMultipart(
                SiteURL.dossierMessages(id).path, [("body", "Encore moi")])
            #expect(refused.headers.first(name: "X-Guichet-Error") == "transition_not_allowed")
            #expect(try await DossierMessageModel.query(on: app.db).count() == 0)
        }
    }

    @Test func anotherOrganisationNeitherReadsNorWritesNorDownloads() async throws {
        try await withGuichet { app in
            let (_, id) = try await Factory.filedDossier(app)
            let instructor = try await Factory.aisneInstructor(app)
            try await instructor.get(SiteURL.staffDossier(id).path)
            try await instructor.postMultipart(
                SiteURL.staffMessages(id).path, [("body", "Question")], files: [("file", "q.pdf", SampleFiles.pdf)])
            let file = try #require(try await MessageAttachmentModel.query(on: app.db).first())
            let stranger = try await Applicant.make(app, email: "intrus@exemple.fr", organisation: "Intrus")
            #expect(try await stranger.browser.get(SiteURL.dossierMessages(id).path).status == .notFound)
            try await stranger.browser.get(SiteURL.account.path)
            #expect(
                try await stranger.browser.postMultipart(SiteURL.dossierMessages(id).path, [("body", "x")]).status
                    == .notFound)
            #expect(
                try await stranger.browser.get(
                    SiteURL.messageAttachment(dossier: id, attachment: file.requireID()).path
                ).status == .notFound)
            let nord = try await Factory.staff(app, "ddets59@exemple.fr", scopes: ["departement:59"])
            try await nord.get(SiteURL.instruction.path)
            #expect(try await nord.postMultipart(SiteURL.staffMessages(id).path, [("body", "x")]).status == .notFound)
            #expect(try await DossierMessageModel.query(on: app.db).count() == 1)
        }
    }

    @Test func labelsAreSharedFilterTheQueueAndAreInTheHistory() async throws {
        try await withGuichet { app in
            let instructor = try await Factory.aisneInstructor(app)
            let dossier = try await Factory.demoDossier(app, group: "departement:02")
            let id = try dossier.requireID()
            try await instructor.get(SiteURL.staffDossier(id).path)
            #expect(
                try await instructor.post(SiteURL.staffLabels(id).path, ["label": "  Comité   de juin "]).status
                    == .seeOther)
            // The same label in other letters is the same label: not added twice.
            try await instructor.post(SiteURL.staffLabels(id).path, ["label": "comité de JUIN"])
            #expect(try await DossierLabelModel.query(on: app.db).count() == 1)
            let refused = try await instructor.post(
                SiteURL.staffLabels(id).path, ["label": String(repeating: "x", count: 41)])
            #expect(refused.headers.first(name: "X-Guichet-Error") == "invalid_form")
            let queue = try await instructor.get(SiteURL.instruction.path + "?etiquette=comit%C3%A9%20de%20juin")
            #expect(queue.visibleText.contains("sur 1 "))
            #expect(queue.visibleText.contains("Comité de juin"))
            let colleague = try await Factory.staff(app, "collegue02@exemple.fr", scopes: ["departement:02"])
            #expect(try await colleague.get(SiteURL.staffDossier(id).path).visibleText.contains("Comité de juin"))
            try await colleague.post(SiteURL.staffLabelRemoval(id).path, ["label": "COMITÉ DE JUIN"])
            #expect(try await DossierLabelModel.query(on: app.db).count() == 0)
            let actions = try await AuditEntryModel.query(on: app.db).filter(\.$entityID == id).all(\.$action)
            #expect(actions.filter { $0 == "label_added" }.count == 1)
            #expect(actions.filter { $0 == "label_removed" }.count == 1)
        }
    }

    /// The queue's label filter offers each label in use once, and only those of the person's
    /// territories: a label given in another département says nothing to them.
    @Test func theLabelFilterOffersTheLabelsOfThePersonsTerritoriesOnce() async throws {
        try await withGuichet { app in
            let aisne = try await Factory.aisneInstructor(app)
            let nordAgent = try await Factory.staff(app, "ddets59@exemple.fr", scopes: ["departement:59"])
            let first = try await Factory.demoDossier(app, group: "departement:02")
            let second = try #require(
                try await DossierModel.query(on: app.db).filter(\.$instructorGroup == "departement:02").sort(\.$number)
                    .range(1..<2).first())
            let nord = try await Factory.demoDossier(app, group: "departement:59")
            try await aisne.get(SiteURL.instruction.path)
            try await nordAgent.get(SiteURL.instruction.path)
            try await aisne.post(SiteURL.staffLabels(try first.requireID()).path, ["label": "Visite prévue"])
            try await aisne.post(SiteURL.staffLabels(try second.requireID()).path, ["label": "visite PRÉVUE"])
            try await aisne.post(SiteURL.staffLabels(try second.requireID()).path, ["label": "Budget à revoir"])
            try await nordAgent.post(SiteURL.staffLabels(try nord.requireID()).path, ["label": "Dossier sensible"])
            #expect(try await DossierLabelModel.query(on: app.db).count() == 4)
            let teamwork = Teamwork(database: app.db, now: Date())
            let offered = try await teamwork.labelsInUse(groups: ["departement:02"])
            #expect(offered.count == 2)
            #expect(offered.first == "Budget à revoir")
            #expect(offered.last?.lowercased() == "visite prévue")
            #expect(try await teamwork.labelsInUse(groups: nil).count == 3)
            #expect(try await teamwork.labelsInUse(groups: []).isEmpty)
            let queue = try await aisne.get(SiteURL.instruction.path)
            #expect(queue.body.string.contains("Budget à revoir"))
            #expect(!queue.body.string.contains("Dossier sensible"))
            #expect(try await nordAgent.get(SiteURL.instruction.path).body.string.contains("Dossier sensible"))
        }
    }

    @Test func internalNotesStayInsideTheInstruction() async throws {
        try await withGuichet { app in
            let (applicant, id) = try await Factory.filedDossier(app)
            let instructor = try await Factory.aisneInstructor(app)
            try await instructor.get(SiteURL.staffDossier(id).path)
            #expect(
                try await instructor.post(
                    SiteURL.staffAnnotations(id).path, ["note": "Porteur solide, déjà financé en 2020."]
                ).status == .seeOther)
            #expect(
                try await instructor.post(SiteURL.staffAnnotations(id).path, ["note": ""]).headers.first(
                    name: "X-Guichet-Error") == "invalid_form")
            #expect(try await DossierAnnotationModel.query(on: app.db).count() == 1)
            #expect(
                try await instructor.get(SiteURL.staffDossier(id).path).visibleText.contains("déjà financé en 2020"))
            for path in [SiteURL.dossier(id).path, SiteURL.dossierMessages(id).path, SiteURL.dossierReceipt(id).path] {
                #expect(!(try await applicant.browser.get(path).body.string.contains("déjà financé")))
            }
            // A colleague who declared a link with the organisation does not read them.
            let linked = try await Factory.staff(app, "lie02@exemple.fr", scopes: ["departement:02"])
            let organisation = try #require(try await DossierModel.find(id, on: app.db)?.$organisation.get(on: app.db))
            try await linked.get(SiteURL.staffLinks.path)
            try await linked.post(
                SiteURL.staffLinks.path,
                ["rna": organisation.rna ?? "", "siret": organisation.siret ?? "", "description": "Bénévole"])
            let page = try await linked.get(SiteURL.staffDossier(id).path)
            #expect(!page.visibleText.contains("déjà financé en 2020"))
            #expect(
                try await linked.post(SiteURL.staffAnnotations(id).path, ["note": "x"]).headers.first(
                    name: "X-Guichet-Error") == "conflict_of_interest")
        }
    }

    @Test func aBulkActionAppliesToTheSelectionAllOrNothing() async throws {
        try await withGuichet { app in
            let instructor = try await Factory.aisneInstructor(app)
            try await instructor.get(SiteURL.instruction.path)
            let aisne = try await DossierModel.query(on: app.db).filter(\.$instructorGroup == "departement:02").sort(
                \.$number
            ).range(0..<3).all()
            let ids = try aisne.map { try $0.requireID().uuidString.lowercased() }
            let back = SiteURL.instruction.path + "?statut=retained"
            let take = try await instructor.post(
                SiteURL.bulkActions.path,
                pairs: ids.map { ("dossiers", $0) } + [("action", "prendre"), ("retour", back)])
            #expect(take.status == .seeOther)
            #expect(take.headers.first(name: .location) == back)
            #expect(
                try await DossierModel.query(on: app.db).filter(\.$id ~~ aisne.map { try $0.requireID() }).filter(
                    \.$assigneeID == nil
                ).count() == 0)
            // A colleague finds them under the instructor's name in the queue's filter.
            let me = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "ddets02@exemple.fr").first())
            let byName = try await instructor.get(
                SiteURL.instruction.path + "?assignation=\(try me.requireID().uuidString.lowercased())")
            #expect(byName.visibleText.contains("sur 3 "))
            #expect(
                try await instructor.get(SiteURL.instruction.path + "?assignation=inconnu").visibleText.contains(
                    "sur 0 "))
            let label = try await instructor.post(
                SiteURL.bulkActions.path,
                pairs: ids.map { ("dossiers", $0) } + [("action", "etiqueter"), ("label", "À relancer")])
            #expect(label.headers.first(name: "X-Guichet-Error") == nil)
            #expect(try await DossierLabelModel.query(on: app.db).count() == 3)
            // One dossier outside the scope in the selection: nothing happens.
            let nord = try await Factory.demoDossier(app, group: "departement:59")
            let mixed = try await instructor.post(
                SiteURL.bulkActions.path,
                pairs: (ids + [try nord.requireID().uuidString]).map { ("dossiers", $0) }
                    + [("action", "desetiqueter"), ("label", "À relancer")])
            #expect(mixed.headers.first(name: "X-Guichet-Error") == "invalid_form")
            #expect(try await DossierLabelModel.query(on: app.db).count() == 3)
            // Nothing ticked, an unknown action, an open redirect: refused, back to the queue.
            let none = try await instructor.post(
                SiteURL.bulkActions.path, pairs: [("action", "prendre"), ("retour", "https://ailleurs.example/")])
            #expect(none.headers.first(name: "X-Guichet-Error") == "invalid_form")
            #expect(none.headers.first(name: .location) == SiteURL.instruction.path)
            let unknown = try await instructor.post(
                SiteURL.bulkActions.path, pairs: ids.map { ("dossiers", $0) } + [("action", "supprimer")])
            #expect(unknown.headers.first(name: "X-Guichet-Error") == "invalid_form")
            // Given to a colleague of another département: refused for all.
            let nordAgent = try await Factory.staff(app, "ddets59@exemple.fr", scopes: ["departement:59"])
            _ = nordAgent
            let other = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "ddets59@exemple.fr").first())
            let give = try await instructor.post(
                SiteURL.bulkActions.path,
                pairs: ids.map { ("dossiers", $0) }
                    + [("action", "attribuer"), ("assignee", try other.requireID().uuidString)])
            #expect(give.headers.first(name: "X-Guichet-Error") == "invalid_form")
            #expect(try await DossierModel.query(on: app.db).filter(\.$assigneeID == other.requireID()).count() == 0)
            let csv = try await instructor.get("/instruction/export.csv?etiquette=%C3%A0%20relancer")
            #expect(try CSV.rows(String(csv.body.string.dropFirst())).count == 4)
        }
    }
}
