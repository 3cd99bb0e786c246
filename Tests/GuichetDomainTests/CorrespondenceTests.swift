import Foundation
import GuichetDomain
import Testing

@Suite struct CorrespondenceTests {
    @Test func aMessageIsTrimmedAndNeitherEmptyNorTooLong() throws {
        #expect(try Correspondence.checkBody("  Bonjour\n") == "Bonjour")
        #expect(throws: DomainError.self) { try Correspondence.checkBody(" \n ") }
        #expect(throws: DomainError.self) {
            try Correspondence.checkBody(String(repeating: "é", count: Correspondence.maxLength + 1))
        }
        #expect(
            try Correspondence.checkBody(String(repeating: "é", count: Correspondence.maxLength)).count
                == Correspondence.maxLength)
    }

    @Test(arguments: DossierStatus.allCases)
    func whoWritesInWhichStatus(status: DossierStatus) {
        let instruction = (try? Correspondence.checkCanWrite(.instruction, status: status)) != nil
        let applicant = (try? Correspondence.checkCanWrite(.applicant, status: status)) != nil
        #expect(instruction == (status != .draft))
        #expect(applicant == (status != .draft && status != .withdrawn))
    }

    @Test func labelsAreNormalisedAndCompareWithoutCase() throws {
        let label = try DossierLabel("  Comité   de\tjuin ")
        #expect(label.text == "Comité de juin")
        #expect(label == (try DossierLabel("COMITÉ DE JUIN")))
        #expect(throws: DomainError.self) { try DossierLabel("   ") }
        #expect(throws: DomainError.self) {
            try DossierLabel(String(repeating: "x", count: DossierLabel.maxLength + 1))
        }
        #expect(throws: DomainError.self) { try DossierLabel("a\u{0007}b") }
    }

    @Test func aNoteIsNeitherEmptyNorTooLong() throws {
        #expect(try Annotation.checkBody(" Porteur solide ") == "Porteur solide")
        #expect(throws: DomainError.self) { try Annotation.checkBody("") }
        #expect(throws: DomainError.self) {
            try Annotation.checkBody(String(repeating: "x", count: Annotation.maxLength + 1))
        }
    }
}
