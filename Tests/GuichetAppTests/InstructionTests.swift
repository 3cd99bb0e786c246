import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

@Suite struct InstructionTests {

    @Test func anInstructorSeesOnlyTheirDepartement() async throws {
        try await withGuichet { app in
            let aisne = try await Factory.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
            let page = try await aisne.get(SiteURL.instruction.path + "?tri=numero")
            #expect(page.status == .ok)
            let expected = try await DossierModel.query(on: app.db).filter(\.$instructorGroup == "departement:02")
                .count()
            #expect(expected > 0)
            #expect(page.visibleText.contains("\(expected) dossiers déposés dans votre périmètre"))
            #expect(!page.visibleText.contains("Hauts-de-France (région)"))
            let mine = try await Factory.demoDossier(app, group: "departement:02")
            let other = try await Factory.demoDossier(app, group: "departement:59")
            let regional = try await Factory.demoDossier(app, group: "region:32")
            #expect(try await aisne.get(SiteURL.staffDossier(mine.requireID()).path).status == .ok)
            #expect(try await aisne.get(SiteURL.staffDossier(other.requireID()).path).status == .notFound)
            #expect(try await aisne.get(SiteURL.staffDossier(regional.requireID()).path).status == .notFound)
        }
    }

    @Test func theRegionSeesItsDepartementsAndTheNationalLevelSeesAll() async throws {
        try await withGuichet { app in
            let dreets = try await Factory.staff(app, "dreets@exemple.fr", scopes: ["region:32"])
            let page = try await dreets.get(SiteURL.instruction.path)
            #expect(page.visibleText.contains("287 dossiers déposés dans votre périmètre"))
            let nord = try await Factory.demoDossier(app, group: "departement:59")
            #expect(try await dreets.get(SiteURL.staffDossier(nord.requireID()).path).status == .ok)
            let idf = try await Factory.staff(app, "idf@exemple.fr", scopes: ["region:11"])
            #expect(try await idf.get(SiteURL.instruction.path).visibleText.contains("0 dossiers déposés"))
            #expect(try await idf.get(SiteURL.staffDossier(nord.requireID()).path).status == .notFound)
        }
    }

