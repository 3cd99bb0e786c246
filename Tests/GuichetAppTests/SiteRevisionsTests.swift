import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Testing
import VaporTesting

@testable import GuichetApp

/// The site's revisions (``AddSiteRevisions``) move with every change to what the staff pages
/// keep, and only then; a kept scope, link or list never outlives the change that ends it.
@Suite struct SiteRevisionsTests {
    private func revisions(_ app: Application) async throws -> (staff: Int, calls: Int) {
        let rows = try await app.db.sql().raw("SELECT name, revision FROM \(ident: AddSiteRevisions.table)").all()
        var found: [String: Int] = [:]
        for row in rows {
            found[try row.decode(column: "name", as: String.self)] = try row.decode(column: "revision", as: Int.self)
        }
        return (try #require(found["staff"]), try #require(found["calls"]))
    }

    @Test func staffChangesRaiseTheStaffRevisionAndApplicantsDoNot() async throws {
        try await withGuichet { app in
            var last = try await revisions(app)
            // Applicants sign up, sign in and are renamed all day long: nothing moves.
            let applicant = UserModel(
                email: "porteur@exemple.fr", passwordHash: "x", displayName: "Porteur", role: Role.applicant.rawValue)
            try await applicant.create(on: app.db)
            applicant.displayName = "Porteuse"
            try await applicant.save(on: app.db)
            #expect(try await revisions(app) == last)
            // A staff account created with its scope.
            _ = try await Factory.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
            #expect(try await revisions(app).staff > last.staff)
            last = try await revisions(app)
            let instructor = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "ddets02@exemple.fr").first())
            // Signing in is not a change of the staff.
            try await app.db.sql().raw(
                "UPDATE users SET last_login_at = \(bind: Date()) WHERE id = \(bind: try instructor.requireID())"
            ).run()
            #expect(try await revisions(app) == last)
            // Renamed, disabled, a scope taken away, a link declared: each moves it.
            instructor.displayName = "Agent de l'Aisne"
            try await instructor.save(on: app.db)
            #expect(try await revisions(app).staff == last.staff + 1)
            try await StaffScopeModel.query(on: app.db).filter(\.$user.$id == instructor.requireID()).delete()
            #expect(try await revisions(app).staff == last.staff + 2)
            let link = StaffLinkModel()
            link.$user.id = try instructor.requireID()
            link.siret = "73282932000074"
            link.description = "Bénévole"
            try await link.create(on: app.db)
            #expect(try await revisions(app).staff == last.staff + 3)
            #expect(try await revisions(app).calls == last.calls)
        }
    }

    @Test func callChangesRaiseTheCallsRevisionAndDossiersDoNot() async throws {
        try await withGuichet { app in
            let before = try await revisions(app)
            let dossier = try await Factory.demoDossier(app, group: "departement:02")
            dossier.title = "Un autre titre"
            try await dossier.save(on: app.db)
            #expect(try await revisions(app) == before)
            let call = try #require(try await CallModel.query(on: app.db).first())
            try await app.db.sql().raw(
                "UPDATE calls SET title = \(bind: "Appel renommé") WHERE id = \(bind: try call.requireID())"
            ).run()
            let renamed = try await revisions(app)
            #expect(renamed.calls > before.calls)
            #expect(renamed.staff == before.staff)
            // A theme's label changes the call's revision, hence the calls'.
            try await app.db.sql().raw(
                "UPDATE themes SET label = \(bind: "Thème renommé") WHERE call_id = \(bind: try call.requireID())"
            ).run()
            #expect(try await revisions(app).calls > renamed.calls)
        }
    }

    /// Each instance keeps a person's scopes and links under the staff revision read with the
    /// session: a change made elsewhere (another instance, a command: here, the database
    /// directly) takes effect at the person's next page.
    @Test func aScopeTakenAwayOrALinkDeclaredElsewhereTakesEffectAtTheNextPage() async throws {
        try await withGuichet { app in
            let instructor = try await Factory.aisneInstructor(app)
            let dossier = try await Factory.demoDossier(app, group: "departement:02")
            let page = SiteURL.staffDossier(try dossier.requireID()).path
            #expect(try await instructor.get(page).status == .ok)
            #expect(try await instructor.get(page).status == .ok)
            #expect(try await instructor.get(SiteURL.instruction.path).visibleText.contains(dossier.title))
            let person = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "ddets02@exemple.fr").first())
            let organisation = try #require(try await OrganisationModel.find(dossier.$organisation.id, on: app.db))
            try await app.db.sql().raw(
                """
                INSERT INTO staff_links (id, user_id, siret, rna, description, created_at)
                VALUES (\(bind: UUID()), \(bind: try person.requireID()), \(bind: organisation.siret),
                  \(bind: organisation.rna), \(bind: "Trésorier"), \(bind: Date()))
                """
            ).run()
            #expect(try await instructor.get(page).visibleText.contains("vous êtes déporté de ce dossier"))
            try await app.db.sql().raw(
                "DELETE FROM staff_scopes WHERE user_id = \(bind: try person.requireID())"
            ).run()
            #expect(try await instructor.get(page).status == .notFound)
            #expect(!(try await instructor.get(SiteURL.instruction.path).visibleText.contains(dossier.title)))
        }
    }

    /// An administrator reads a session's board through their scopes, kept: moved to another
    /// region elsewhere, they no longer reach it at the next page.
    @Test func anAdministratorMovedElsewhereNoLongerReachesTheBoard() async throws {
        try await withGuichet { app in
            let c = try await Factory.committeeSession(app)
            let admin = try await Factory.staff(app, "admin32@exemple.fr", role: .administrator, scopes: ["region:32"])
            let board = SiteURL.committeeSession(c.session).path
            #expect(try await admin.get(board).status == .ok)
            #expect(try await admin.get(board).status == .ok)
            let person = try await Factory.user(app, "admin32@exemple.fr")
            try await app.db.sql().raw(
                "UPDATE staff_scopes SET scope = \(bind: "region:11") WHERE user_id = \(bind: try person.requireID())"
            ).run()
            #expect(try await admin.get(board).status == .notFound)
        }
    }

    /// The queue's lists of calls and colleagues are kept too, and follow a call renamed or a
    /// colleague added elsewhere.
    @Test func theQueuesCallsAndColleaguesFollowChangesMadeElsewhere() async throws {
        try await withGuichet { app in
            let instructor = try await Factory.aisneInstructor(app)
            #expect(!(try await instructor.get(SiteURL.instruction.path).body.string.contains("Appel renommé")))
            let call = try #require(try await CallModel.query(on: app.db).first())
            try await app.db.sql().raw(
                "UPDATE calls SET title = \(bind: "Appel renommé") WHERE id = \(bind: try call.requireID())"
            ).run()
            #expect(try await instructor.get(SiteURL.instruction.path).body.string.contains("Appel renommé"))
            _ = try await Factory.staff(app, "collegue02@exemple.fr", scopes: ["departement:02"])
            try await app.db.sql().raw(
                "UPDATE users SET display_name = \(bind: "Camille Collègue") WHERE email = \(bind: "collegue02@exemple.fr")"
            ).run()
            #expect(try await instructor.get(SiteURL.instruction.path).body.string.contains("Camille Collègue"))
        }
    }
}
