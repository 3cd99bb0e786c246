import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

@Suite struct OrganisationTests {
    let password = "une phrase assez longue"

    /// A registration form that passes, to be varied field by field.
    static let validForm = [
        "name": "Les Amis du Vieux Moulin", "legal_form": "association_declaree", "siret": "", "rna": "W021000001",
        "address": "12 rue du Moulin", "postcode": "02000", "city": "Laon", "departement": "02",
    ]

    /// Signs up and confirms an account through the web; returns the browser, logged out.
    func confirmedAccount(_ app: Application, email: String, name: String) async throws -> Browser {
        let browser = Browser(app)
        try await browser.get(SiteURL.signUp.path)
        try await browser.post(
            SiteURL.signUp.path,
            [
                "display_name": name, "email": email,
                "password": password, "password_confirmation": password,
            ])
        let mail = try #require(try await outbox(app, to: email).last)
        let token = try #require(linkToken(in: mail.bodyText, path: SiteURL.confirmEmail.path))
        try await browser.get(SiteURL.confirmEmail.path + "?jeton=" + token)
        return browser
    }

    /// A confirmed account, logged in, holding the CSRF token of its new session.
    func loggedIn(
        _ app: Application, email: String = "a@exemple.fr", name: String = "Marie Dupont"
    ) async throws -> Browser {
        let browser = try await confirmedAccount(app, email: email, name: name)
        try await browser.get(SiteURL.login.path)
        let res = try await browser.post(SiteURL.login.path, ["email": email, "password": password])
        #expect(res.status == .seeOther, "login of \(email)")
        // The token changes at login: the next page carries the new one.
        try await browser.get(SiteURL.newOrganisation.path)
        return browser
    }

    /// Registers an organisation through the form; returns its page's path.
    func register(_ browser: Browser, _ changes: [String: String] = [:]) async throws -> String {
        let res = try await browser.post(SiteURL.organisations.path, Self.validForm.merging(changes) { _, new in new })
        #expect(res.status == .seeOther)
        return try #require(res.headers.first(name: .location))
    }