    @Test func filtersCountsAndPagesNarrowTheQueue() async throws {
        try await withGuichet { app in
            let dreets = try await Factory.staff(app, "dreets@exemple.fr", scopes: ["region:32"])
            let all = try await dreets.get(SiteURL.instruction.path)
            #expect(all.visibleText.contains("Dossiers 1 à 50 sur 287"))
            #expect(all.body.string.contains("page=2"))
            // The demo's laureates: most carry their grant (signed, paid, reported), one per
            // group is still at its decision.
            let retainedCount = try await DossierModel.query(on: app.db).filter(\.$status == "retained").count()
            let reportedCount = try await DossierModel.query(on: app.db).filter(\.$status == "reported").count()
            #expect(retainedCount > 0 && reportedCount > 0)
            let retained = try await dreets.get(SiteURL.instruction.path + "?statut=retained")
            #expect(retained.visibleText.contains("sur \(retainedCount) "))
            #expect(retained.visibleText.contains("retenu : \(retainedCount)"))
            #expect(retained.visibleText.contains("bilan remis : \(reportedCount)"))
            let sommeCount = try await DossierModel.query(on: app.db).filter(\.$status == "reported")
                .filter(\.$instructorGroup == "departement:80").filter(\.$themeCode == "alimentation").count()
            #expect(sommeCount >= 1)
            let somme = try await dreets.get(
                SiteURL.instruction.path + "?statut=reported&territoire=departement:80&theme=alimentation")
            #expect(somme.visibleText.contains("sur \(sommeCount) "))
            let last = try await dreets.get(SiteURL.instruction.path + "?page=6")
            #expect(last.visibleText.contains("Dossiers 251 à 287 sur 287"))
            // Nonsense filters narrow to nothing rather than failing.
            let nonsense = try await dreets.get(SiteURL.instruction.path + "?statut=nimporte&page=-4&tri=nimporte")
            #expect(nonsense.status == .ok)
            // A NUL character is no filter at all: refused, named (PostgreSQL refuses it in any text).
            let nul = try await dreets.get(SiteURL.instruction.path + "?statut=retained&theme=a%00b")
            #expect(nul.status == .badRequest)
            #expect(nul.visibleText.contains("Le paramètre « theme » de l'adresse est mal formé"))
            // The call: a filter and a column, since several calls' dossiers share a queue.
            let call = try #require(
                try await CallModel.query(on: app.db).filter(\.$reference == DemoCall.reference).first())
            #expect(all.visibleText.contains(call.title))
            #expect(all.body.string.contains("<option value=\"\(DemoCall.reference)\""))
            let ofTheCall = try await dreets.get(
                SiteURL.instruction.path + "?appel=\(DemoCall.reference)&statut=retained")
            #expect(ofTheCall.visibleText.contains("sur \(retainedCount) "))
            let ofAnother = try await dreets.get(
                SiteURL.instruction.path + "?appel=\(PracticeCall.reference)&statut=retained")
            #expect(ofAnother.visibleText.contains("sur 0 "))
            #expect(ofAnother.body.string.contains("appel=\(PracticeCall.reference)&amp;statut=retained"))
            // "Retour à la liste" leads back to the queue as it was filtered, even after an action.
            let retainedOne = try #require(
                try await DossierModel.query(on: app.db).filter(\.$status == "retained").filter(
                    \.$themeCode == "alimentation"
                )
                .first())
            _ = try await dreets.get(SiteURL.instruction.path + "?statut=retained&theme=alimentation&page=1")
            let dossierPage = try await dreets.get(SiteURL.staffDossier(retainedOne.requireID()).path)
            #expect(
                dossierPage.body.string.contains(
                    "href=\"/instruction?statut=retained&amp;theme=alimentation&amp;page=1\">Retour à la liste"))
            _ = try await dreets.post(SiteURL.takeDossier(retainedOne.requireID()).path, [:])
            let afterTaking = try await dreets.get(SiteURL.staffDossier(retainedOne.requireID()).path)
            #expect(
                afterTaking.body.string.contains(
                    "href=\"/instruction?statut=retained&amp;theme=alimentation&amp;page=1\""))
        }
    }

    @Test func theCSVExportHasTheFiltersAndTheScopeOfThePage() async throws {
        try await withGuichet { app in
            let aisne = try await Factory.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
            let page = try await aisne.get(SiteURL.instruction.path + "?statut=retained")
            #expect(page.body.string.contains("/instruction/export.csv?statut=retained"))
            let csv = try await aisne.get("/instruction/export.csv?statut=retained")
            #expect(csv.status == .ok)
            #expect(csv.headers.first(name: .contentType) == "text/csv; charset=utf-8")
            let rows = try CSV.rows(String(csv.body.string.dropFirst()))
            let retainedInAisne = try await DossierModel.query(on: app.db).filter(
                \.$instructorGroup == "departement:02"
            )
            .filter(\.$status == "retained").count()
            #expect(rows.count == retainedInAisne + 1)
            #expect(rows.first?.first == "Numéro")
            #expect(rows.dropFirst().allSatisfy { $0[4] == "Aisne (02)" && $0[5] == "retenu" })
            let applicant = try await Applicant.make(app, email: "x@exemple.fr", organisation: "X")
            #expect(try await applicant.browser.get("/instruction/export.csv").status == .notFound)
        }
    }

    @Test func takingADossierIsRecordedInItsHistory() async throws {
        try await withGuichet { app in
            let aisne = try await Factory.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
            let dossier = try await Factory.demoDossier(app, group: "departement:02")
            let id = try dossier.requireID()
            let page = try await aisne.get(SiteURL.staffDossier(id).path)
            #expect(page.visibleText.contains("Historique"))
            #expect(page.visibleText.contains("déposé"))
            #expect(page.visibleText.contains("Prendre ce dossier"))
            #expect(try await aisne.post(SiteURL.takeDossier(id).path, [:], csrf: false).status == .forbidden)
            #expect(try await aisne.post(SiteURL.takeDossier(id).path, [:]).status == .seeOther)
            #expect(try await DossierModel.find(id, on: app.db)?.assigneeID != nil)
            // Taken, it is no longer offered to the same person.
            #expect(!(try await aisne.get(SiteURL.staffDossier(id).path).visibleText.contains("Prendre ce dossier")))
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$entityID == id).filter(\.$action == "assign")
                    .count() == 1)
            let mine = try await aisne.get(SiteURL.instruction.path + "?assignation=moi")
            #expect(mine.visibleText.contains("sur 1 "))
        }
    }

    @Test func aDossierCanBeHandedToAColleagueOfTheTerritoryOnly() async throws {
        try await withGuichet { app in
            let aisne = try await Factory.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
            _ = try await Factory.staff(app, "ddets02-bis@exemple.fr", scopes: ["departement:02"])
            _ = try await Factory.staff(app, "ddets59@exemple.fr", scopes: ["departement:59"])
            let dossier = try await Factory.demoDossier(app, group: "departement:02")
            let id = try dossier.requireID()
            let colleague = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "ddets02-bis@exemple.fr").first())
            let outsider = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "ddets59@exemple.fr").first())
            let page = try await aisne.get(SiteURL.staffDossier(id).path)
            #expect(page.visibleText.contains("Agent ddets02-bis@exemple.fr"))
            #expect(!page.visibleText.contains("Agent ddets59@exemple.fr"))
            let refused = try await aisne.post(
                SiteURL.staffDossier(id).path + "/attribuer", ["assignee": outsider.requireID().uuidString])
            #expect(refused.headers.first(name: "X-Guichet-Error") == "invalid_form")
            #expect(try await DossierModel.find(id, on: app.db)?.assigneeID == nil)
            try await aisne.post(
                SiteURL.staffDossier(id).path + "/attribuer", ["assignee": colleague.requireID().uuidString])
            #expect(try await DossierModel.find(id, on: app.db)?.assigneeID == colleague.id)
            let entry = try #require(
                try await AuditEntryModel.query(on: app.db).filter(\.$entityID == id).filter(\.$action == "assign")
                    .first())
            #expect(entry.reason == "Attribué à Agent ddets02-bis@exemple.fr")
        }
    }

    @Test func applicantsAndAnonymousVisitorsDoNotSeeTheInstruction() async throws {
        try await withGuichet { app in
            let applicant = try await Applicant.make(app)
            let dossier = try await Factory.demoDossier(app, group: "departement:02")
            #expect(try await applicant.browser.get(SiteURL.instruction.path).status == .notFound)
            #expect(try await applicant.browser.get(SiteURL.staffDossier(dossier.requireID()).path).status == .notFound)
            #expect(try await Browser(app).get(SiteURL.instruction.path).status == .seeOther)
            let expert = try await Factory.staff(
                app, "draaf@exemple.fr", role: .expert, scopes: ["service:DRAAF:alimentation"])
            #expect(try await expert.get(SiteURL.instruction.path).status == .notFound)
        }
    }

    @Test func staffAccountsAreCheckedWhenCreated() async throws {
        try await withGuichet(demo: false) { app in
            let directory = StaffDirectory(database: app.db)
            let cases: [(String, Role, [String], String)] = [
                ("a@b.fr", .instructor, [], "scope"),
                ("a@b.fr", .instructor, ["departement:99"], "scope"),
                ("a@b.fr", .expert, ["departement:02"], "scope"),
                ("pas-une-adresse", .instructor, ["departement:02"], "email"),
                ("a@b.fr", .applicant, ["departement:02"], "role"),
            ]
            for (email, role, scopes, field) in cases {
                do {
                    _ = try await directory.createStaff(
                        email: email, name: "Agent", role: role, scopes: scopes, password: Factory.staffPassword,
                        hasher: app.password.async, now: Date())
                    Issue.record("accepted \(email) \(role) \(scopes)")
                } catch DomainError.invalidForm(let errors) {
                    #expect(errors[field] != nil, "\(field): \(errors)")
                }
            }
            #expect(try await UserModel.query(on: app.db).count() == 0)
        }
    }
}

