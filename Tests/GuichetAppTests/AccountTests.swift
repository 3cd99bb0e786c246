import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

@Suite struct AccountTests {
    let password = "une phrase assez longue"

    /// Signs up and confirms an account through the web; returns the browser, logged out.
    func confirmedAccount(_ app: Application, email: String = "asso@exemple.fr") async throws -> Browser {
        let browser = Browser(app)
        try await browser.get(SiteURL.signUp.path)
        try await browser.post(
            SiteURL.signUp.path,
            [
                "display_name": "Marie Dupont", "email": email,
                "password": password, "password_confirmation": password,
            ])
        let mail = try #require(try await outbox(app, to: email).last)
        let token = try #require(linkToken(in: mail.bodyText, path: SiteURL.confirmEmail.path))
        try await browser.get(SiteURL.confirmEmail.path + "?jeton=" + token)
        return browser
    }

    @Test func signUpSendsAConfirmationLinkAndConfirmingActivatesTheAccount() async throws {
        try await withGuichet(demo: false) { app in
            let browser = Browser(app)
            let form = try await browser.get(SiteURL.signUp.path)
            #expect(form.status == .ok)
            #expect(browser.csrf != nil)
            #expect(form.body.string.contains(#"<label class="fr-label" for="email">"#))
            let done = try await browser.post(
                SiteURL.signUp.path,
                [
                    "display_name": "Marie Dupont", "email": " Asso@Exemple.FR ",
                    "password": password, "password_confirmation": password,
                ])
            #expect(done.status == .ok)
            #expect(done.visibleText.contains("Vérifiez votre messagerie"))
            let user = try #require(try await UserModel.query(on: app.db).first())
            #expect(user.email == "asso@exemple.fr")
            #expect(user.emailVerifiedAt == nil)
            #expect(user.passwordHash.hasPrefix("$2"))
            #expect(!user.passwordHash.contains(password))
            let mail = try #require(try await outbox(app).first)
            #expect(mail.kind == "verify_email")
            let token = try #require(linkToken(in: mail.bodyText, path: SiteURL.confirmEmail.path))
            let stored = try #require(try await UserTokenModel.query(on: app.db).first())
            #expect(stored.tokenHash != token, "only the token's hash is stored")

            let confirmed = try await browser.get(SiteURL.confirmEmail.path + "?jeton=" + token)
            #expect(confirmed.status == .seeOther)
            #expect(try await UserModel.query(on: app.db).first()?.emailVerifiedAt != nil)
            let reused = try await browser.get(SiteURL.confirmEmail.path + "?jeton=" + token)
            #expect(reused.status == .gone)
            #expect(reused.visibleText.contains("n'est plus valable"))
        }
    }

    @Test func signUpRefusesBadInputFieldByFieldKeepingWhatWasTyped() async throws {
        try await withGuichet(demo: false) { app in
            let browser = Browser(app)
            try await browser.get(SiteURL.signUp.path)
            let cases: [([String: String], String, String)] = [
                (
                    [
                        "display_name": "Marie", "email": "pas-une-adresse", "password": password,
                        "password_confirmation": password,
                    ],
                    "email", "Adresse électronique invalide"
                ),
                (
                    [
                        "display_name": "Marie", "email": "a@b.fr", "password": "court",
                        "password_confirmation": "court",
                    ],
                    "password", "au moins 12 caractères"
                ),
                (
                    [
                        "display_name": "Marie", "email": "a@b.fr", "password": password,
                        "password_confirmation": password + "x",
                    ],
                    "password_confirmation", "La confirmation ne correspond pas"
                ),
                (
                    ["display_name": "  ", "email": "a@b.fr", "password": password, "password_confirmation": password],
                    "display_name", "Indiquez votre nom"
                ),
                (
                    [
                        "display_name": "Marie", "email": "a@b.fr", "password": String(repeating: "é", count: 40),
                        "password_confirmation": String(repeating: "é", count: 40),
                    ], "password", "trop long"
                ),
            ]
            for (form, field, message) in cases {
                let res = try await browser.post(SiteURL.signUp.path, form)
                #expect(res.status == .unprocessableEntity, "\(field)")
                #expect(res.visibleText.contains(message), "\(field): \(message)")
                #expect(res.body.string.contains(#"id="\#(field)-erreur""#))
                #expect(res.body.string.contains(#"value="\#(form["email"] ?? "")""#), "the typed address is kept")
                #expect(!res.body.string.contains(password), "passwords are never echoed")
            }
            #expect(try await UserModel.query(on: app.db).count() == 0)
            #expect(try await OutboxMessageModel.query(on: app.db).count() == 0)
        }
    }

