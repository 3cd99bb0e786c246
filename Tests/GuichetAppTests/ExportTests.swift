import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// Exports of dossiers, scores, opinions and decisions, scoped to the person's rights.
@Suite struct ExportTests {
    struct Document: Decodable {
        let dataset: String
        let count: Int
        let rows: [[String: JSONValue]]
    }

    enum JSONValue: Decodable, Equatable {
        case text(String), number(Int64), bool(Bool), null
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Int64.self) {
                self = .number(value)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
        var text: String? {
            if case .text(let t) = self { return t }
            return nil
        }
    }

    func document(_ response: TestingHTTPResponse) throws -> Document {
        try JSONDecoder().decode(Document.self, from: Data(response.body.readableBytesView))
    }

    @Test func anInstructorExportsOnlyTheDossiersOfTheirTerritoryInBothFormats() async throws {
        try await withGuichet { app in
            let aisne = try await Factory.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
            let json = try await aisne.get(SiteURL.instruction.path + "/exports/dossiers.json")
            #expect(json.status == .ok)
            #expect(json.headers.contentType == .json)
            let dossiers = try document(json)
            let expected = try await DossierModel.query(on: app.db).filter(\.$instructorGroup == "departement:02")
                .filter(\.$filedAt != nil).count()
            #expect(dossiers.count == expected && expected > 0)
            #expect(dossiers.rows.allSatisfy { $0["territory"]?.text == "departement:02" })
            #expect(
                dossiers.rows.allSatisfy {
                    if case .number = $0["requestedCents"] { return true }
                    return false
                })
            // The same selection in CSV, with the queue's filters.
            let csv = try await aisne.get(SiteURL.instruction.path + "/exports/dossiers.csv?theme=alimentation")
            #expect(csv.body.string.hasPrefix("\u{FEFF}Numéro,Projet,Porteur,Thématique,Territoire"))
            let lines = csv.body.string.split(whereSeparator: \.isNewline).count - 1
            let food = try await DossierModel.query(on: app.db).filter(\.$instructorGroup == "departement:02").filter(
                \.$filedAt != nil
            )
            .filter(\.$themeCode == "alimentation").count()
            #expect(food > 0)
            #expect(lines == food, "\(lines) lines for \(food) dossiers: \(csv.body.string.prefix(400))")
            #expect(
                try await aisne.get(SiteURL.instruction.path + "/export.csv").body.string
                    == (try await aisne.get(SiteURL.instruction.path + "/exports/dossiers.csv").body.string))
            // Decisions of the scope, with their wave and whether it is published.
            let decisions = try document(try await aisne.get(SiteURL.instruction.path + "/exports/decisions.json"))
            #expect(decisions.count > 0)
            #expect(decisions.rows.allSatisfy { $0["published"] != nil && $0["wave"] != nil })
        }
    }

    @Test func scoresAndOpinionsOfALinkedOrganisationAreLeftOut() async throws {
        try await withGuichet { app in
            let region = try await Factory.staff(app, "dreets@exemple.fr", scopes: ["region:32"])
            let before = try document(try await region.get(SiteURL.instruction.path + "/exports/avis.json"))
            #expect(before.count > 0)
            // A link with the organisation of one reviewed dossier that has an opinion.
            let opinion = try #require(try await OpinionModel.query(on: app.db).first())
            let dossier = try await opinion.$dossier.get(on: app.db)
            let organisation = try await dossier.$organisation.get(on: app.db)
            let user = try #require(
                try await UserModel.query(on: app.db).filter(\.$email == "dreets@exemple.fr").first())
            try await StaffDirectory(database: app.db).declareLink(
                user, siret: organisation.siret ?? "", rna: "", description: "Administrateur bénévole")
            let after = try document(try await region.get(SiteURL.instruction.path + "/exports/avis.json"))
            #expect(after.count < before.count)
            #expect(!after.rows.contains { $0["dossier"]?.text == dossier.number })
            let notes = try document(try await region.get(SiteURL.instruction.path + "/exports/notes.json"))
            #expect(!notes.rows.contains { $0["dossier"]?.text == dossier.number })
        }
    }

    @Test func unknownExportsAndOutsidersGetNothing() async throws {
        try await withGuichet { app in
            let aisne = try await Factory.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
            for name in ["dossiers.xml", "secrets.csv", "dossiers"] {
                #expect(try await aisne.get(SiteURL.instruction.path + "/exports/\(name)").status == .notFound)
            }
            let member = try await Factory.staff(
                app, "membre@exemple.fr", role: .committeeMember, scopes: ["region:32"])
            #expect(try await member.get(SiteURL.instruction.path + "/exports/avis.json").status == .notFound)
            #expect(try await Browser(app).get(SiteURL.instruction.path + "/exports/avis.json").status == .seeOther)
        }
    }
}