    /// The text of the error shown next to a field, if any.
    func fieldError(_ field: String, in res: TestingHTTPResponse) -> String? {
        let html = res.body.string
        guard let start = html.range(of: #"id="\#(field)-erreur">"#),
            let end = html[start.upperBound...].range(of: "</p>")
        else { return nil }
        return HTMLText.visible(String(html[start.upperBound..<end.lowerBound]))
    }

    // MARK: - Registration

    @Test func registeringAnOrganisationWhileFilingLeadsBackToTheFiling() async throws {
        try await withGuichet { app in
            let browser = try await loggedIn(app)
            // Every call at its own address, the practice call among them.
            let calls = try await browser.get(SiteURL.calls.path)
            #expect(calls.status == .ok)
            #expect(calls.visibleText.contains("Appel à projets d'essai"))
            // The filing page, without an organisation yet, links to the registration and back.
            let apply = SiteURL.apply(PracticeCall.reference).path
            let filing = try await browser.get(apply)
            #expect(filing.body.string.contains(SiteURL.newOrganisation.path + "?retour=" + apply))
            let form = try await browser.get(SiteURL.newOrganisation.path + "?retour=" + apply)
            #expect(form.body.string.contains(#"<input type="hidden" name="retour" value="\#(apply)">"#))
            #expect(form.visibleText.contains("Retour au dépôt du dossier"))
            // A refused registration keeps the way back; an accepted one takes it.
            let refused = try await browser.post(
                SiteURL.organisations.path, Self.validForm.merging(["retour": apply, "rna": ""]) { _, new in new })
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains(#"name="retour" value="\#(apply)""#))
            let registered = try await browser.post(
                SiteURL.organisations.path, Self.validForm.merging(["retour": apply]) { _, new in new })
            #expect(registered.headers.first(name: .location) == apply)
            // With one organisation, it is already chosen.
            let chosen = try await browser.get(apply)
            #expect(chosen.body.string.contains("required checked>"))
            // Another site is never a way back.
            let elsewhere = try await browser.post(
                SiteURL.organisations.path,
                Self.validForm.merging(["retour": "//exemple.com/x", "rna": "W021000002", "name": "Autre"]) { _, new in
                    new
                })
            #expect(elsewhere.headers.first(name: .location)?.hasPrefix("/organisations/") == true)
        }
    }

    @Test(
        arguments: [
            ("732 829 320 00074", "", "73282932000074", nil),
            ("", "w021000001", nil, "W021000001"),
            ("35600000000048", "W595012345", "35600000000048", "W595012345"),
        ] as [(String, String, String?, String?)])
    func registeringWithASiretAnRNAOrBothMakesTheCreatorAMember(
        siret: String, rna: String, storedSiret: String?, storedRNA: String?
    ) async throws {
        try await withGuichet(demo: false) { app in
            // setup
            let browser = try await loggedIn(app)
            let form = try await browser.get(SiteURL.newOrganisation.path)
            #expect(form.status == .ok)
            #expect(form.body.string.contains(#"<option value="02">02 — Aisne</option>"#))
            #expect(form.body.string.contains(#"<option value="2A">2A — Corse-du-Sud</option>"#))
            #expect(form.body.string.contains(#"name="_csrf""#))

            // act
            let location = try await register(browser, ["siret": siret, "rna": rna])

            // validate
            let organisation = try #require(try await OrganisationModel.query(on: app.db).first())
            #expect(location == SiteURL.organisation(try organisation.requireID()).path)
            #expect(organisation.siret == storedSiret && organisation.rna == storedRNA)
            #expect(organisation.legalForm == LegalForm.declaredAssociation.rawValue)
            #expect(
                organisation.postcode == "02000" && organisation.city == "Laon" && organisation.departementCode == "02")
            #expect(!organisation.simulated)
            let members = try await OrganisationMemberModel.query(on: app.db).with(\.$user).all()
            #expect(members.map(\.user.email) == ["a@exemple.fr"])
            let page = try await browser.get(location)
            #expect(page.status == .ok)
            #expect(page.visibleText.contains("L'organisation « Les Amis du Vieux Moulin » est inscrite"))
            #expect(page.visibleText.contains("Association déclarée (loi 1901)"))
            #expect(page.visibleText.contains("02 — Aisne"))
            #expect(page.visibleText.contains("Marie Dupont"))
            let list = try await browser.get(SiteURL.organisations.path)
            #expect(list.body.string.contains(#"<a href="\#(location)">Les Amis du Vieux Moulin</a>"#))
        }
    }

    @Test func badRegistrationsAreRefusedFieldByFieldKeepingWhatWasTyped() async throws {
        try await withGuichet(demo: false) { app in
            let browser = try await loggedIn(app)
            let cases: [([String: String], String, String)] = [
                (["siret": "", "rna": ""], "siret", "Indiquez au moins un identifiant de l'organisation"),
                (["siret": "73282932000075", "rna": ""], "siret", "Le SIRET « 73282932000075 » est invalide"),
                (["rna": "W12345"], "rna", "Le numéro RNA « W12345 » est invalide"),
                (["departement": "99"], "departement", "Le code territoire « 99 » ne correspond à aucune"),
                (["name": "   "], "name", "Indiquez le nom de l'organisation."),
                (["postcode": "2000"], "postcode", "Le code postal s'écrit avec 5 chiffres"),
                (["legal_form": "sarl"], "legal_form", "Choisissez la forme juridique dans la liste."),
            ]
            for (changes, field, message) in cases {
                let form = Self.validForm.merging(changes) { _, new in new }
                let res = try await browser.post(SiteURL.organisations.path, form)
                #expect(res.status == .unprocessableEntity, "\(field)")
                #expect(fieldError(field, in: res)?.contains(message) == true, "\(field): \(message)")
                #expect(
                    res.body.string.contains(#"aria-invalid="true" aria-describedby="\#(field)-erreur"#), "\(field)")
                #expect(res.body.string.contains(##"<a href="#\##(field)">"##), "the summary links to \(field)")
                #expect(res.body.string.contains(#"value="\#(form["city"] ?? "")""#), "the typed city is kept")
                if ["siret", "rna", "postcode"].contains(field), let typed = form[field], !typed.isEmpty {
                    #expect(res.body.string.contains(#"value="\#(typed)""#), "the typed \(field) is kept")
                }
                if field != "departement" {
                    #expect(
                        res.body.string.contains(#"<option value="02" selected>"#), "the chosen département is kept")
                }
                #expect(res.body.string.contains(#"name="_csrf""#))
            }
            #expect(try await OrganisationModel.query(on: app.db).count() == 0)
            #expect(try await OrganisationMemberModel.query(on: app.db).count() == 0)
        }
    }

    @Test func everyErrorIsShownAtOnce() async throws {
        try await withGuichet(demo: false) { app in
            let browser = try await loggedIn(app)
            let res = try await browser.post(
                SiteURL.organisations.path,
                [
                    "name": "", "legal_form": "", "siret": "123", "rna": "W1",
                    "address": "", "postcode": "", "city": "", "departement": "",
                ])
            #expect(res.status == .unprocessableEntity)
            for field in ["name", "legal_form", "siret", "rna", "address", "postcode", "city", "departement"] {
                #expect(fieldError(field, in: res) != nil, "\(field)")
            }
            #expect(res.visibleText.contains("Le formulaire contient des erreurs"))
            #expect(try await OrganisationModel.query(on: app.db).count() == 0)
        }
    }

    @Test func anIdentifierAlreadyRegisteredIsRefusedWithAPointerToInvitations() async throws {
        try await withGuichet(demo: false) { app in
            let first = try await loggedIn(app)
            _ = try await register(first, ["siret": "73282932000074", "rna": "W021000001"])
            let second = try await loggedIn(app, email: "b@exemple.fr", name: "Bruno Martin")
            for changes in [["siret": "732 829 320 00074", "rna": ""], ["siret": "", "rna": "w021000001"]] {
                let res = try await second.post(
                    SiteURL.organisations.path, Self.validForm.merging(changes) { _, new in new })
                #expect(res.status == .unprocessableEntity)
                let field = changes["siret"] == "" ? "rna" : "siret"
                #expect(
                    fieldError(field, in: res)?.contains(
                        "est déjà inscrite sur Guichet : demandez à l'une des personnes qui la représentent de vous inviter"
                    ) == true)
            }
            #expect(try await OrganisationModel.query(on: app.db).count() == 1)
            #expect(try await OrganisationMemberModel.query(on: app.db).count() == 1)
        }
    }

    // MARK: - Access

    @Test func someoneWhoDoesNotRepresentTheOrganisationGetsNotFound() async throws {
        try await withGuichet(demo: false) { app in
            let owner = try await loggedIn(app)
            let location = try await register(owner)
            let id = try #require(UUID(uuidString: String(location.split(separator: "/").last ?? "")))
            let outsider = try await loggedIn(app, email: "b@exemple.fr", name: "Bruno Martin")

            let page = try await outsider.get(location)
            #expect(page.status == .notFound)
            #expect(!page.visibleText.contains("Vieux Moulin"))
            let invite = try await outsider.post(SiteURL.organisationInvitations(id).path, ["email": "b@exemple.fr"])
            #expect(invite.status == .notFound)
            // Membership is checked before the address, so that even a malformed one learns nothing.
            #expect(
                try await outsider.post(SiteURL.organisationInvitations(id).path, ["email": "pas-une-adresse"]).status
                    == .notFound)
            #expect(try await OrganisationInvitationModel.query(on: app.db).count() == 0)
            #expect(try await outbox(app).filter { $0.kind == "organisation_invitation" }.isEmpty)
            let list = try await outsider.get(SiteURL.organisations.path)
            #expect(!list.visibleText.contains("Vieux Moulin"))
            #expect(list.visibleText.contains("Vous ne représentez encore aucune organisation"))
        }
    }

    @Test func malformedOrUnknownIdsAreNotFound() async throws {
        try await withGuichet(demo: false) { app in
            let browser = try await loggedIn(app)
            for path in ["/organisations/pas-un-identifiant", "/organisations/123", SiteURL.organisation(UUID()).path] {
                #expect(try await browser.get(path).status == .notFound, "\(path)")
                #expect(
                    try await browser.post(path + "/invitations", ["email": "b@exemple.fr"]).status == .notFound,
                    "\(path)")
            }
            #expect(try await OrganisationInvitationModel.query(on: app.db).count() == 0)
        }
    }

