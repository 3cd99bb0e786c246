import Fluent
import Foundation
import GuichetDomain
import Testing
import Vapor
import VaporTesting

@testable import GuichetApp

/// Limits that hold: every failed login counted, sign-ups, reset requests and invitations capped,
/// the client read behind trusted proxies only.
@Suite struct ThrottlingTests {
    @Test func parallelWrongPasswordsAreAllCounted() async throws {
        try await withGuichet(demo: false) { app in
            let applicant = try await Applicant.make(app)
            let service = AccountService(
                database: app.db, hasher: app.password.async, configuration: app.guichetConfiguration, now: Date())
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        _ = try? await service.logIn(
                            email: applicant.user.email, password: "faux mot de passe", remoteAddress: "198.51.100.7")
                    }
                }
            }
            let row = try #require(
                try await LoginAttemptModel.query(on: app.db).filter(\.$key == "email:\(applicant.user.email)").first())
            // Every guess that reached the check was counted; the ones after the block were refused before it.
            #expect(row.failures >= LoginThrottle.freeFailures)
            #expect(row.blockedUntil != nil)
            await #expect(throws: AppError.self) {
                _ = try await service.logIn(
                    email: applicant.user.email, password: Applicant.password, remoteAddress: "198.51.100.8")
            }
        }
    }

    @Test func signUpsAndResetRequestsAreCappedPerAddress() async throws {
        try await withGuichet(demo: false) { app in
            let browser = Browser(app)
            try await browser.get(SiteURL.signUp.path)
            for index in 0..<RequestCounter.Limit.signUp.count {
                let res = try await browser.post(
                    SiteURL.signUp.path,
                    [
                        "display_name": "P\(index)", "email": "p\(index)@exemple.fr",
                        "password": Applicant.password, "password_confirmation": Applicant.password,
                    ])
                #expect(res.status == .ok)
            }
            let refused = try await browser.post(
                SiteURL.signUp.path,
                [
                    "display_name": "X", "email": "x@exemple.fr",
                    "password": Applicant.password, "password_confirmation": Applicant.password,
                ])
            #expect(refused.status == .tooManyRequests)
            #expect(refused.visibleText.contains("Trop de créations de compte"))
            #expect(try await UserModel.query(on: app.db).filter(\.$email == "x@exemple.fr").count() == 0)
            // Reset emails: three an hour to one account, then silence (same answer, no mail).
            try await browser.get(SiteURL.forgotPassword.path)
            for _ in 0..<4 {
                #expect(try await browser.post(SiteURL.forgotPassword.path, ["email": "p0@exemple.fr"]).status == .ok)
            }
            #expect(try await outbox(app, to: "p0@exemple.fr").filter { $0.kind == "reset_password" }.count == 3)
            #expect(try await browser.post(SiteURL.forgotPassword.path, ["email": "p1@exemple.fr"]).status == .ok)
            #expect(
                try await browser.post(SiteURL.forgotPassword.path, ["email": "p1@exemple.fr"]).status
                    == .tooManyRequests)
        }
    }

    @Test func invitationsAreCappedPerPerson() async throws {
        try await withGuichet(demo: false) { app in
            let applicant = try await Applicant.make(app)
            let location = SiteURL.organisation(applicant.organisationID).path
            try await applicant.browser.get(location)
            for index in 0..<RequestCounter.Limit.invitations.count {
                #expect(
                    try await applicant.browser.post(location + "/invitations", ["email": "i\(index)@exemple.fr"])
                        .status == .seeOther)
            }
            let refused = try await applicant.browser.post(location + "/invitations", ["email": "trop@exemple.fr"])
            #expect(refused.status == .tooManyRequests)
            #expect(try await outbox(app, to: "trop@exemple.fr").isEmpty)
        }
    }
}