@Suite struct InstructionActionTests {
    func status(_ app: Application, _ id: UUID) async throws -> String? {
        try await DossierModel.find(id, on: app.db)?.status
    }

    @Test func aCorrectionRequestGoesBackToTheApplicantAndReturnsWhenRefiled() async throws {
        try await withGuichet { app in
            let (applicant, id) = try await Factory.filedDossier(app)
            #expect(try await DossierModel.find(id, on: app.db)?.instructorGroup == "departement:02")
            let instructor = try await Factory.aisneInstructor(app)
            try await instructor.get(SiteURL.staffDossier(id).path)
            let due = ParisTime.isoDay(Date().addingTimeInterval(10 * 86_400))
            // Refused: no message, a due day in the past.
            try await instructor.post(SiteURL.staffDossier(id).path + "/complement", ["message": " ", "due_on": due])
            try await instructor.post(
                SiteURL.staffDossier(id).path + "/complement", ["message": "RIB illisible", "due_on": "2020-01-01"])
            #expect(try await status(app, id) == "filed")
            try await instructor.post(
                SiteURL.staffDossier(id).path + "/complement", ["message": "Le RIB est illisible.", "due_on": due])
            #expect(try await status(app, id) == "incomplete")
            #expect(try await outbox(app, to: "asso@exemple.fr").last?.kind == "correction_request")
            // The applicant sees the request, completes and refiles; the number stays.
            let page = try await applicant.browser.get(SiteURL.dossier(id).path)
            #expect(page.visibleText.contains("Le RIB est illisible."))
            try await applicant.browser.postMultipart(
                SiteURL.editDossier(id).path, [], files: [("bank_details", "rib.pdf", SampleFiles.pdf)])
            try await applicant.browser.get(SiteURL.dossierSummary(id).path)
            #expect(try await applicant.browser.post(SiteURL.fileDossier(id).path, [:]).status == .seeOther)
            let refiled = try #require(try await DossierModel.find(id, on: app.db))
            #expect(refiled.status == "filed" && refiled.number == "ESSAI-0001" && refiled.correctionMessage == nil)
        }
    }