    @Test func signingUpWithAKnownAddressAnswersAlikeAndWarnsTheOwner() async throws {
        try await withGuichet(demo: false) { app in
            _ = try await confirmedAccount(app)
            let other = Browser(app)
            try await other.get(SiteURL.signUp.path)
            let res = try await other.post(
                SiteURL.signUp.path,
                [
                    "display_name": "Intrus", "email": "asso@exemple.fr",
                    "password": "un autre mot de passe", "password_confirmation": "un autre mot de passe",
                ])
            #expect(res.status == .ok)
            #expect(res.visibleText.contains("Vérifiez votre messagerie"))
            #expect(try await UserModel.query(on: app.db).count() == 1)
            #expect(try await outbox(app, to: "asso@exemple.fr").last?.kind == "signup_existing")
        }
    }

    @Test func formsWithoutTheirCSRFTokenAreRefusedAndChangeNothing() async throws {
        try await withGuichet(demo: false) { app in
            let browser = Browser(app)
            try await browser.get(SiteURL.signUp.path)
            let form = [
                "display_name": "Marie", "email": "a@b.fr", "password": password, "password_confirmation": password,
            ]
            for token in [nil, "faux-jeton"] {
                var fields = form
                fields["_csrf"] = token
                let res = try await browser.post(SiteURL.signUp.path, fields, csrf: token != nil)
                #expect(res.status == .forbidden)
                #expect(res.visibleText.contains("Ce formulaire a expiré"))
            }
            // A token from another session does not do either.
            let other = Browser(app)
            try await other.get(SiteURL.signUp.path)
            var stolen = form
            stolen["_csrf"] = other.csrf
            #expect(try await browser.post(SiteURL.signUp.path, stolen).status == .forbidden)
            #expect(try await UserModel.query(on: app.db).count() == 0)
        }
    }

    @Test func loginOpensTheAccountPageAndLogoutClosesIt() async throws {
        try await withGuichet(demo: false) { app in
            let browser = try await confirmedAccount(app)
            #expect(try await browser.get(SiteURL.account.path).status == .seeOther)
            try await browser.get(SiteURL.login.path)
            let anonymousCookie = browser.cookie
            let res = try await browser.post(SiteURL.login.path, ["email": "ASSO@exemple.fr", "password": password])
            #expect(res.status == .seeOther)
            #expect(res.headers.first(name: .location) == SiteURL.account.path)
            #expect(browser.cookie != anonymousCookie, "a new session at login")
            let page = try await browser.get(SiteURL.account.path)
            #expect(page.status == .ok)
            #expect(page.visibleText.contains("Marie Dupont"))
            // The session lives in the database.
            #expect(try await SessionModel.query(on: app.db).count() >= 1)
            // Logging out needs the token too.
            #expect(try await browser.post(SiteURL.logout.path, [:], csrf: false).status == .forbidden)
            #expect(try await browser.post(SiteURL.logout.path, [:]).status == .seeOther)
            #expect(try await browser.get(SiteURL.account.path).status == .seeOther)
        }
    }

    @Test func loginReturnsToThePageAskedForAndNeverToAnotherSite() async throws {
        try await withGuichet(demo: false) { app in
            let browser = try await confirmedAccount(app)
            #expect(try await browser.get(SiteURL.organisations.path).status == .seeOther)
            try await browser.get(SiteURL.login.path)
            let res = try await browser.post(SiteURL.login.path, ["email": "asso@exemple.fr", "password": password])
            #expect(res.headers.first(name: .location) == SiteURL.organisations.path)
            #expect(LoginRequired.safeReturn("//evil.example/x") == nil)
            #expect(LoginRequired.safeReturn("https://evil.example") == nil)
            #expect(LoginRequired.safeReturn("/dossiers/1?x=2") == "/dossiers/1?x=2")
        }
    }

