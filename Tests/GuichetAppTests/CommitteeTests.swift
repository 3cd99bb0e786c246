import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// The committee through its pages: a session, attendance, staged decisions, the wave applied.
@Suite struct CommitteeTests {
    @Test func aSessionStagesDecisionsThenAppliesThemAsAWave() async throws {
        try await withGuichet { app in
            // setup
            let c = try await Factory.committeeSession(app)
            let (first, second, third) = (c.dossiers[0], c.dossiers[1], c.dossiers[2])
            let board = try await c.chair.get(SiteURL.committeeSession(c.session).path)
            #expect(board.status == .ok)
            #expect(board.visibleText.contains("Le comité peut délibérer : 2 présent(s)"))
            #expect(board.visibleText.contains("Dossiers classés par note"))
            // act: the member prepares, the chair applies
            let amount = try Money(cents: first.requestedCents)
            #expect(
                try await Factory.stage(c.member, c, first, outcome: "retained", amount: amount.decimalString).headers
                    .first(
                        name: "X-Guichet-Error") == nil)
            try await Factory.stage(c.member, c, second, outcome: "waiting_list")
            try await Factory.stage(
                c.chair, c, third, outcome: "rejected", motive: "Le budget ne détaille pas les dépenses de personnel.")
            #expect(try await StagedDecisionModel.query(on: app.db).filter(\.$session.$id == c.session).count() == 3)
            // Nothing is decided before the wave is applied.
            #expect(try await DossierModel.find(first.requireID(), on: app.db)?.status == "reviewed")
            // The board shows fifty dossiers a page: narrow it to the first dossier's theme and territory.
            let narrowed =
                SiteURL.committeeSession(c.session).path
                + "?theme=\(first.themeCode)&territoire=\(first.instructorGroup ?? "")"
            let staged = try await c.chair.get(narrowed)
            #expect(staged.visibleText.contains("retenu pour \(amount.formatted())"))
            #expect(
                try await c.member.post(SiteURL.committeeSession(c.session).path + "/appliquer", ["confirmer": "oui"])
                    .headers.first(
                        name: "X-Guichet-Error") == "actor_not_allowed")
            // The board leads to a confirmation with the totals and who will be mailed.
            let confirmation = try await c.chair.get(SiteURL.committeeApplication(c.session).path)
            #expect(confirmation.status == .ok)
            #expect(confirmation.visibleText.contains("1 dossier(s) retenu(s) pour \(amount.formatted())"))
            #expect(confirmation.visibleText.contains("1 dossier(s) sur liste d'attente"))
            #expect(confirmation.visibleText.contains("Un courriel de décision part pour"))
            #expect(confirmation.visibleText.contains("Appliquer définitivement les décisions"))
            let unticked = try await c.chair.post(SiteURL.committeeApplication(c.session).path, [:])
            #expect(unticked.headers.first(name: "X-Guichet-Error") == "invalid_form")
            #expect(unticked.headers.first(name: "Location") == SiteURL.committeeApplication(c.session).path)
            #expect(try await DossierModel.find(first.requireID(), on: app.db)?.status == "reviewed")
            #expect(
                try await c.chair.get(SiteURL.committeeApplication(c.session).path).visibleText.contains(
                    "Cochez « Je confirme"))
            let applied = try await c.chair.post(
                SiteURL.committeeSession(c.session).path + "/appliquer", ["confirmer": "oui"])
            // validate
            #expect(applied.headers.first(name: "X-Guichet-Error") == nil)
            let notice = try await c.chair.get(SiteURL.committeeSession(c.session).path).visibleText
            #expect(notice.contains("3 décision(s) appliquée(s)."))
            #expect(notice.contains("Courriel de décision envoyé pour") || notice.contains("Pas de courriel pour"))
            #expect(try await DossierModel.find(first.requireID(), on: app.db)?.status == "retained")
            #expect(try await DossierModel.find(second.requireID(), on: app.db)?.status == "waiting_list")
            #expect(try await DossierModel.find(third.requireID(), on: app.db)?.status == "rejected")
            let decision = try #require(
                try await DecisionModel.query(on: app.db).filter(\.$dossier.$id == third.requireID()).first())
            #expect(decision.motive == "Le budget ne détaille pas les dépenses de personnel.")
            let minutes = try await c.chair.get(SiteURL.committeeMinutes(c.session).path)
            #expect(minutes.visibleText.contains("1 projet(s) retenu(s) pour \(amount.formatted())"))
            #expect(minutes.visibleText.contains("Présents (quorum : 2)"))
            #expect(!minutes.visibleText.contains("Projet de procès-verbal"))
            let letter = try await c.chair.get(
                SiteURL.committeeLetter(session: c.session, dossier: third.requireID()).path)
            #expect(letter.visibleText.contains("Le budget ne détaille pas les dépenses de personnel."))
            // Its board is frozen on its decisions: ranks 1 to 3, the first one's amount as the
            // running total of its envelope once reached.
            let frozen = try await StagedDecisionModel.query(on: app.db).filter(\.$session.$id == c.session).all()
            #expect(Set(frozen.compactMap(\.boardRank)) == [1, 2, 3])
            #expect(frozen.allSatisfy { $0.boardTotal != nil })
            #expect(frozen.map { $0.boardTotal ?? 0 }.max() == amount.cents)
            let appliedBoard = try await c.chair.get(SiteURL.committeeSession(c.session).path)
            #expect(appliedBoard.status == .ok)
            #expect(appliedBoard.visibleText.contains("décisions appliquées"))
            // The session is closed: nothing more is staged in it.
            #expect(
                try await Factory.stage(c.chair, c, second, outcome: "waiting_list").headers.first(
                    name: "X-Guichet-Error")
                    == "invalid_form")
            let statement = try await c.chair.get(SiteURL.envelopes(DemoCall.reference).path)
            #expect(statement.visibleText.contains("(ouverte)"))
            #expect(statement.visibleText.contains("Reste après propositions"))
        }
    }

    @Test func everyRefusalStoresNothing() async throws {
        try await withGuichet { app in
            let c = try await Factory.committeeSession(app)
            let dossier = c.dossiers[0]
            let requested = try Money(cents: dossier.requestedCents)
            // A granted amount above the request.
            let above = try await Factory.stage(
                c.chair, c, dossier, outcome: "retained",
                amount: try Money(cents: dossier.requestedCents + 100).decimalString)
            #expect(above.headers.first(name: "X-Guichet-Error") == "amount_above_request")
            // A rejection without motive.
            #expect(
                try await Factory.stage(c.chair, c, dossier, outcome: "rejected").headers.first(name: "X-Guichet-Error")
                    == "missing_data")
            // A recused member: linked to the dossier's organisation.
            // The demo's organisations carry no identifier: give this one its RNA.
            let organisation = try await dossier.$organisation.get(on: app.db)
            organisation.rna = "W021000001"
            try await organisation.save(on: app.db)
            let link = StaffLinkModel()
            link.$user.id = try c.memberUser.requireID()
            link.siret = organisation.siret
            link.rna = organisation.rna
            link.description = "Administrateur de l'association"
            try await link.create(on: app.db)
            let recused = try await Factory.stage(
                c.member, c, dossier, outcome: "retained", amount: requested.decimalString)
            #expect(recused.headers.first(name: "X-Guichet-Error") == "conflict_of_interest")
            #expect(try await c.chair.get(SiteURL.committeeSession(c.session).path).visibleText.contains("Déports"))
            #expect(try await StagedDecisionModel.query(on: app.db).filter(\.$session.$id == c.session).count() == 0)
            // Over the envelope: the region's room cut to less than the request; the wave is refused whole.
            try await Factory.stage(c.chair, c, dossier, outcome: "retained", amount: requested.decimalString)
            try await Factory.stage(c.chair, c, c.dossiers[1], outcome: "waiting_list")
            let call = try await CallRepository(database: app.db).load(DemoCall.reference)
            let ledger = try await ResultsService(database: app.db).results(call, publishedOnly: false).ledger
            let hdf = try ledger.envelope(for: .regional(region: "32"))
            let committed = try #require(ledger.line(hdf.id)?.committed)
            try await EnvelopeRevisionModel(
                envelopeID: hdf.id, amountCents: committed.cents + requested.cents - 1, effectiveOn: Date(),
                reason: "Essai"
            ).create(on: app.db)
            let over = try await c.chair.post(
                SiteURL.committeeSession(c.session).path + "/appliquer", ["confirmer": "oui"])
            #expect(over.headers.first(name: "X-Guichet-Error") == "decision_refused")
            #expect(
                try await DecisionModel.query(on: app.db).filter(
                    \.$dossier.$id ~~ c.dossiers.map { try $0.requireID() }
                ).count() == 0)
            #expect(try await DossierModel.find(c.dossiers[1].requireID(), on: app.db)?.status == "reviewed")
            #expect(try await CommitteeSessionModel.find(c.session, on: app.db)?.status == "open")
            // Without the quorum, nothing is applied either.
            try await c.chair.post(
                pairs: SiteURL.committeeSession(c.session).path + "/presences",
                [("present", try c.chairUser.requireID().uuidString)])
            let quorum = try await c.chair.post(
                SiteURL.committeeSession(c.session).path + "/appliquer", ["confirmer": "oui"])
            #expect(quorum.headers.first(name: "X-Guichet-Error") == "quorum_not_reached")
        }
    }

    @Test func theNewSessionFormOffersTheChosenCallsOwnWavesAndTerritories() async throws {
        try await withGuichet { app in
            let chair = try await Factory.staff(
                app, "president@exemple.fr", role: .committeeChair, scopes: ["region:32"])
            let chairID = try await Factory.user(app, "president@exemple.fr").requireID().uuidString.lowercased()
            let page = try await chair.get(SiteURL.newCommitteeSession.path + "?appel=\(PracticeCall.reference)")
            #expect(page.status == .ok)
            let html = page.body.string
            // The practice call's single wave by its own label; the seed's published wave 1 is not offered.
            #expect(html.contains(#"<option value="1" selected>Vague unique (essai) (ouverte)</option>"#))
            #expect(!html.contains("Vague 2"))
            #expect(html.contains(#"<input type="hidden" name="call" value="\#(PracticeCall.reference)">"#))
            // The call's territory and those within it, never another region's.
            #expect(html.contains(#"<option value="region:32" selected>"#))
            #expect(html.contains(#"<option value="departement:02">"#))
            #expect(!html.contains(#"value="departement:75""#))
            // The person opening the session is proposed as its chair.
            #expect(html.contains(#"<option value="\#(chairID)" selected>"#))
            // The seed's call: its open wave 2 only (wave 1 is published).
            let seed = try await chair.get(SiteURL.newCommitteeSession.path + "?appel=\(DemoCall.reference)")
            #expect(seed.body.string.contains(#"<option value="2" selected>"#))
            #expect(!seed.body.string.contains(#"<option value="1""#))
        }
    }

    @Test func aPublishedWaveTakesNoSessionAndOutsidersSeeNothing() async throws {
        try await withGuichet { app in
            let c = try await Factory.committeeSession(app)
            let refused = try await c.chair.postMultipart(
                SiteURL.committeeSessions.path,
                [
                    ("call", DemoCall.reference), ("wave", "1"), ("title", "Refaire la vague 1"),
                    ("held_on", "2021-06-03"),
                    ("scope", "region:32"), ("chair", try c.chairUser.requireID().uuidString), ("quorum", "1"),
                ])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.visibleText.contains("La vague 1 est publiée"))
            let outsider = try await Factory.staff(
                app, "autre-membre@exemple.fr", role: .committeeMember, scopes: ["region:32"])
            #expect(try await outsider.get(SiteURL.committeeSession(c.session).path).status == .notFound)
            #expect(try await outsider.get(SiteURL.committeeMinutes(c.session).path).status == .notFound)
            #expect(try await outsider.get(SiteURL.newCommitteeSession.path).status == .notFound)
            let instructor = try await Factory.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
            #expect(try await instructor.get(SiteURL.committee.path).status == .notFound)
        }
    }

    @Test func theApplicantReadsTheDecisionLetter() async throws {
        try await withGuichet { app in
            let (applicant, id) = try await Factory.filedDossier(app)
            let dossier = try #require(try await DossierModel.find(id, on: app.db))
            #expect(try await applicant.browser.get(SiteURL.decisionLetter(id).path).status == .notFound)
            // The decision taken as the committee would, through the service.
            let chair = try await StaffDirectory(database: app.db).createStaff(
                email: "p@exemple.fr", name: "Commissaire", role: .committeeChair,
                scopes: ["region:32"], password: nil, hasher: app.password.async, now: Date())
            let member = try await StaffDirectory(database: app.db).createStaff(
                email: "m@exemple.fr", name: "Membre", role: .committeeMember,
                scopes: ["region:32"], password: nil, hasher: app.password.async, now: Date())
            dossier.status = DossierStatus.reviewed.rawValue
            try await dossier.save(on: app.db)
            let call = try await CallRepository(database: app.db).load(PracticeCall.reference)
            let service = CommitteeService(database: app.db, configuration: app.guichetConfiguration, now: Date())
            var input = CommitteeService.NewSession()
            input.title = "Essai"
            input.heldOn = Date()
            input.waveNumber = call.waves.first?.number
            input.scope = "region:32"
            input.quorum = 2
            input.chairID = try chair.requireID()
            input.memberIDs = [try member.requireID()]
            let session = try await service.create(input, call: call, by: chair)
            try await service.setAttendance(
                try await service.session(session.requireID(), for: chair),
                present: [try chair.requireID(), try member.requireID()], by: chair)
            try await service.stage(
                try await service.session(session.requireID(), for: chair), dossier: dossier,
                outcome: .rejected(motive: "Hors du champ de l'appel."), by: chair)
            let applied = try await service.apply(
                try await service.session(session.requireID(), for: chair), by: chair, confirmed: true)
            #expect(applied == AppliedWave(decisions: 1, mailedDossiers: 1, mailedAddresses: 1))
            let page = try await applicant.browser.get(SiteURL.dossier(id).path)
            #expect(page.visibleText.contains("Lettre de décision du comité"))
            let mail = try #require(try await outbox(app, to: "asso@exemple.fr").first { $0.kind == "decision" })
            #expect(mail.bodyText.contains("Hors du champ de l'appel."))
            #expect(mail.bodyText.contains(SiteURL.decisionLetter(id).path))
            let letter = try await applicant.browser.get(SiteURL.decisionLetter(id).path)
            #expect(letter.status == .ok)
            #expect(letter.visibleText.contains("Hors du champ de l'appel."))
            #expect(letter.visibleText.contains("recours"))
            let stranger = try await Applicant.make(app, email: "x@exemple.fr", organisation: "X")
            #expect(try await stranger.browser.get(SiteURL.decisionLetter(id).path).status == .notFound)
        }
    }

    @Test func administratorsReviseEnvelopesWithAReasonNeverBelowWhatIsCommitted() async throws {
        try await withGuichet { app in
            let admin = try await Factory.staff(
                app, "admin@exemple.fr", role: .administrator, scopes: ["region:32"])
            let page = try await admin.get(SiteURL.envelopes(DemoCall.reference).path)
            #expect(page.status == .ok)
            #expect(page.visibleText.contains("6 600 000 €"))
            let call = try await CallRepository(database: app.db).load(DemoCall.reference)
            let ledger = try await ResultsService(database: app.db).results(call, publishedOnly: false).ledger
            let hdf = try ledger.envelope(for: .regional(region: "32"))
            let root = try #require(ledger.lines.first?.envelope)
            let url = SiteURL.envelopes(DemoCall.reference).path + "/revisions"
            let below = try await admin.post(
                url,
                ["envelope": hdf.id.uuidString, "amount": "1 000 000", "effective_on": "2021-06-01", "reason": "Coupe"])
            #expect(below.headers.first(name: "X-Guichet-Error") == "invalid_revision")
            let noReason = try await admin.post(
                url,
                ["envelope": hdf.id.uuidString, "amount": "7 000 000", "effective_on": "2021-06-01", "reason": " "])
            #expect(noReason.headers.first(name: "X-Guichet-Error") == "invalid_revision")
            let national = try await admin.post(
                url,
                [
                    "envelope": root.id.uuidString, "amount": "200 000 000", "effective_on": "2021-06-01",
                    "reason": "Plus",
                ])
            #expect(national.headers.first(name: "X-Guichet-Error") == "invalid_form")
            let before = try await EnvelopeRevisionModel.query(on: app.db).count()
            let ok = try await admin.post(
                url,
                [
                    "envelope": hdf.id.uuidString, "amount": "7 000 000", "effective_on": "2021-06-01",
                    "reason": "Rallonge de juin",
                ])
            #expect(ok.headers.first(name: "X-Guichet-Error") == nil)
            #expect(try await EnvelopeRevisionModel.query(on: app.db).count() == before + 1)
            #expect(try await admin.get(SiteURL.envelopes(DemoCall.reference).path).visibleText.contains("7 000 000 €"))
            // The public reads the envelopes as the latest version published them, until the next.
            let json = try await admin.get(SiteURL.apiCallEnvelopes(DemoCall.reference).path)
            let statement = try JSONDecoder().decode(EnvelopeStatementDTO.self, from: Data(json.body.readableBytesView))
            let line = try #require(statement.envelopes.first { $0.id == hdf.id })
            #expect(line.currentCents == 660_000_000)
            #expect(line.initialCents == 330_000_000)
            #expect(line.committedByWave.first { $0.wave == 1 }?.committedCents == 440_000_000)
            #expect(statement.waves == [1])
            // A new wave opens only once the latest is published, and only for the call's territory.
            let waves = SiteURL.envelopes(DemoCall.reference).path + "/vagues"
            #expect(
                try await admin.post(waves, ["label": "", "announced_on": "2021-09-15"]).headers.first(
                    name: "X-Guichet-Error") == "invalid_form")
            let early = try await admin.post(
                waves, ["label": "Troisième vague — septembre 2021", "announced_on": "2021-09-15"])
            #expect(early.headers.first(name: "X-Guichet-Error") == "invalid_form")
            try await WaveModel.query(on: app.db).filter(\.$call.$id == call.id).filter(\.$number == 2).set(
                \.$publishedAt, to: Date()
            ).update()
            let elsewhere = try await Factory.staff(
                app, "admin11@exemple.fr", role: .administrator, scopes: ["region:11"])
            try await elsewhere.get(SiteURL.envelopes(DemoCall.reference).path)
            let foreign = try await elsewhere.post(
                waves, ["label": "Troisième vague — septembre 2021", "announced_on": "2021-09-15"])
            #expect(foreign.headers.first(name: "X-Guichet-Error") == "outside_scope")
            #expect(try await WaveModel.query(on: app.db).filter(\.$call.$id == call.id).count() == 2)
            #expect(
                try await admin.post(
                    waves, ["label": "Troisième vague — septembre 2021", "announced_on": "2021-09-15"]
                ).headers.first(name: "X-Guichet-Error") == nil)
            #expect(
                try await WaveModel.query(on: app.db).filter(\.$call.$id == call.id).filter(\.$number == 3).count() == 1
            )
            let member = try await Factory.staff(
                app, "m@exemple.fr", role: .committeeMember, scopes: ["region:32"])
            try await member.get(SiteURL.committee.path)
            #expect(
                try await member.post(
                    url,
                    ["envelope": hdf.id.uuidString, "amount": "8 000 000", "effective_on": "2021-06-01", "reason": "x"]
                ).status == .notFound)
        }
    }
}