    @Test func formsWithoutTheirCSRFTokenAreRefusedAndChangeNothing() async throws {
        try await withGuichet(demo: false) { app in
            let browser = try await loggedIn(app)
            let create = try await browser.post(SiteURL.organisations.path, Self.validForm, csrf: false)
            #expect(create.status == .forbidden)
            #expect(create.visibleText.contains("Ce formulaire a expiré"))
            #expect(try await OrganisationModel.query(on: app.db).count() == 0)

            let location = try await register(browser)
            let res = try await browser.post(
                location + "/invitations", ["email": "b@exemple.fr", "_csrf": "faux-jeton"])
            #expect(res.status == .forbidden)
            #expect(try await OrganisationInvitationModel.query(on: app.db).count() == 0)
        }
    }

    @Test func anonymousVisitorsAreSentToTheLoginPage() async throws {
        try await withGuichet(demo: false) { app in
            let owner = try await loggedIn(app)
            let location = try await register(owner)
            let anonymous = Browser(app)
            for path in [
                SiteURL.organisations.path, SiteURL.newOrganisation.path, location,
                SiteURL.acceptInvitation.path + "?jeton=" + SecretToken.make(),
            ] {
                let res = try await anonymous.get(path)
                #expect(res.status == .seeOther, "\(path)")
                #expect(res.headers.first(name: .location) == SiteURL.login.path, "\(path)")
            }
        }
    }

