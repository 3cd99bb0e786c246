import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// A committee decides the money of its territory only: another region's administrator, chair or
/// member is refused at every step, and a chair never decides alone.
@Suite struct CommitteeTerritoryHTTPTests {
    func sessionForm(
        _ chair: UUID, members: [UUID], scope: String, quorum: String, call: String = DemoCall.reference
    ) -> [(String, String)] {
        [
            ("call", call), ("wave", "2"), ("title", "Séance d'essai"), ("held_on", "2021-06-03"), ("scope", scope),
            ("chair", chair.uuidString), ("quorum", quorum),
        ] + members.map { ("members", $0.uuidString) }
    }

    func id(_ app: Application, _ email: String) async throws -> UUID {
        try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first()).requireID()
    }

    @Test func anotherRegionCannotOpenChairOrSitInASessionOnHautsDeFrance() async throws {
        try await withGuichet { app in
            let idfAdmin = try await Factory.staff(
                app, "admin11@exemple.fr", role: .administrator, scopes: ["region:11"])
            _ = try await Factory.staff(app, "president11@exemple.fr", role: .committeeChair, scopes: ["region:11"])
            _ = try await Factory.staff(app, "membre11@exemple.fr", role: .committeeMember, scopes: ["region:11"])
            let hdfAdmin = try await Factory.staff(
                app, "admin32@exemple.fr", role: .administrator, scopes: ["region:32"])
            _ = try await Factory.staff(app, "president32@exemple.fr", role: .committeeChair, scopes: ["region:32"])
            _ = try await Factory.staff(app, "membre32@exemple.fr", role: .committeeMember, scopes: ["region:32"])
            let (chair11, member11) = (
                try await id(app, "president11@exemple.fr"), try await id(app, "membre11@exemple.fr")
            )
            let (chair32, member32) = (
                try await id(app, "president32@exemple.fr"), try await id(app, "membre32@exemple.fr")
            )
            let before = try await CommitteeSessionModel.query(on: app.db).count()
            try await idfAdmin.get(SiteURL.newCommitteeSession.path)
            // Another region's administrator opening Hauts-de-France's session: refused, named.
            let opened = try await idfAdmin.postMultipart(
                SiteURL.committeeSessions.path,
                sessionForm(chair11, members: [member11], scope: "region:32", quorum: "2"))
            #expect(opened.status == .forbidden)
            #expect(opened.visibleText.contains("Hauts-de-France"))
            // Nor can a session of their own region sit on Hauts-de-France's call.
            let outside = try await idfAdmin.postMultipart(
                SiteURL.committeeSessions.path,
                sessionForm(chair11, members: [member11], scope: "region:11", quorum: "2"))
            #expect(outside.status == .unprocessableEntity)
            #expect(outside.visibleText.contains("cet appel ne finance que Hauts-de-France"))
            // The region's administrator cannot seat another region's chair or member, nor a quorum of one.
            try await hdfAdmin.get(SiteURL.newCommitteeSession.path)
            let foreignChair = try await hdfAdmin.postMultipart(
                SiteURL.committeeSessions.path,
                sessionForm(chair11, members: [member32], scope: "region:32", quorum: "2"))
            #expect(foreignChair.status == .unprocessableEntity)
            #expect(foreignChair.visibleText.contains("ne siège pas pour ce territoire"))
            let foreignMember = try await hdfAdmin.postMultipart(
                SiteURL.committeeSessions.path,
                sessionForm(chair32, members: [member11], scope: "region:32", quorum: "2"))
            #expect(foreignMember.status == .unprocessableEntity)
            let alone = try await hdfAdmin.postMultipart(
                SiteURL.committeeSessions.path, sessionForm(chair32, members: [], scope: "region:32", quorum: "1"))
            #expect(alone.status == .unprocessableEntity)
            let lowQuorum = try await hdfAdmin.postMultipart(
                SiteURL.committeeSessions.path,
                sessionForm(chair32, members: [member32], scope: "region:32", quorum: "1"))
            #expect(lowQuorum.status == .unprocessableEntity)
            #expect(try await CommitteeSessionModel.query(on: app.db).count() == before)
            // A proper session of the region; the other region's administrator cannot reach it.
            let created = try await hdfAdmin.postMultipart(
                SiteURL.committeeSessions.path,
                sessionForm(chair32, members: [member32], scope: "region:32", quorum: "2"))
            #expect(created.status == .seeOther)
            let location = try #require(created.headers.first(name: .location))
            #expect(try await idfAdmin.get(location).status == .notFound)
            #expect(
                try await idfAdmin.post(pairs: location + "/presences", [("present", chair32.uuidString)]).status
                    == .notFound)
            #expect(try await idfAdmin.post(location + "/appliquer", ["confirmer": "oui"]).status == .notFound)
        }
    }

    @Test func aChairOrMemberWhoLostTheTerritoryCanNoLongerActInTheSession() async throws {
        try await withGuichet { app in
            let c = try await Factory.committeeSession(app)
            let dossier = c.dossiers[0]
            // The member is moved to another region after the session was set up.
            try await StaffScopeModel.query(on: app.db).filter(\.$user.$id == c.memberUser.requireID()).set(
                \.$scope, to: "region:11"
            ).update()
            let staged = try await Factory.stage(c.member, c, dossier, outcome: "waiting_list")
            #expect(staged.headers.first(name: "X-Guichet-Error") == "outside_scope")
            #expect(try await StagedDecisionModel.query(on: app.db).filter(\.$session.$id == c.session).count() == 0)
            // The chair too: nothing is applied.
            try await Factory.stage(c.chair, c, dossier, outcome: "waiting_list")
            try await StaffScopeModel.query(on: app.db).filter(\.$user.$id == c.chairUser.requireID()).set(
                \.$scope, to: "departement:75"
            ).update()
            let applied = try await c.chair.post(
                SiteURL.committeeSession(c.session).path + "/appliquer", ["confirmer": "oui"])
            #expect(applied.headers.first(name: "X-Guichet-Error") == "outside_scope")
            #expect(try await DossierModel.find(dossier.requireID(), on: app.db)?.status == "reviewed")
        }
    }

    @Test func committeeAccountsCarryATerritoryAndARegionGrantsThemOnlyInside() async throws {
        try await withGuichet(demo: false) { app in
            let directory = StaffDirectory(database: app.db)
            await #expect(throws: DomainError.self) {
                _ = try await directory.createStaff(
                    email: "c@exemple.fr", name: "Présidence", role: .committeeChair, scopes: [],
                    password: nil, hasher: app.password.async, now: Date())
            }
            let admin = try await Factory.administrator(app, scopes: ["region:32"], email: "admin32@exemple.fr")
            let outside = try await admin.postMultipart(
                SiteURL.adminStaff.path,
                [
                    ("email", "president11@exemple.fr"), ("name", "Présidence d'Île-de-France"),
                    ("role", "committee_chair"),
                    ("regions", "11"), ("departements", ""), ("service", ""),
                ])
            #expect(outside.status == .unprocessableEntity)
            let inside = try await admin.postMultipart(
                SiteURL.adminStaff.path,
                [
                    ("email", "president32@exemple.fr"), ("name", "Présidence des Hauts-de-France"),
                    ("role", "committee_chair"),
                    ("regions", "32"), ("departements", ""), ("service", ""),
                ])
            #expect(inside.status == .seeOther)
            #expect(try await UserModel.query(on: app.db).filter(\.$email == "president11@exemple.fr").count() == 0)
        }
    }
}

