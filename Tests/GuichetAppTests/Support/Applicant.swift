import Fluent
import Foundation
import Testing
import VaporTesting

@testable import GuichetApp

/// A confirmed, logged-in applicant representing one organisation (created directly: the
/// organisation pages have their own tests).
struct Applicant {
    let browser: Browser
    let user: UserModel
    let organisationID: UUID

    static let password = "une phrase assez longue"

    static func make(
        _ app: Application, email: String = "asso@exemple.fr", organisation: String = "Les Amis du Quartier"
    ) async throws -> Applicant {
        let browser = Browser(app)
        try await browser.get(SiteURL.signUp.path)
        try await browser.post(
            SiteURL.signUp.path,
            [
                "display_name": "Marie \(email)", "email": email,
                "password": password, "password_confirmation": password,
            ])
        let mail = try #require(try await outbox(app, to: email).last)
        let token = try #require(linkToken(in: mail.bodyText, path: SiteURL.confirmEmail.path))
        try await browser.get(SiteURL.confirmEmail.path + "?jeton=" + token)
        try await browser.get(SiteURL.login.path)
        try await browser.post(SiteURL.login.path, ["email": email, "password": password])
        let user = try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
        let org = OrganisationModel(
            name: organisation, legalForm: "Association déclarée (loi 1901)", siret: nil,
            rna: "W02" + String(format: "%07d", Int.random(in: 0..<10_000_000)),
            departementCode: "02", simulated: false)
        try await org.create(on: app.db)
        try await OrganisationMemberModel(organisationID: org.requireID(), userID: user.requireID()).create(on: app.db)
        return Applicant(browser: browser, user: user, organisationID: try org.requireID())
    }

    /// Starts a dossier on a call (the open practice call by default) and returns its id.
    func startDossier(on reference: String = PracticeCall.reference) async throws -> UUID {
        try await browser.get(SiteURL.apply(reference).path)
        let res = try await browser.post(SiteURL.apply(reference).path, ["organisation": organisationID.uuidString])
        let location = try #require(res.headers.first(name: .location), "\(res.status) \(res.body.string.prefix(300))")
        let parts = location.split(separator: "/")
        let id = try #require(parts.count > 1 ? UUID(uuidString: String(parts[1])) : nil, "redirected to \(location)")
        return id
    }
}

/// Small valid files, recognised by content.
enum SampleFiles {
    static let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)
    static let png = Data([
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8,
        6, 0, 0, 0,
    ])
    static let text = Data("Ceci est un simple texte, pas un PDF.\n".utf8)
}

/// A complete, valid answer to the demo form.
let completeAnswers: [(String, String)] = [
    ("title", "Épicerie solidaire mobile à Laon"),
    ("summary", "Un camion aménagé pour distribuer des produits frais dans les villages autour de Laon."),
    ("theme", "alimentation"),
    ("objectives", "biens-essentiels"),
    ("objectives", "services-innovants"),
    ("territory", "departement:02"),
    ("expected_public", "Familles en situation de précarité des villages isolés."),
    ("beneficiaries", "350"),
    ("start_date", "2026-09-01"),
    ("end_date", "2027-08-31"),
    ("amount_requested", "45 000"),
    ("total_budget", "60 000,50"),
    ("cofinancing", "Département de l'Aisne : 10 000 € (acquis)"),
]

let completeFiles: [(name: String, fileName: String, data: Data)] = [
    ("budget_document", "budget.pdf", SampleFiles.pdf),
    ("statutes", "statuts.pdf", SampleFiles.pdf),
    ("bank_details", "rib.png", SampleFiles.png),
]