    // MARK: - Invitations

    @Test func anInvitedPersonJoinsThroughTheEmailedLinkOnce() async throws {
        try await withGuichet(demo: false) { app in
            // setup
            let owner = try await loggedIn(app)
            let location = try await register(owner)

            // act: invite
            let sent = try await owner.post(location + "/invitations", ["email": " B@Exemple.fr "])
            #expect(sent.status == .seeOther)
            #expect(sent.headers.first(name: .location) == location)
            let page = try await owner.get(location)
            #expect(page.visibleText.contains("Invitation envoyée à b@exemple.fr"))
            #expect(page.visibleText.contains("Invitations en attente"))

            // validate the email and the stored invitation
            let mail = try #require(try await outbox(app, to: "b@exemple.fr").last)
            #expect(mail.kind == "organisation_invitation")
            #expect(mail.subject.contains("Les Amis du Vieux Moulin"))
            #expect(mail.bodyText.contains("Marie Dupont vous invite"))
            #expect(mail.bodyText.contains("http://127.0.0.1:8080\(SiteURL.acceptInvitation.path)?jeton="))
            let token = try #require(linkToken(in: mail.bodyText, path: SiteURL.acceptInvitation.path))
            let invitation = try #require(try await OrganisationInvitationModel.query(on: app.db).first())
            #expect(invitation.tokenHash != token, "only the token's hash is stored")
            #expect(invitation.email == "b@exemple.fr")
            #expect(abs(invitation.expiresAt.timeIntervalSinceNow - 7 * 24 * 3600) < 600)

            // act: accept
            let invitee = try await loggedIn(app, email: "b@exemple.fr", name: "Bruno Martin")
            #expect(try await invitee.get(location).status == .notFound, "not a member before accepting")
            // Following the link changes nothing: it asks to confirm.
            let asked = try await invitee.get(SiteURL.acceptInvitation.path + "?jeton=" + token)
            #expect(asked.status == .ok)
            #expect(asked.visibleText.contains("Rejoindre « Les Amis du Vieux Moulin »"))
            #expect(try await OrganisationMemberModel.query(on: app.db).count() == 1)
            let forged = try await invitee.post(SiteURL.acceptInvitation.path, ["jeton": token], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(try await OrganisationMemberModel.query(on: app.db).count() == 1)
            let accepted = try await invitee.post(SiteURL.acceptInvitation.path, ["jeton": token])
            #expect(accepted.status == .seeOther)
            #expect(accepted.headers.first(name: .location) == location)

            // validate
            let joined = try await invitee.get(location)
            #expect(joined.status == .ok)
            #expect(joined.visibleText.contains("Vous représentez désormais « Les Amis du Vieux Moulin »"))
            #expect(joined.visibleText.contains("Marie Dupont") && joined.visibleText.contains("Bruno Martin"))
            #expect(!joined.visibleText.contains("Invitations en attente"))
            #expect(try await invitee.get(SiteURL.organisations.path).visibleText.contains("Les Amis du Vieux Moulin"))
            #expect(try await OrganisationInvitationModel.query(on: app.db).first()?.acceptedAt != nil)
            #expect(try await OrganisationMemberModel.query(on: app.db).count() == 2)

            let reused = try await invitee.post(SiteURL.acceptInvitation.path, ["jeton": token])
            #expect(reused.status == .gone)
            #expect(reused.visibleText.contains("Ce lien n'est plus valable"))
            let latecomer = try await loggedIn(app, email: "c@exemple.fr", name: "Chloé Petit")
            #expect(try await latecomer.get(SiteURL.acceptInvitation.path + "?jeton=" + token).status == .gone)
            #expect(try await latecomer.post(SiteURL.acceptInvitation.path, ["jeton": token]).status == .gone)
            #expect(try await latecomer.get(location).status == .notFound)
            #expect(try await OrganisationMemberModel.query(on: app.db).count() == 2)
        }
    }

    @Test func anExpiredOrUnknownInvitationIsRefused() async throws {
        try await withGuichet(demo: false) { app in
            let owner = try await loggedIn(app)
            let location = try await register(owner)
            try await owner.post(location + "/invitations", ["email": "c@exemple.fr"])
            let mail = try #require(try await outbox(app, to: "c@exemple.fr").last)
            let token = try #require(linkToken(in: mail.bodyText, path: SiteURL.acceptInvitation.path))
            try await OrganisationInvitationModel.query(on: app.db).set(\.$expiresAt, to: Date().addingTimeInterval(-1))
                .update()

            let invitee = try await loggedIn(app, email: "c@exemple.fr", name: "Chloé Petit")
            let res = try await invitee.get(SiteURL.acceptInvitation.path + "?jeton=" + token)
            #expect(res.status == .gone)
            #expect(res.visibleText.contains("Ce lien n'est plus valable"))
            for bad in ["", "abc", String(repeating: "x", count: 43), "%00", SecretToken.make()] {
                #expect(
                    try await invitee.get(SiteURL.acceptInvitation.path + "?jeton=" + bad).status == .gone, "\(bad)")
            }
            #expect(try await invitee.get(location).status == .notFound)
            #expect(try await OrganisationInvitationModel.query(on: app.db).first()?.acceptedAt == nil)
        }
    }

