import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import GuichetApp

/// Sessions end on the server: idle and absolute limits, purged rows, every session of a person
/// ended at a password reset and at closure, and no row for a cookie nobody was given.
@Suite struct SessionTests {
    @Test func madeUpCookiesStoreNothing() async throws {
        try await withGuichet(demo: false) { app in
            for index in 0..<20 {
                try await app.testing().test(
                    .GET, "/",
                    beforeRequest: { req in
                        req.headers.replaceOrAdd(
                            name: .cookie, value: "guichet_session=invente\(index)\(String(repeating: "x", count: 30))")
                    },
                    afterResponse: { res in
                        #expect(res.status == .ok)
                    })
            }
            #expect(try await SessionModel.query(on: app.db).count() == 0)
        }
    }

    @Test func aSessionEndsWhenIdleOrTooOldAndExpiredRowsArePurged() async throws {
        try await withGuichet(
            demo: false,
            adjust: {
                $0.sessionIdleSeconds = 600
                $0.sessionMaxSeconds = 3600
            }
        ) { app in
            let applicant = try await Applicant.make(app)
            #expect(try await applicant.browser.get(SiteURL.account.path).status == .ok)
            let row = try #require(
                try await SessionModel.query(on: app.db).filter(\.$userID == applicant.user.requireID()).first())
            // Idle for longer than allowed: signed out, the row gone.
            row.seenAt = Date().addingTimeInterval(-601)
            try await row.save(on: app.db)
            #expect(try await applicant.browser.get(SiteURL.account.path).status == .seeOther)
            #expect(
                try await SessionModel.query(on: app.db).filter(\.$userID == applicant.user.requireID()).count() == 0)
            // Active, but logged in too long ago: signed out too.
            try await applicant.browser.get(SiteURL.login.path)
            try await applicant.browser.post(
                SiteURL.login.path, ["email": applicant.user.email, "password": Applicant.password])
            #expect(try await applicant.browser.get(SiteURL.account.path).status == .ok)
            let again = try #require(
                try await SessionModel.query(on: app.db).filter(\.$userID == applicant.user.requireID()).first())
            again.createdAt = Date().addingTimeInterval(-3601)
            try await again.save(on: app.db)
            #expect(try await applicant.browser.get(SiteURL.account.path).status == .seeOther)
            // The background purge deletes what expired without being visited.
            let stale = SessionModel()
            stale.keyHash = SecretToken.hash(SecretToken.make())
            stale.data = "{}"
            stale.createdAt = Date().addingTimeInterval(-7200)
            stale.seenAt = Date().addingTimeInterval(-7200)
            try await stale.create(on: app.db)
            #expect(try await SessionStore.purge(on: app.db, idleSeconds: 600, maxSeconds: 3600) >= 1)
            #expect(try await SessionModel.find(stale.requireID(), on: app.db) == nil)
        }
    }

    @Test func theCookieLivesAsLongAsASessionMay() async throws {
        try await withGuichet(adjust: { $0.sessionMaxSeconds = 72 * 3600 }) { app in
            // act: a staff member signs in.
            let browser = Browser(app)
            _ = try await browser.get(SiteURL.login.path)
            _ = try await Factory.staff(app, "longue@exemple.fr", role: .instructor, scopes: ["departement:02"])
            let signedIn = try await browser.post(
                SiteURL.login.path, ["email": "longue@exemple.fr", "password": Factory.staffPassword])
            // validate: the browser keeps the cookie for the configured limit, not a fixed 12 h.
            let cookie = try #require(signedIn.headers[.setCookie].first { $0.hasPrefix(SessionStore.cookieName) })
            #expect(cookie.contains("Max-Age=259200"), "\(cookie)")
        }
    }

    @Test func aPasswordResetEndsEveryOtherSession() async throws {
        try await withGuichet(demo: false) { app in
            let applicant = try await Applicant.make(app)
            let other = Browser(app)
            try await other.get(SiteURL.login.path)
            try await other.post(SiteURL.login.path, ["email": applicant.user.email, "password": Applicant.password])
            #expect(try await other.get(SiteURL.account.path).status == .ok)
            // A reset from a third browser.
            let third = Browser(app)
            try await third.get(SiteURL.forgotPassword.path)
            try await third.post(SiteURL.forgotPassword.path, ["email": applicant.user.email])
            let mail = try #require(try await outbox(app, to: applicant.user.email).last)
            let token = try #require(linkToken(in: mail.bodyText, path: SiteURL.resetPassword.path))
            try await third.get(SiteURL.resetPassword.path + "?jeton=" + token)
            let reset = try await third.post(
                SiteURL.resetPassword.path,
                [
                    "jeton": token, "password": "une autre phrase assez longue",
                    "password_confirmation": "une autre phrase assez longue",
                ])
            #expect(reset.status == .seeOther)
            #expect(try await other.get(SiteURL.account.path).status == .seeOther)
            #expect(try await applicant.browser.get(SiteURL.account.path).status == .seeOther)
        }
    }

    @Test func aClosedAccountsSessionsDoNotComeBackWhenItIsReopened() async throws {
        try await withGuichet(demo: false) { app in
            let admin = try await Factory.administrator(app, scopes: ["national"])
            let agent = try await Factory.staff(app, "agent@exemple.fr", scopes: ["departement:02"])
            #expect(try await agent.get(SiteURL.instruction.path).status == .ok)
            let person = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "agent@exemple.fr").first())
            try await admin.get(SiteURL.adminPerson(person.requireID()).path)
            #expect(
                try await admin.post(SiteURL.adminPerson(person.requireID()).path + "/fermer", [:]).status == .seeOther)
            #expect(try await SessionModel.query(on: app.db).filter(\.$userID == person.requireID()).count() == 0)
            #expect(
                try await admin.post(SiteURL.adminPerson(person.requireID()).path + "/rouvrir", [:]).status == .seeOther
            )
            #expect(try await agent.get(SiteURL.instruction.path).status == .seeOther)
        }
    }
}