    @Test func aReminderLeavesOnceTwoDaysBeforeTheCorrectionIsDue() async throws {
        try await withGuichet { app in
            let (_, id) = try await Factory.filedDossier(app)
            let instructor = try await Factory.aisneInstructor(app)
            try await instructor.get(SiteURL.staffDossier(id).path)
            let dueDay = Date().addingTimeInterval(10 * 86_400)
            try await instructor.post(
                SiteURL.staffDossier(id).path + "/complement",
                [
                    "message": "Joindre les statuts signés.",
                    "due_on": ParisTime.isoDay(dueDay),
                ])
            let due = try #require(try await DossierModel.find(id, on: app.db)?.correctionDueOn)
            func run(_ now: Date) async throws -> Int {
                try await InstructionService(database: app.db, configuration: app.guichetConfiguration, now: now)
                    .sendCorrectionReminders()
            }
            #expect(try await run(due.addingTimeInterval(-3 * 86_400)) == 0, "too early")
            #expect(try await run(due.addingTimeInterval(-86_400)) == 1)
            #expect(try await run(due.addingTimeInterval(-3_600)) == 0, "once only")
            #expect(try await outbox(app, to: "asso@exemple.fr").last?.kind == "correction_reminder")
        }
    }

    @Test func eligibilityReviewAndOpinionFollowTheRules() async throws {
        try await withGuichet { app in
            let (_, id) = try await Factory.filedDossier(app)
            let instructor = try await Factory.aisneInstructor(app)
            let base = SiteURL.staffDossier(id).path
            try await instructor.get(base)
            // An opinion before review is refused.
            try await instructor.post(base + "/avis", ["kind": "favourable", "amount": "10 000", "motive": "Bien"])
            #expect(try await OpinionModel.query(on: app.db).filter(\.$dossier.$id == id).count() == 0)
            // Ineligible needs a motive.
            let noMotive = try await instructor.post(base + "/recevabilite", ["decision": "irrecevable", "motive": ""])
            #expect(noMotive.headers.first(name: "X-Guichet-Error") == "missing_data")
            #expect(try await status(app, id) == "filed")
            try await instructor.post(base + "/recevabilite", ["decision": "recevable"])
            #expect(try await status(app, id) == "eligible")
            // The page reads as the work goes: the dossier first, then what its state allows, each
            // with what it does; the grid is announced before the review starts.
            let eligible = try await instructor.get(base).visibleText
            let contents = try #require(eligible.range(of: "Le dossier"))
            let start = try #require(eligible.range(of: "Commencer l'instruction Le dossier passe « en instruction »"))
            #expect(contents.upperBound < start.lowerBound)
            #expect(eligible.contains("La grille note"))
            try await instructor.post(base + "/instruction", [:])
            #expect(try await status(app, id) == "under_review")
            // Closing asks for a confirmation; without it nothing moves.
            #expect(try await instructor.get(base).visibleText.contains("Je confirme la clôture de l'instruction"))
            let unconfirmed = try await instructor.post(base + "/instruction", [:])
            #expect(unconfirmed.headers.first(name: "X-Guichet-Error") == "invalid_form")
            #expect(try await status(app, id) == "under_review")
            // A proposal above the 45 000 € requested is refused, nothing stored, what was typed kept.
            let above = try await instructor.post(
                base + "/avis", ["kind": "favourable", "amount": "45 000,01", "motive": "Très bon projet"])
            #expect(above.headers.first(name: "X-Guichet-Error") == "amount_above_request")
            let refused = try await instructor.get(base)
            #expect(refused.visibleText.contains("Le montant proposé"))
            #expect(refused.body.string.contains(#"name="amount" type="text" inputmode="decimal" value="45 000,01""#))
            #expect(refused.body.string.contains(">Très bon projet</textarea>"))
            #expect(refused.body.string.contains(#"value="favourable" checked"#))
            // Read once: the next visit shows an empty form again.
            #expect(!(try await instructor.get(base).body.string.contains("Très bon projet")))
            #expect(try await OpinionModel.query(on: app.db).filter(\.$dossier.$id == id).count() == 0)
            try await instructor.post(
                base + "/avis",
                ["kind": "favourable_with_reservations", "amount": "40 000", "motive": "Budget à préciser"])
            let opinion = try #require(try await OpinionModel.query(on: app.db).filter(\.$dossier.$id == id).first())
            #expect(opinion.proposedCents == 4_000_000 && opinion.kind == "favourable_with_reservations")
            let page = try await instructor.get(base)
            #expect(page.visibleText.contains("favorable avec réserves"))
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$entityID == id).filter(
                    \.$action == "give_opinion"
                ).count() == 1)
        }
    }

    @Test func anOpinionOnAWithdrawnDossierIsRefused() async throws {
        try await withGuichet { app in
            let (applicant, id) = try await Factory.filedDossier(app)
            try await applicant.browser.get(SiteURL.dossier(id).path)
            try await applicant.browser.post(SiteURL.withdrawDossier(id).path, ["reason": "Financé ailleurs"])
            #expect(try await status(app, id) == "withdrawn")
            let instructor = try await Factory.aisneInstructor(app)
            try await instructor.get(SiteURL.staffDossier(id).path)
            let res = try await instructor.post(
                SiteURL.staffDossier(id).path + "/avis", ["kind": "unfavourable", "amount": "", "motive": "Retiré"])
            #expect(res.headers.first(name: "X-Guichet-Error") == "transition_not_allowed")
            #expect(try await OpinionModel.query(on: app.db).filter(\.$dossier.$id == id).count() == 0)
        }
    }

    @Test func aLinkedInstructorIsRecusedAndNothingIsStored() async throws {
        try await withGuichet { app in
            let (applicant, id) = try await Factory.filedDossier(app)
            let rna = try #require(try await OrganisationModel.find(applicant.organisationID, on: app.db)?.rna)
            let instructor = try await Factory.aisneInstructor(app)
            // Declaring: bad input first, then the link.
            try await instructor.get(SiteURL.staffLinks.path)
            let bad = try await instructor.post(
                SiteURL.staffLinks.path, ["siret": "73282932000075", "rna": "", "description": "Bénévole"])
            #expect(bad.status == .unprocessableEntity)
            #expect(try await StaffLinkModel.query(on: app.db).count() == 0)
            #expect(
                try await instructor.post(
                    SiteURL.staffLinks.path, ["siret": "", "rna": rna, "description": "Membre du bureau"]
                ).status == .seeOther)
            // A colleague gives an opinion; the linked instructor neither takes, nor gives one, nor sees it.
            let colleague = try await Factory.staff(app, "dreets@exemple.fr", scopes: ["region:32"])
            let base = SiteURL.staffDossier(id).path
            try await colleague.get(base)
            try await colleague.post(base + "/recevabilite", ["decision": "recevable"])
            try await colleague.post(base + "/instruction", ["confirmer": "oui"])
            try await colleague.post(base + "/avis", ["kind": "favourable", "amount": "30 000", "motive": "Solide"])
            #expect(try await OpinionModel.query(on: app.db).filter(\.$dossier.$id == id).count() == 1)
            let page = try await instructor.get(base)
            #expect(page.visibleText.contains("vous êtes déporté de ce dossier"))
            #expect(!page.visibleText.contains("Solide"))
            let take = try await instructor.post(base + "/prendre", [:])
            #expect(take.headers.first(name: "X-Guichet-Error") == "conflict_of_interest")
            let opinion = try await instructor.post(
                base + "/avis", ["kind": "unfavourable", "amount": "", "motive": "Non"])
            #expect(opinion.headers.first(name: "X-Guichet-Error") == "conflict_of_interest")
            #expect(try await OpinionModel.query(on: app.db).filter(\.$dossier.$id == id).count() == 1)
            #expect(try await DossierModel.find(id, on: app.db)?.assigneeID == nil)
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$entityID == id).filter(\.$action == "recusal")
                    .count() == 2)
        }
    }

    @Test func severalReviewersScoreOnTheGridAndTheAggregateShowsTheSpread() async throws {
        try await withGuichet { app in
            let (_, id) = try await Factory.filedDossier(app)
            let aisne = try await Factory.aisneInstructor(app)
            let dreets = try await Factory.staff(app, "dreets@exemple.fr", scopes: ["region:32"])
            let base = SiteURL.staffDossier(id).path
            try await aisne.get(base)
            try await aisne.post(base + "/recevabilite", ["decision": "recevable"])
            try await aisne.post(base + "/instruction", ["confirmer": "oui"])
            let all4 = [
                "note_pertinence": "4", "note_impact": "4", "note_faisabilite": "4", "note_partenariats": "4",
                "note_efficience": "4",
            ]
            // Refused: a missing criterion, a mark off the scale.
            let missing = try await aisne.post(
                base + "/notes", ["note_pertinence": "3", "commentaire_pertinence": "Bien ciblé"])
            #expect(missing.headers.first(name: "X-Guichet-Error") == "invalid_form")
            // What was marked and written comes back in the form.
            let kept = try await aisne.get(base).body.string
            #expect(kept.contains(#"name="note_pertinence" value="3" checked"#))
            #expect(kept.contains(#"value="Bien ciblé""#))
            var off = all4
            off["note_impact"] = "7"
            #expect(try await aisne.post(base + "/notes", off).headers.first(name: "X-Guichet-Error") == "invalid_form")
            #expect(try await ReviewModel.query(on: app.db).filter(\.$dossier.$id == id).count() == 0)
            var withComment = all4
            withComment["commentaire_impact"] = "Très bon ancrage local"
            try await aisne.post(base + "/notes", withComment)
            try await dreets.get(base)
            try await dreets.post(
                base + "/notes",
                [
                    "note_pertinence": "3", "note_impact": "2", "note_faisabilite": "4",
                    "note_partenariats": "0", "note_efficience": "1",
                ])
            let reviews = try await ReviewModel.query(on: app.db).filter(\.$dossier.$id == id).all()
            #expect(Set(reviews.map(\.score)) == [10_000, 6_000])
            let page = try await aisne.get(base)
            #expect(page.visibleText.contains("80,00 / 100 (moyenne de 2 notations, écart 40,00)"))
            #expect(page.visibleText.contains("Très bon ancrage local"))
            let queue = try await aisne.get(SiteURL.instruction.path + "?statut=under_review&note_min=75")
            #expect(queue.visibleText.contains("sur 1 "))
            #expect(queue.visibleText.contains("80,00 (±40,00, 2)"))
            #expect(
                try await aisne.get(SiteURL.instruction.path + "?statut=under_review&note_min=90").visibleText.contains(
                    "sur 0 "))
            // The filter form sends every field: empty bounds mean no bound; a word is refused.
            let whole = try await aisne.get(
                SiteURL.instruction.path
                    + "?statut=under_review&theme=&territoire=&assignation=&etiquette=&note_min=&note_max=+&tri=numero")
            #expect(whole.status == .ok)
            #expect(whole.visibleText.contains("sur 1 "))
            let word = try await aisne.get(SiteURL.instruction.path + "?note_min=beaucoup")
            #expect(word.status == .badRequest)
            #expect(word.visibleText.contains("note_min"))
        }
    }

    @Test func aLinkedReviewerCannotScore() async throws {
        try await withGuichet { app in
            let (applicant, id) = try await Factory.filedDossier(app)
            let rna = try #require(try await OrganisationModel.find(applicant.organisationID, on: app.db)?.rna)
            let aisne = try await Factory.aisneInstructor(app)
            let base = SiteURL.staffDossier(id).path
            try await aisne.get(base)
            try await aisne.post(base + "/recevabilite", ["decision": "recevable"])
            try await aisne.post(base + "/instruction", ["confirmer": "oui"])
            try await aisne.get(SiteURL.staffLinks.path)
            try await aisne.post(SiteURL.staffLinks.path, ["rna": rna, "description": "Trésorière"])
            try await aisne.get(base)
            let res = try await aisne.post(
                base + "/notes",
                [
                    "note_pertinence": "4", "note_impact": "4", "note_faisabilite": "4",
                    "note_partenariats": "4", "note_efficience": "4",
                ])
            #expect(res.headers.first(name: "X-Guichet-Error") == "conflict_of_interest")
            #expect(try await ReviewModel.query(on: app.db).filter(\.$dossier.$id == id).count() == 0)
        }
    }

    @Test func anotherDepartementsInstructorCannotAct() async throws {
        try await withGuichet { app in
            let (_, id) = try await Factory.filedDossier(app)
            let nord = try await Factory.staff(app, "ddets59@exemple.fr", scopes: ["departement:59"])
            try await nord.get(SiteURL.instruction.path)
            let attachment = try #require(
                try await AttachmentModel.query(on: app.db).filter(\.$dossier.$id == id).first())
            let path = SiteURL.staffAttachment(dossier: id, attachment: try attachment.requireID()).path
            #expect(try await nord.get(path).status == .notFound)
            let aisne = try await Factory.aisneInstructor(app)
            let file = try await aisne.get(path)
            #expect(file.status == .ok)
            #expect(file.headers.first(name: "X-Content-Type-Options") == "nosniff")
            for action in ["recevabilite", "complement", "instruction", "avis", "prendre", "notes"] {
                #expect(
                    try await nord.post(SiteURL.staffDossier(id).path + "/" + action, ["decision": "recevable"]).status
                        == .notFound)
            }
            #expect(try await status(app, id) == "filed")
        }
    }
}