    @Test func whoeverHoldsTheLinkMayAcceptItAndAMemberAcceptingChangesNothing() async throws {
        try await withGuichet(demo: false) { app in
            let owner = try await loggedIn(app)
            let location = try await register(owner)
            for address in ["bureau@asso.fr", "tresorerie@asso.fr"] {
                #expect(try await owner.post(location + "/invitations", ["email": address]).status == .seeOther)
            }
            func token(_ address: String) async throws -> String {
                let mail = try #require(try await outbox(app, to: address).last)
                return try #require(linkToken(in: mail.bodyText, path: SiteURL.acceptInvitation.path))
            }
            // An account under another address than the invited one.
            let other = try await loggedIn(app, email: "d@exemple.fr", name: "David Roux")
            #expect(
                try await other.post(SiteURL.acceptInvitation.path, ["jeton": token("bureau@asso.fr")]).status
                    == .seeOther)
            #expect(try await other.get(location).status == .ok)
            // A member opening an invitation is sent to the organisation, once.
            #expect(
                try await owner.post(SiteURL.acceptInvitation.path, ["jeton": token("tresorerie@asso.fr")]).status
                    == .seeOther)
            #expect(try await OrganisationMemberModel.query(on: app.db).count() == 2)
            #expect(try await OrganisationInvitationModel.query(on: app.db).filter(\.$acceptedAt == nil).count() == 0)
        }
    }

    @Test func aBadOrAlreadyMemberAddressIsRefusedNextToTheField() async throws {
        try await withGuichet(demo: false) { app in
            let owner = try await loggedIn(app)
            let location = try await register(owner)
            let bad = try await owner.post(location + "/invitations", ["email": "pas-une-adresse"])
            #expect(bad.status == .unprocessableEntity)
            #expect(fieldError("email", in: bad)?.contains("Adresse électronique invalide") == true)
            #expect(bad.body.string.contains(#"value="pas-une-adresse""#))
            #expect(bad.body.string.contains(##"<a href="#email">"##))
            #expect(bad.visibleText.contains("Les Amis du Vieux Moulin"))
            let member = try await owner.post(location + "/invitations", ["email": "A@exemple.fr"])
            #expect(member.status == .unprocessableEntity)
            #expect(fieldError("email", in: member)?.contains("représente déjà l'organisation") == true)
            #expect(try await OrganisationInvitationModel.query(on: app.db).count() == 0)
            #expect(try await outbox(app).filter { $0.kind == "organisation_invitation" }.isEmpty)
        }
    }
}