/// A person linked to an organisation acts on none of its dossiers and reads none of their
/// assessments, whatever the page, filter or export.
@Suite struct RecusalTests {
    @Test func aLinkedInstructorCanNeitherActOnNorReadTheAssessmentsOfTheDossier() async throws {
        try await withGuichet { app in
            // setup: a filed dossier of the Aisne, scored by a colleague, with an expert answer.
            let (_, id) = try await Factory.filedDossier(app)
            let dossier = try #require(try await DossierModel.find(id, on: app.db))
            let organisation = try await dossier.$organisation.get(on: app.db)
            let colleague = try await Factory.staff(app, "collegue02@exemple.fr", scopes: ["departement:02"])
            let base = SiteURL.staffDossier(id).path
            try await colleague.get(base)
            try await colleague.post(base + "/recevabilite", ["decision": "recevable"])
            try await colleague.post(base + "/instruction", ["confirmer": "oui"])
            try await colleague.post(
                base + "/notes",
                [
                    "note_pertinence": "4", "note_impact": "4", "note_faisabilite": "4",
                    "note_partenariats": "4", "note_efficience": "4",
                ])
            try await colleague.post(
                base + "/avis", ["kind": "favourable", "amount": "40 000", "motive": "Motif secret de l'avis"])
            let expertService = ExpertService(database: app.db, configuration: app.guichetConfiguration, now: Date())
            let asker = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "collegue02@exemple.fr").first())
            try await expertService.request(
                dossier, service: "DRAAF", question: "Votre avis ?", dueOn: Date().addingTimeInterval(10 * 86_400),
                by: asker)
            // The linked instructor declares the link.
            let linked = try await Factory.staff(app, "lie02@exemple.fr", scopes: ["departement:02"])
            try await linked.get(SiteURL.staffLinks.path)
            #expect(
                try await linked.post(
                    SiteURL.staffLinks.path, ["siret": "", "rna": organisation.rna ?? "", "description": "Trésorier"]
                ).status == .seeOther)
            let status = try #require(try await DossierModel.find(id, on: app.db)?.status)
            // act and validate: every action is refused and recorded.
            try await linked.get(base)
            for (path, form) in [
                ("/recevabilite", ["decision": "recevable"]),
                (
                    "/complement",
                    ["message": "Un RIB", "due_on": ParisTime.isoDay(Date().addingTimeInterval(10 * 86_400))]
                ),
                ("/instruction", ["confirmer": "oui"]),
                (
                    "/expertise",
                    [
                        "service": "ARS", "question": "?",
                        "due_on": ParisTime.isoDay(Date().addingTimeInterval(10 * 86_400)),
                    ]
                ),
                ("/attribuer", ["assignee": try asker.requireID().uuidString]),
            ] {
                let res = try await linked.post(base + path, form)
                #expect(res.headers.first(name: "X-Guichet-Error") == "conflict_of_interest", "\(path)")
            }
            #expect(try await DossierModel.find(id, on: app.db)?.status == status)
            #expect(try await DossierModel.find(id, on: app.db)?.assigneeID == nil)
            #expect(try await ExpertRequestModel.query(on: app.db).filter(\.$dossier.$id == id).count() == 1)
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$entityID == id).filter(\.$action == "recusal")
                    .count() >= 5)
            // Reads: no score in the queue nor through the score filter, no assessment in the history.
            let number = try #require(dossier.number)
            #expect(
                try await colleague.get(SiteURL.instruction.path + "?tri=numero").visibleText.contains(
                    "100,00 (±0,00, 1)"))
            let queue = try await linked.get(SiteURL.instruction.path + "?tri=numero")
            #expect(queue.visibleText.contains(number))
            #expect(!queue.visibleText.contains("100,00 (±0,00, 1)"))
            let filtered = try await linked.get(SiteURL.instruction.path + "?note_min=90&note_max=100")
            #expect(!filtered.visibleText.contains(dossier.number ?? "-"))
            #expect(
                try await colleague.get(SiteURL.instruction.path + "?note_min=90&note_max=100").visibleText.contains(
                    dossier.number ?? "-"))
            #expect(try await colleague.get(base).visibleText.contains("Motif secret de l'avis"))
            let page = try await linked.get(base)
            #expect(!page.visibleText.contains("Motif secret de l'avis"))
            #expect(!page.visibleText.contains("40 000 €"))
            #expect(page.visibleText.contains("Contenu réservé"))
        }
    }
}
