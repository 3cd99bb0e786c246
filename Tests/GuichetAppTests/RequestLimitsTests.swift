import Fluent
import Foundation
import NIOCore
import Testing
import VaporTesting

@testable import GuichetApp

/// Bodies and addresses are limited before anything reads them: a form's size everywhere, the
/// upload size only where files are sent.
@Suite struct RequestLimitsTests {
    @Test func anOversizedFormIsRefusedWith413BeforeItIsRead() async throws {
        try await withGuichet(demo: false) { app in
            let big = String(repeating: "a", count: RequestLimits.formBytes + 1)
            try await app.testing().test(
                .POST, SiteURL.login.path,
                beforeRequest: { req in
                    req.headers.contentType = .urlEncodedForm
                    req.body = ByteBuffer(string: "email=a%40b.fr&password=" + big)
                },
                afterResponse: { res in
                    #expect(res.status == .payloadTooLarge)
                    #expect(res.visibleText.contains("Le formulaire envoyé est trop volumineux (262 ko au plus)."))
                    #expect(res.headers.first(name: "X-Frame-Options") == "DENY")
                })
            // A form of ordinary size still reaches the CSRF check.
            let small = try await Browser(app).post(
                SiteURL.login.path, ["email": "a@b.fr", "password": "x"], csrf: false)
            #expect(small.status == .forbidden)
        }
    }

    @Test func onlyRoutesThatTakeFilesAcceptTheUploadSize() async throws {
        try await withGuichet(adjust: { $0.maxUploadBytes = 1_000_000 }) { app in
            let (applicant, id) = try await Factory.filedDossier(app)
            // Within one file's size: accepted by the limit (the dossier is filed, so the page refuses it for that reason).
            let medium = Data(repeating: 0x25, count: 600_000)
            let within = try await applicant.browser.postMultipart(
                SiteURL.dossierMessagesPath(id), [("body", "Voici le document.")],
                files: [("file", "budget.pdf", SampleFiles.pdf + medium)])
            #expect(within.status != .payloadTooLarge)
            // Above one file's size and its form: 413, with the limit in French.
            let large = Data(repeating: 0x25, count: 1_400_000)
            let over = try await applicant.browser.postMultipart(
                SiteURL.dossierMessagesPath(id), [("body", "Trop lourd.")],
                files: [("file", "budget.pdf", SampleFiles.pdf + large)])
            #expect(over.status == .payloadTooLarge)
            #expect(over.body.string.contains("1,3 Mo au plus"))
            // The same weight on a form route is refused at a form's size.
            let form = try await applicant.browser.postMultipart(
                SiteURL.organisations.path, [("name", "X")],
                files: [("file", "budget.pdf", SampleFiles.pdf + medium)])
            #expect(form.status == .payloadTooLarge)
        }
    }

    @Test func anOverlongAddressIsAnswered414() async throws {
        try await withGuichet(demo: false) { app in
            let res = try await Browser(app).get(
                "/instruction?theme=" + String(repeating: "x", count: RequestLimits.urlBytes))
            #expect(res.status == .uriTooLong)
            #expect(res.body.string.contains("Cette adresse est trop longue"))
        }
    }
}

extension SiteURL {
    static func dossierMessagesPath(_ id: UUID) -> String { SiteURL.dossierMessages(id).path }
}

/// A dossier's files have a quota, form and messages together.
@Suite struct DossierQuotaTests {
    @Test func aFileBeyondTheDossiersQuotaIsRefusedAndNothingStored() async throws {
        try await withGuichet(adjust: { $0.dossierQuotaBytes = 2_000 }) { app in
            let (applicant, id) = try await Factory.filedDossier(app)
            let before = try await AttachmentStore.usedBytes(dossier: id, on: app.db)
            #expect(before > 0 && before < 2_000)
            let heavy = SampleFiles.pdf + Data(repeating: 0x25, count: 2_000)
            try await applicant.browser.get(SiteURL.dossierMessages(id).path)
            let refused = try await applicant.browser.postMultipart(
                SiteURL.dossierMessages(id).path, [("body", "Le budget détaillé.")],
                files: [("file", "budget.pdf", heavy)])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.visibleText.contains("a atteint sa place pour les pièces jointes"))
            #expect(try await AttachmentStore.usedBytes(dossier: id, on: app.db) == before)
            #expect(try await DossierMessageModel.query(on: app.db).filter(\.$dossier.$id == id).count() == 0)
        }
    }
}