@Suite struct DemoCommitteeTests {
    @Test func theDemoRecordsTheSixteenthOfAprilSessionAndOpensJunes() async throws {
        try await withGuichet { app in
            let admin = try await Factory.staff(
                app, "admin@exemple.fr", role: .administrator, scopes: ["region:32"])
            let list = try await admin.get(SiteURL.committee.path)
            #expect(list.visibleText.contains("Comité régional de sélection — 16 avril 2021"))
            #expect(list.visibleText.contains("Comité régional de sélection — juin 2021"))
            let april = try #require(
                try await CommitteeSessionModel.query(on: app.db).filter(\.$status == "applied").first())
            let minutes = try await admin.get(SiteURL.committeeMinutes(april.requireID()).path)
            #expect(minutes.visibleText.contains("37 projet(s) retenu(s) pour 4 400 000 €"))
            #expect(
                minutes.visibleText.contains("Commissaire à la lutte contre la pauvreté (démonstration) (présidence)"))
            let june = try #require(
                try await CommitteeSessionModel.query(on: app.db).filter(\.$status == "open").first())
            let board = try await admin.get(SiteURL.committeeSession(june.requireID()).path)
            #expect(board.visibleText.contains("Le comité ne peut pas encore délibérer"))
            #expect(board.visibleText.contains("simulé"))
        }
    }

    @Test func theBoardShowsAPageOfRowsWithTheRunningTotalOfTheWholeRankingAndStagingComesBackToItsPage()
        async throws
    {
        try await withGuichet { app in
            // setup
            let (chair, session) = try await Factory.juneSession(app)
            let base = SiteURL.committeeSession(session).path
            // act
            let first = try await chair.get(base)
            let total = try #require(first.visibleText.firstMatch(of: /sur (\d+) \(page 1 sur (\d+)\)/))
            let count = try #require(Int(total.1)), pages = try #require(Int(total.2))
            // validate
            #expect(count > BoardPage.perPage)
            #expect(pages == (count + BoardPage.perPage - 1) / BoardPage.perPage)
            #expect(first.body.string.components(separatedBy: "name=\"dossier\"").count - 1 == BoardPage.perPage)
            #expect(first.body.string.contains("href=\"\(base)?page=2\""))
            let second = try await chair.get(base + "?page=2")
            #expect(second.visibleText.contains("Dossiers \(BoardPage.perPage + 1) à"))
            #expect(second.visibleText.contains("Page précédente"))
            #expect(try await chair.get(base + "?page=999").visibleText.contains("(page \(pages) sur \(pages))"))
            // A page that is not a number is refused by name, not replaced by the first page.
            let malformed = try await chair.get(base + "?page=abc")
            #expect(malformed.status == .badRequest)
            #expect(malformed.visibleText.contains("Le paramètre « page » de l'adresse est mal formé"))
            // Staging a dossier of page 2 returns to page 2; a foreign return address is ignored.
            let row = try #require(second.body.string.firstMatch(of: /name="dossier" value="([0-9a-f-]{36})"/))
            let staged = try await chair.post(
                pairs: base + "/decisions",
                [
                    ("dossier", String(row.1)), ("outcome", "waiting_list"),
                    ("retour", base + "?page=2"),
                ])
            #expect(staged.headers.first(name: .location) == base + "?page=2")
            let foreign = try await chair.post(
                pairs: base + "/decisions/retirer",
                [("dossier", String(row.1)), ("retour", "https://ailleurs.example/")])
            #expect(foreign.headers.first(name: .location) == base)
        }
    }
}