    @Test func wrongPasswordAndUnknownAddressGetTheSameAnswer() async throws {
        try await withGuichet(demo: false) { app in
            let browser = try await confirmedAccount(app)
            try await browser.get(SiteURL.login.path)
            let wrong = try await browser.post(
                SiteURL.login.path, ["email": "asso@exemple.fr", "password": "mauvais mot de passe"])
            let unknown = try await browser.post(
                SiteURL.login.path, ["email": "personne@exemple.fr", "password": password])
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.visibleText.contains("Adresse ou mot de passe incorrect."))
            #expect(unknown.visibleText.contains("Adresse ou mot de passe incorrect."))
            #expect(try await browser.get(SiteURL.account.path).status == .seeOther)
        }
    }

    @Test func anUnconfirmedAccountCannotLogInAndGetsANewLink() async throws {
        try await withGuichet(demo: false) { app in
            let browser = Browser(app)
            try await browser.get(SiteURL.signUp.path)
            try await browser.post(
                SiteURL.signUp.path,
                [
                    "display_name": "Marie", "email": "a@b.fr", "password": password,
                    "password_confirmation": password,
                ])
            try await browser.get(SiteURL.login.path)
            let res = try await browser.post(SiteURL.login.path, ["email": "a@b.fr", "password": password])
            #expect(res.status == .forbidden)
            #expect(res.visibleText.contains("Confirmez d'abord votre adresse"))
            #expect(try await outbox(app, to: "a@b.fr").count == 2)
        }
    }

    @Test func repeatedFailuresAreSlowedDownEvenWithTheRightPassword() async throws {
        try await withGuichet(demo: false) { app in
            let browser = try await confirmedAccount(app)
            try await browser.get(SiteURL.login.path)
            for _ in 0..<LoginThrottle.freeFailures {
                #expect(
                    try await browser.post(
                        SiteURL.login.path, ["email": "asso@exemple.fr", "password": "non non non non"]
                    ).status == .unauthorized)
            }
            let blocked = try await browser.post(
                SiteURL.login.path, ["email": "asso@exemple.fr", "password": password])
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.visibleText.contains("Trop de tentatives"))
            let row = try #require(
                try await LoginAttemptModel.query(on: app.db).filter(\.$key == "email:asso@exemple.fr").first())
            #expect(row.failures == LoginThrottle.freeFailures)
        }
    }

    @Test func passwordResetWorksOnceAndSaysNothingAboutUnknownAddresses() async throws {
        try await withGuichet(demo: false) { app in
            let browser = try await confirmedAccount(app)
            try await browser.get(SiteURL.forgotPassword.path)
            let unknown = try await browser.post(SiteURL.forgotPassword.path, ["email": "personne@exemple.fr"])
            let known = try await browser.post(SiteURL.forgotPassword.path, ["email": "asso@exemple.fr"])
            #expect(unknown.status == .ok && known.status == .ok)
            #expect(unknown.visibleText.contains("Si un compte existe pour cette adresse"))
            #expect(known.visibleText.contains("Si un compte existe pour cette adresse"))
            #expect(try await outbox(app, to: "personne@exemple.fr").isEmpty)
            let mail = try #require(try await outbox(app, to: "asso@exemple.fr").last)
            #expect(mail.kind == "reset_password")
            let token = try #require(linkToken(in: mail.bodyText, path: SiteURL.resetPassword.path))

            let form = try await browser.get(SiteURL.resetPassword.path + "?jeton=" + token)
            #expect(form.status == .ok)
            let short = try await browser.post(
                SiteURL.resetPassword.path, ["jeton": token, "password": "court", "password_confirmation": "court"])
            #expect(short.status == .unprocessableEntity)
            let newPassword = "un tout nouveau mot de passe"
            let done = try await browser.post(
                SiteURL.resetPassword.path,
                [
                    "jeton": token, "password": newPassword,
                    "password_confirmation": newPassword,
                ])
            #expect(done.status == .seeOther)
            #expect(try await browser.get(SiteURL.resetPassword.path + "?jeton=" + token).status == .gone)

            try await browser.get(SiteURL.login.path)
            #expect(
                try await browser.post(SiteURL.login.path, ["email": "asso@exemple.fr", "password": password]).status
                    == .unauthorized)
            #expect(
                try await browser.post(SiteURL.login.path, ["email": "asso@exemple.fr", "password": newPassword]).status
                    == .seeOther)
        }
    }

    @Test func anExpiredResetLinkIsRefused() async throws {
        try await withGuichet(demo: false) { app in
            let browser = try await confirmedAccount(app)
            try await browser.get(SiteURL.forgotPassword.path)
            try await browser.post(SiteURL.forgotPassword.path, ["email": "asso@exemple.fr"])
            let mail = try #require(try await outbox(app, to: "asso@exemple.fr").last)
            let token = try #require(linkToken(in: mail.bodyText, path: SiteURL.resetPassword.path))
            try await UserTokenModel.query(on: app.db).set(\.$expiresAt, to: Date().addingTimeInterval(-1)).update()
            #expect(try await browser.get(SiteURL.resetPassword.path + "?jeton=" + token).status == .gone)
            for bad in ["", "abc", String(repeating: "x", count: 43), "%00"] {
                #expect(try await browser.get(SiteURL.resetPassword.path + "?jeton=" + bad).status == .gone)
            }
        }
    }
}