@Suite struct ExpertTests {
    @Test func anExpertAnswersARequestOfTheirServiceOnce() async throws {
        try await withGuichet { app in
            let (_, id) = try await Factory.filedDossier(app)
            let instructor = try await Factory.aisneInstructor(app)
            let draaf = try await Factory.staff(
                app, "draaf@exemple.fr", role: .expert, scopes: ["service:DRAAF:alimentation"])
            let ars = try await Factory.staff(
                app, "ars@exemple.fr", role: .expert, scopes: ["service:ARS:acces-aux-droits"])
            let base = SiteURL.staffDossier(id).path
            let page = try await instructor.get(base)
            #expect(
                page.visibleText.contains("DRAAF (proposé pour cette thématique)"), "food → DRAAF, from the call's data"
            )
            let due = ParisTime.isoDay(Date().addingTimeInterval(7 * 86_400))
            // Refused: an unknown service, an empty question.
            #expect(
                try await instructor.post(base + "/expertise", ["service": "CAF", "question": "?", "due_on": due])
                    .headers.first(name: "X-Guichet-Error") == "invalid_form")
            #expect(
                try await instructor.post(base + "/expertise", ["service": "DRAAF", "question": " ", "due_on": due])
                    .headers.first(name: "X-Guichet-Error") == "invalid_form")
            try await instructor.post(
                base + "/expertise",
                ["service": "DRAAF", "question": "Le circuit de collecte est-il réaliste ?", "due_on": due])
            let request = try #require(
                try await ExpertRequestModel.query(on: app.db).filter(\.$dossier.$id == id).first())
            #expect(try await outbox(app, to: "draaf@exemple.fr").last?.kind == "expert_request")
            // The DRAAF sees it; the ARS does not.
            #expect(
                try await draaf.get(SiteURL.expertRequests.path).visibleText.contains(
                    "Le circuit de collecte est-il réaliste ?"))
            #expect(try await ars.get(SiteURL.expertRequest(request.requireID()).path).status == .notFound)
            #expect(try await ars.get(SiteURL.expertRequests.path).visibleText.contains("Aucune demande"))
            try await draaf.get(SiteURL.expertRequest(request.requireID()).path)
            let bad = try await draaf.post(
                SiteURL.expertRequest(request.requireID()).path, ["kind": "favourable", "answer_text": " "])
            #expect(bad.headers.first(name: "X-Guichet-Error") == "invalid_form")
            try await draaf.post(
                SiteURL.expertRequest(request.requireID()).path,
                ["kind": "favourable", "answer_text": "Oui, avec les producteurs du MIN."])
            let answered = try #require(try await ExpertRequestModel.find(request.requireID(), on: app.db))
            #expect(answered.status == "answered" && answered.answerKind == "favourable")
            let twice = try await draaf.post(
                SiteURL.expertRequest(request.requireID()).path, ["kind": "unfavourable", "answer_text": "Non"])
            #expect(twice.headers.first(name: "X-Guichet-Error") == "expert_request_closed")
            #expect(try await instructor.get(base).visibleText.contains("Oui, avec les producteurs du MIN."))
            // Instructors cannot answer, experts cannot ask.
            #expect(try await instructor.get(SiteURL.expertRequests.path).status == .notFound)
            #expect(
                try await draaf.post(base + "/expertise", ["service": "DRAAF", "question": "?", "due_on": due]).status
                    == .notFound)
        }
    }

    @Test func expertsAreRemindedOnceTwoDaysBeforeTheDueDay() async throws {
        try await withGuichet { app in
            let (_, id) = try await Factory.filedDossier(app)
            let instructor = try await Factory.aisneInstructor(app)
            _ = try await Factory.staff(app, "draaf@exemple.fr", role: .expert, scopes: ["service:DRAAF"])
            let base = SiteURL.staffDossier(id).path
            try await instructor.get(base)
            try await instructor.post(
                base + "/expertise",
                [
                    "service": "DRAAF", "question": "Avis ?",
                    "due_on": ParisTime.isoDay(Date().addingTimeInterval(10 * 86_400)),
                ])
            let request = try #require(
                try await ExpertRequestModel.query(on: app.db).filter(\.$dossier.$id == id).first())
            func run(_ now: Date) async throws -> Int {
                try await ExpertService(database: app.db, configuration: app.guichetConfiguration, now: now)
                    .sendReminders()
            }
            #expect(try await run(request.dueOn.addingTimeInterval(-3 * 86_400)) == 0)
            #expect(try await run(request.dueOn.addingTimeInterval(-86_400)) == 1)
            #expect(try await run(request.dueOn.addingTimeInterval(-3_600)) == 0, "once only")
            #expect(try await outbox(app, to: "draaf@exemple.fr").last?.kind == "expert_reminder")
        }
    }

    @Test func anExpertCannotAnswerARevokedRequest() async throws {
        try await withGuichet { app in
            let (_, id) = try await Factory.filedDossier(app)
            let instructor = try await Factory.aisneInstructor(app)
            let draaf = try await Factory.staff(
                app, "draaf@exemple.fr", role: .expert, scopes: ["service:DRAAF"])
            let base = SiteURL.staffDossier(id).path
            try await instructor.get(base)
            try await instructor.post(
                base + "/expertise",
                [
                    "service": "DRAAF", "question": "Avis ?",
                    "due_on": ParisTime.isoDay(Date().addingTimeInterval(5 * 86_400)),
                ])
            let request = try #require(
                try await ExpertRequestModel.query(on: app.db).filter(\.$dossier.$id == id).first())
            try await instructor.post(base + "/expertise/\(request.requireID().uuidString.lowercased())/revoquer", [:])
            #expect(try await ExpertRequestModel.find(request.requireID(), on: app.db)?.status == "revoked")
            try await draaf.get(SiteURL.expertRequest(request.requireID()).path)
            let res = try await draaf.post(
                SiteURL.expertRequest(request.requireID()).path, ["kind": "favourable", "answer_text": "Oui"])
            #expect(res.headers.first(name: "X-Guichet-Error") == "expert_request_closed")
            let stored = try #require(try await ExpertRequestModel.find(request.requireID(), on: app.db))
            #expect(stored.answerKind == nil && stored.answerText == nil)
        }
    }
}

/// A malformed filter in the address is refused by name, never silently dropped.
@Suite struct QueryParametersTests {
    @Test func aMalformedFilterIsRefusedNamingItAndAWellFormedOneNarrowsTheList() async throws {
        try await withGuichet { app in
            let instructor = try await Factory.staff(app, "dreets@exemple.fr", scopes: ["region:32"])
            for (query, name) in [("note_min=beaucoup", "note_min"), ("page=deux", "page")] {
                let refused = try await instructor.get(SiteURL.instruction.path + "?" + query)
                #expect(refused.status == .badRequest, "\(query)")
                #expect(refused.visibleText.contains("Le paramètre « \(name) » de l'adresse est mal formé"))
                let export = try await instructor.get(SiteURL.instructionCSV.path + "?" + query)
                #expect(export.status == .badRequest, "\(query)")
            }
            let narrowed = try await instructor.get(SiteURL.instruction.path + "?statut=reported&page=1")
            #expect(narrowed.status == .ok)
            let reported = try await DossierModel.query(on: app.db).filter(\.$status == "reported").count()
            #expect(narrowed.visibleText.contains("sur \(reported) "))
        }
    }
}
