import Foundation
import Testing

@testable import GuichetDomain

@Suite struct OrganisationTests {
    @Test(arguments: ["73282932000074", "732 829 320 00074", "35600000000048", "35600000000001"])
    func validSiretsAreAccepted(text: String) throws {
        _ = try Siret(text)
    }

    @Test(arguments: ["73282932000075", "7328293200007", "7328293200007A", "", "35600000000049", "35600000000002"])
    func invalidSiretsAreRefused(text: String) {
        #expect(throws: DomainError.invalidSiret(text)) { try Siret(text) }
    }

    @Test func rnaIsWAndNineDigits() throws {
        #expect(try RNA("w595012345").value == "W595012345")
        #expect(throws: DomainError.self) { try RNA("W59501234") }
        #expect(throws: DomainError.self) { try RNA("X595012345") }
    }

    @Test func registrationNeedsAnIdentifier() throws {
        let org = Organisation(
            id: UUID(), name: "Les Amis", legalForm: "Association", siret: nil, rna: nil,
            departementCode: "02", simulated: false)
        #expect(throws: DomainError.missingIdentifier) { try org.checkRegistrable() }
        var withRNA = org
        withRNA.rna = try RNA("W021000001")
        try withRNA.checkRegistrable()
        withRNA.departementCode = "00"
        #expect(throws: DomainError.unknownTerritory("00")) { try withRNA.checkRegistrable() }
    }
}
