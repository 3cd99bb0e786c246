import Foundation
import Testing

@testable import GuichetDomain

@Suite struct TerritoryTests {
    let catalog = TerritoryCatalog.france

    @Test func catalogHoldsInseeRegionsAndDepartements() throws {
        #expect(catalog.regions.count == 18)
        #expect(catalog.departements.count == 101)
        #expect(try catalog.region("32").name == "Hauts-de-France")
        #expect(catalog.departements(in: "32").map(\.code) == ["02", "59", "60", "62", "80"])
    }

    @Test(arguments: [
        ("02", "Dans l'Aisne"), ("59", "Dans le Nord"), ("60", "Dans l'Oise"),
        ("62", "Dans le Pas-de-Calais"), ("80", "Dans la Somme"), ("75", "À Paris"),
        ("78", "Dans les Yvelines"),
    ])
    func departementHeadingFollowsInseeArticle(code: String, heading: String) throws {
        #expect(try catalog.departement(code).inPhrase == heading)
    }

    @Test(arguments: ["99", "2C", "", "975", "0"])
    func unknownTerritoryCodeIsRefused(code: String) {
        #expect(throws: DomainError.unknownTerritory(code)) { try catalog.departement(code) }
        #expect(throws: DomainError.unknownTerritory(code)) { try catalog.validate(.departemental(departement: code)) }
    }

    @Test func nationalScopeNeedsTwoRegions() throws {
        #expect(throws: DomainError.self) { try catalog.validate(.national(regions: ["32"])) }
        #expect(throws: DomainError.self) { try catalog.validate(.national(regions: ["32", "32"])) }
        #expect(throws: DomainError.unknownTerritory("99")) { try catalog.validate(.national(regions: ["32", "99"])) }
        try catalog.validate(.national(regions: ["32", "11"]))
    }

    @Test func scopeDrawsOnItsRegion() throws {
        #expect(try catalog.region(of: .departemental(departement: "62"))?.code == "32")
        #expect(try catalog.region(of: .regional(region: "32"))?.code == "32")
        #expect(try catalog.region(of: .national(regions: ["32", "11"])) == nil)
    }

    @Test func unknownScopeKindIsRefused() {
        #expect(throws: DomainError.self) { try catalog.scope(kind: "mondial", territory: "32") }
    }
}
