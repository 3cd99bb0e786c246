import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// The fixtures the suites share: staff accounts signed in, filed dossiers, the people and dossiers
/// of the demo. Each builds what a person would, through the same doors (the directory, the
/// pages), so that a fixture never holds a state the application could not reach.
enum Factory {
    /// Every staff account's password in tests.
    static let staffPassword = "mot de passe du personnel"

    /// A staff member created as the command line does, signed in through the web.
    static func staff(
        _ app: Application, _ email: String, role: Role = .instructor, scopes: [String]
    ) async throws -> Browser {
        _ = try await StaffDirectory(database: app.db).createStaff(
            email: email, name: "Agent \(email)", role: role, scopes: scopes, password: staffPassword,
            hasher: app.password.async, now: Date())
        let browser = Browser(app)
        try await browser.get(SiteURL.login.path)
        let res = try await browser.post(SiteURL.login.path, ["email": email, "password": staffPassword])
        #expect(res.status == .seeOther)
        return browser
    }

    /// The instructor of the Aisne (`ddets02@exemple.fr`), signed in.
    static func aisneInstructor(_ app: Application) async throws -> Browser {
        try await staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
    }

    /// An administrator (national unless told), signed in, on the staff page.
    static func administrator(
        _ app: Application, scopes: [String] = ["national"], email: String = "admin@exemple.fr"
    ) async throws -> Browser {
        let browser = try await staff(app, email, role: .administrator, scopes: scopes)
        try await browser.get(SiteURL.adminStaff.path)
        return browser
    }

    /// A dossier filed today on the practice call by a fresh applicant (in the Aisne unless told).
    static func filedDossier(
        _ app: Application, email: String = "asso@exemple.fr", territory: String = "departement:02"
    ) async throws -> (Applicant, UUID) {
        let applicant = try await Applicant.make(app, email: email)
        let id = try await applicant.startDossier()
        let answers = completeAnswers.map { $0.0 == "territory" ? ($0.0, territory) : $0 }
        try await applicant.browser.postMultipart(SiteURL.editDossier(id).path, answers, files: completeFiles)
        try await applicant.browser.get(SiteURL.dossierSummary(id).path)
        try await applicant.browser.post(SiteURL.fileDossier(id).path, [:])
        return (applicant, id)
    }

    /// The first demo dossier (by number) of an instruction group.
    static func demoDossier(_ app: Application, group: String) async throws -> DossierModel {
        try #require(
            try await DossierModel.query(on: app.db).filter(\.$instructorGroup == group).sort(\.$number).first())
    }

    /// The account with this address.
    static func user(_ app: Application, _ email: String) async throws -> UserModel {
        try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
    }
}

/// The committee of the demo call's open wave.
extension Factory {
    /// A session of the demo call with its chair and member signed in, and the dossiers it decides.
    struct Committee {
        let chair: Browser
        let member: Browser
        let chairUser: UserModel
        let memberUser: UserModel
        let session: UUID
        let dossiers: [DossierModel]
    }

    /// A regional session of the demo call's open wave, chair and one member present, quorum 2.
    static func committeeSession(_ app: Application) async throws -> Committee {
        let chair = try await Factory.staff(app, "president@exemple.fr", role: .committeeChair, scopes: ["region:32"])
        let member = try await Factory.staff(app, "membre@exemple.fr", role: .committeeMember, scopes: ["region:32"])
        func user(_ email: String) async throws -> UserModel {
            try #require(try await UserModel.query(on: app.db).filter(\.$email == email).first())
        }
        let chairUser = try await user("president@exemple.fr"), memberUser = try await user("membre@exemple.fr")
        try await chair.get(SiteURL.newCommitteeSession.path)
        let created = try await chair.postMultipart(
            SiteURL.committeeSessions.path,
            [
                ("call", DemoCall.reference), ("wave", "2"), ("title", "Comité régional de juin"),
                ("held_on", "2021-06-03"),
                ("scope", "region:32"), ("chair", try chairUser.requireID().uuidString),
                ("members", try memberUser.requireID().uuidString),
                ("quorum", "2"),
            ])
        #expect(created.status == .seeOther)
        let location = try #require(created.headers.first(name: .location))
        let session = try #require(UUID(uuidString: String(location.split(separator: "/").last ?? "")))
        try await chair.get(location)
        try await chair.post(
            pairs: location + "/presences",
            [
                ("present", try chairUser.requireID().uuidString),
                ("present", try memberUser.requireID().uuidString),
            ])
        try await member.get(location)
        let call = try await CallRepository(database: app.db).load(DemoCall.reference)
        let dossiers = try await DossierModel.query(on: app.db).filter(\.$call.$id == call.id)
            .filter(\.$status == DossierStatus.reviewed.rawValue).sort(\.$number).range(0..<3).all()
        return Committee(
            chair: chair, member: member, chairUser: chairUser, memberUser: memberUser, session: session,
            dossiers: dossiers)
    }

    @discardableResult
    static func stage(
        _ browser: Browser, _ committee: Committee, _ dossier: DossierModel, outcome: String, amount: String = "",
        motive: String = ""
    )
        async throws -> TestingHTTPResponse
    {
        try await browser.post(
            SiteURL.committeeSession(committee.session).path + "/decisions",
            ["dossier": try dossier.requireID().uuidString, "outcome": outcome, "amount": amount, "motive": motive])
    }
}

extension Factory {
    /// Retains `count` dossiers of the June session and applies them as wave 2's decisions.
    static func decideJune(_ app: Application, count: Int) async throws -> [DossierModel] {
        let (chair, session) = try await Factory.juneSession(app)
        let candidates = try await DossierModel.query(on: app.db).filter(\.$status == "reviewed").sort(\.$number).range(
            ..<count
        ).all()
        for dossier in candidates {
            let amount = try Money(cents: dossier.requestedCents).decimalString
            let staged = try await chair.post(
                SiteURL.committeeSession(session).path + "/decisions",
                ["dossier": try dossier.requireID().uuidString, "outcome": "retained", "amount": amount])
            #expect(staged.headers.first(name: "X-Guichet-Error") == nil)
        }
        let applied = try await chair.post(SiteURL.committeeSession(session).path + "/appliquer", ["confirmer": "oui"])
        #expect(applied.headers.first(name: "X-Guichet-Error") == nil)
        return candidates
    }
}

/// The demo committee's open June session, and a stand-in virus scanner.
extension Factory {
    /// The June session with its chair present.
    static func juneSession(_ app: Application) async throws -> (Browser, UUID) {
        let chair = try await Factory.staff(
            app, "president@exemple.fr", role: .committeeChair, scopes: ["region:32"])
        let chairUser = try #require(
            try await UserModel.query(on: app.db).filter(\.$email == "president@exemple.fr").first())
        let session = try #require(
            try await CommitteeSessionModel.query(on: app.db).filter(\.$status == "open").first())
        let member = CommitteeMemberModel()
        member.$session.id = try session.requireID()
        member.$user.id = try chairUser.requireID()
        member.isChair = true
        member.present = true
        try await member.create(on: app.db)
        session.quorum = 1
        try await session.save(on: app.db)
        try await chair.get(SiteURL.committeeSession(session.requireID()).path)
        return (chair, try session.requireID())
    }

    /// A stand-in for clamscan with its exit codes: 1 (infected) when the file holds the EICAR
    /// marker, 0 otherwise.
    static func fakeScanner(_ folder: String) throws -> String {
        let path = folder + "/fake-clamscan"
        try """
        #!/bin/sh
        for last; do true; done
        if grep -q EICAR "$last"; then exit 1; fi
        exit 0
        """.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }
}
