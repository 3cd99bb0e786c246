import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// The administrators' management of staff accounts, through the web.
@Suite struct AdminTests {
    @Test func anAdministratorOpensAnAccountAndThePersonChoosesTheirPassword() async throws {
        try await withGuichet { app in
            // setup
            let admin = try await Factory.administrator(app)
            // act
            let created = try await admin.postMultipart(
                SiteURL.adminStaff.path,
                [
                    ("email", "camille.martin@exemple.fr"), ("name", "DDETS de la Somme — Camille Martin"),
                    ("role", "instructor"),
                    ("departements", "80"), ("regions", ""), ("service", ""),
                ])
            // validate
            #expect(created.status == .seeOther)
            let user = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "camille.martin@exemple.fr").first())
            #expect(try await StaffDirectory(database: app.db).scopes(of: user.requireID()) == [.departement("80")])
            #expect(try await admin.get(SiteURL.adminStaff.path).visibleText.contains("en attente du mot de passe"))
            let mail = try #require(
                try await outbox(app, to: "camille.martin@exemple.fr").first { $0.kind == "staff_invitation" })
            let token = try #require(linkToken(in: mail.bodyText, path: SiteURL.resetPassword.path))
            let person = Browser(app)
            try await person.get(SiteURL.resetPassword.path + "?jeton=\(token)")
            let set = try await person.post(
                SiteURL.resetPassword.path,
                [
                    "jeton": token, "password": "un mot de passe solide",
                    "password_confirmation": "un mot de passe solide",
                ])
            #expect(set.status == .seeOther)
            try await person.get(SiteURL.login.path)
            #expect(
                try await person.post(
                    SiteURL.login.path, ["email": "camille.martin@exemple.fr", "password": "un mot de passe solide"]
                ).status == .seeOther)
            let queue = try await person.get(SiteURL.instruction.path)
            let somme = try await DossierModel.query(on: app.db).filter(\.$instructorGroup == "departement:80").count()
            #expect(queue.visibleText.contains("\(somme) dossiers déposés dans votre périmètre"))
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$entityID == user.requireID()).filter(
                    \.$action == "create_staff"
                ).count() == 1)
        }
    }

    @Test func badInputIsRefusedFieldByFieldAndCreatesNothing() async throws {
        try await withGuichet { app in
            let admin = try await Factory.administrator(app)
            let before = try await UserModel.query(on: app.db).count()
            let res = try await admin.postMultipart(
                SiteURL.adminStaff.path,
                [
                    ("email", "pas-une-adresse"), ("name", " "), ("role", "instructor"), ("departements", "02, 99"),
                ])
            #expect(res.status == .unprocessableEntity)
            #expect(res.visibleText.contains("Département inconnu : « 99 »"))
            #expect(res.body.string.contains("02, 99"))
            let expert = try await admin.postMultipart(
                SiteURL.adminStaff.path,
                [
                    ("email", "expert@exemple.fr"), ("name", "Expert"), ("role", "expert"), ("departements", "02"),
                ])
            #expect(expert.status == .unprocessableEntity)
            #expect(expert.visibleText.contains("Un expert est rattaché à un service"))
            let applicantRole = try await admin.postMultipart(
                SiteURL.adminStaff.path,
                [
                    ("email", "x@exemple.fr"), ("name", "X"), ("role", "applicant"), ("national", "1"),
                ])
            #expect(applicantRole.status == .unprocessableEntity)
            #expect(try await UserModel.query(on: app.db).count() == before)
        }
    }

    @Test func aRegionalAdministratorManagesOnlyTheRegion() async throws {
        try await withGuichet { app in
            let regional = try await Factory.administrator(app, scopes: ["region:32"], email: "dreets-admin@exemple.fr")
            _ = try await Factory.staff(app, "idf@exemple.fr", scopes: ["region:11"])
            let outsider = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "idf@exemple.fr").first())
            let list = try await regional.get(SiteURL.adminStaff.path)
            #expect(list.visibleText.contains("DDETS de l'Aisne (démonstration)"))
            #expect(!list.visibleText.contains("idf@exemple.fr"))
            #expect(!list.visibleText.contains("DRAAF Hauts-de-France"))
            #expect(try await regional.get(SiteURL.adminPerson(outsider.requireID()).path).status == .notFound)
            #expect(
                try await regional.post(SiteURL.adminPerson(outsider.requireID()).path + "/fermer", [:]).status
                    == .notFound)
            let national = try await regional.postMultipart(
                SiteURL.adminStaff.path,
                [
                    ("email", "n@exemple.fr"), ("name", "N"), ("role", "instructor"), ("national", "1"),
                ])
            #expect(national.status == .unprocessableEntity)
            #expect(national.visibleText.contains("compris dans le vôtre"))
            let paris = try await regional.postMultipart(
                SiteURL.adminStaff.path,
                [
                    ("email", "p@exemple.fr"), ("name", "P"), ("role", "instructor"), ("departements", "75"),
                ])
            #expect(paris.status == .unprocessableEntity)
            #expect(
                try await regional.postMultipart(
                    SiteURL.adminStaff.path,
                    [
                        ("email", "o@exemple.fr"), ("name", "DDETS de l'Oise — O"), ("role", "instructor"),
                        ("departements", "60"),
                    ]
                ).status == .seeOther)
        }
    }

    @Test func changingRoleAndScopesIsRecordedAndTakesEffect() async throws {
        try await withGuichet { app in
            let admin = try await Factory.administrator(app)
            let aisne = try await Factory.staff(app, "agent@exemple.fr", scopes: ["departement:02"])
            let user = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "agent@exemple.fr").first())
            let nord = try await Factory.demoDossier(app, group: "departement:59")
            #expect(try await aisne.get(SiteURL.staffDossier(nord.requireID()).path).status == .notFound)
            try await admin.get(SiteURL.adminPerson(user.requireID()).path)
            let res = try await admin.postMultipart(
                SiteURL.adminPerson(user.requireID()).path,
                [
                    ("name", "Agent du Nord"), ("role", "instructor"), ("departements", "59"),
                ])
            #expect(res.status == .seeOther)
            #expect(try await aisne.get(SiteURL.staffDossier(nord.requireID()).path).status == .ok)
            let page = try await admin.get(SiteURL.adminPerson(user.requireID()).path)
            #expect(page.visibleText.contains("Rôle ou périmètres modifiés"))
            #expect(page.visibleText.contains("departement:02 → instructor — departement:59"))
        }
    }

    @Test func aClosedAccountLosesItsSessionAndCannotLogIn() async throws {
        try await withGuichet { app in
            let admin = try await Factory.administrator(app)
            let agent = try await Factory.staff(app, "agent@exemple.fr", scopes: ["departement:02"])
            let user = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "agent@exemple.fr").first())
            #expect(try await agent.get(SiteURL.instruction.path).status == .ok)
            try await admin.get(SiteURL.adminPerson(user.requireID()).path)
            #expect(
                try await admin.post(SiteURL.adminPerson(user.requireID()).path + "/fermer", [:]).status == .seeOther)
            // The open session ends at once; logging in again is refused.
            #expect(try await agent.get(SiteURL.instruction.path).status == .seeOther)
            let again = Browser(app)
            try await again.get(SiteURL.login.path)
            let login = try await again.post(
                SiteURL.login.path, ["email": "agent@exemple.fr", "password": Factory.staffPassword])
            #expect(login.status == .forbidden)
            #expect(login.visibleText.contains("Ce compte est fermé"))
            // An administrator never closes their own account.
            let me = try #require(try await UserModel.query(on: app.db).filter(\.$email == "admin@exemple.fr").first())
            try await admin.get(SiteURL.adminPerson(me.requireID()).path)
            let own = try await admin.post(SiteURL.adminPerson(me.requireID()).path + "/fermer", [:])
            #expect(own.headers.first(name: "X-Guichet-Error") == "invalid_form")
            #expect(try await UserModel.find(me.requireID(), on: app.db)?.disabledAt == nil)
            try await admin.post(SiteURL.adminPerson(user.requireID()).path + "/rouvrir", [:])
            #expect(try await UserModel.find(user.requireID(), on: app.db)?.disabledAt == nil)
            let actions = try await AuditEntryModel.query(on: app.db).filter(\.$entityID == user.requireID()).all(
                \.$action)
            #expect(actions.contains("close_staff") && actions.contains("reopen_staff"))
        }
    }

    @Test func nobodyButAnAdministratorSeesThePages() async throws {
        try await withGuichet { app in
            let instructor = try await Factory.staff(app, "agent@exemple.fr", scopes: ["national"])
            #expect(try await instructor.get(SiteURL.adminStaff.path).status == .notFound)
            let applicant = try await Applicant.make(app)
            #expect(try await applicant.browser.get(SiteURL.adminNewStaff.path).status == .notFound)
            #expect(try await Browser(app).get(SiteURL.adminStaff.path).status == .seeOther)
        }
    }
}
