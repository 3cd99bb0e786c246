import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// The calls in the API and on the home page: their status and dates for everyone, their full
/// definition for the staff, the schema the definitions follow.
@Suite struct CallsAPITests {
    @Test func theCallListGivesEachPublicCallsStatusPhaseAndDates() async throws {
        try await withGuichet { app in
            // A draft of another region is not listed.
            let draft = try CallDefinition.load(json: AppResources.callFile("hdf-2021")).duplicated(
                reference: "bzh-2027", title: "Bretagne", scope: .region("53"))
            try await CallDefinitionStore(database: app.db).save(draft, by: .system("Essai"))
            let answer = try await Browser(app).get(SiteURL.apiCalls.path)
            let body = try JSONDecoder().decode(CallListProbe.self, from: Data(answer.body.readableBytesView))
            #expect(body.calls.map(\.reference).sorted() == ["essai-hdf", "hdf-2021"])
            let seed = try #require(body.calls.first { $0.reference == "hdf-2021" })
            #expect(seed.status == "published")
            #expect(seed.phase == "closed")
            #expect(seed.scope == "region:32")
            #expect(seed.opensAt == "2020-11-01T23:00:00Z")
            #expect(seed.deadline == "2021-01-15")
            #expect(body.calls.first { $0.reference == "essai-hdf" }?.phase == "open")
            #expect(try await Browser(app).get(SiteURL.apiCall("bzh-2027").path).status == .notFound)
        }
    }

    @Test func theSchemaIsServedAndEveryShippedFileFollowsIt() async throws {
        try await withGuichet(demo: false) { app in
            let answer = try await Browser(app).get("/api/v1/schemas/call.json")
            #expect(answer.status == .ok)
            #expect(answer.headers.contentType?.subType == "schema+json")
            let schema = JSONSchemaCheck(schema: try GuichetDomain.JSONValue(json: Data(answer.body.readableBytesView)))
            #expect(schema.unknownKeywords().isEmpty)
            for reference in try AppResources.shippedCalls() {
                let document = try GuichetDomain.JSONValue(json: AppResources.callFile(reference))
                #expect(schema.issues(of: document).isEmpty, "\(reference)")
            }
        }
    }

    @Test func theStaffReadADefinitionAndOnlyItsAuthorsReadADraft() async throws {
        try await withGuichet { app in
            let path = "/api/v1/calls/hdf-2021/definition"
            // Anonymous and applicants: no.
            #expect(try await Browser(app).get(path).status == .unauthorized)
            let applicant = try await Applicant.make(app)
            #expect(try await applicant.browser.get(path).status == .notFound)
            // An instructor with a session reads the same JSON as the file.
            let aisne = try await Factory.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
            let read = try await aisne.get(path)
            #expect(read.status == .ok)
            #expect(Data(read.body.readableBytesView) == (try AppResources.callFile("hdf-2021")))
            // A token needs the calls:read scope.
            let api = StaffAPITests()
            let narrow = try await api.token(aisne, scopes: [.dossiersRead])
            #expect(try await api.get(app, path, token: narrow).status == .forbidden)
            let wide = try await api.token(aisne, scopes: [.callsRead])
            #expect(try await api.get(app, path, token: wide).status == .ok)
            // A draft of Brittany: its region's administrator reads it, the Aisne's instructor does not know it exists.
            let draft = try CallDefinition.load(json: AppResources.callFile("hdf-2021")).duplicated(
                reference: "bzh-2027", title: "Bretagne", scope: .region("53"))
            try await CallDefinitionStore(database: app.db).save(draft, by: .system("Essai"))
            #expect(try await aisne.get("/api/v1/calls/bzh-2027/definition").status == .notFound)
            let brittany = try await Factory.staff(
                app, "admin53@exemple.fr", role: .administrator, scopes: ["region:53"])
            #expect(try await brittany.get("/api/v1/calls/bzh-2027/definition").status == .ok)
        }
    }

    @Test func theHomePageListsOpenUpcomingAndClosedCallsWithTheirResults() async throws {
        try await withGuichet { app in
            var upcoming = try CallDefinition.load(json: AppResources.callFile("essai-hdf"))
                .duplicated(reference: "hdf-2028", title: "Appel 2028 des Hauts-de-France", scope: .region("32"))
            let later = ParisTime.isoDay(Date().addingTimeInterval(40 * 86_400))
            upcoming.opensOn = later
            upcoming.deadline = ParisTime.isoDay(Date().addingTimeInterval(100 * 86_400))
            upcoming.waves[0].announcedOn = ParisTime.isoDay(Date().addingTimeInterval(160 * 86_400))
            try await CallDefinitionStore(database: app.db).save(upcoming, status: .published, by: .system("Essai"))
            var hidden = upcoming
            hidden.reference = "brouillon-2028"
            hidden.title = "Un brouillon"
            try await CallDefinitionStore(database: app.db).save(hidden, by: .system("Essai"))
            let home = try await Browser(app).get("/").visibleText
            let open = try #require(home.range(of: "Ouverts en ce moment"))
            let coming = try #require(home.range(of: "À venir"))
            let closed = try #require(home.range(of: "Clos, et leurs résultats"))
            #expect(home[open.upperBound..<coming.lowerBound].contains("Appel à projets d'essai"))
            #expect(home[coming.upperBound..<closed.lowerBound].contains("Appel 2028 des Hauts-de-France"))
            #expect(home[closed.upperBound...].contains("287 projets déposés"))
            #expect(home[closed.upperBound...].contains("37 projets retenus pour 4,4 M€"))
            #expect(!home.contains("Un brouillon"))
            // The seed's results stay at their address.
            #expect(
                try await Browser(app).get(SiteURL.callResults("hdf-2021").path).visibleText.contains(
                    "19 projets retenus"))
        }
    }
}

/// What the tests read of the call list.
struct CallListProbe: Decodable {
    struct Call: Decodable {
        let reference: String
        let status: String
        let phase: String
        let scope: String
        let opensAt: String
        let deadline: String
    }
    let calls: [Call]
}
