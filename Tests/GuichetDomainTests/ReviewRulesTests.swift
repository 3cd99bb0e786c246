import Foundation
import Testing

@testable import GuichetDomain

@Suite struct ReviewRulesTests {
    @Test(arguments: [
        ("departement:02", Scope.departemental(departement: "02"), true),
        ("departement:02", .departemental(departement: "59"), false),
        ("departement:02", .regional(region: "32"), false),
        ("region:32", .regional(region: "32"), true),
        ("region:32", .departemental(departement: "80"), true),
        ("region:32", .departemental(departement: "75"), false),
        ("region:32", .national(regions: ["32", "11"]), false),
        ("national", .departemental(departement: "75"), true),
        ("service:DRAAF:alimentation", .departemental(departement: "02"), false),
    ])
    func staffSeeTheDossiersOfTheirTerritory(stored: String, scope: Scope, covered: Bool) throws {
        #expect(try StaffScope(stored: stored).covers(scope) == covered)
    }

    @Test func dossiersAreRoutedToTheirTerritorysGroup() {
        #expect(Routing.group(for: .departemental(departement: "62")) == .departement("62"))
        #expect(Routing.group(for: .regional(region: "32")) == .region("32"))
        #expect(Routing.group(for: .national(regions: ["32", "11"])) == .national)
    }

    @Test(arguments: ["departement:99", "region:99", "partout", "service:", "departement"])
    func malformedScopesAreRefused(stored: String) {
        #expect(throws: DomainError.self) { try StaffScope(stored: stored) }
    }

    @Test func storedScopesReadBack() throws {
        for scope in [
            StaffScope.national, .region("32"), .departement("2A"), .service(name: "ARS", themes: ["acces-aux-droits"]),
        ] {
            #expect(try StaffScope(stored: scope.stored) == scope)
        }
    }

    @Test func aLinkToTheOrganisationOrItsBodyIsAConflict() {
        let links = [DeclaredLink(siret: "73282932000074", rna: nil), DeclaredLink(siret: nil, rna: "W595012345")]
        #expect(
            ConflictOfInterest.isConflicted(links: links, organisationSiret: "73282932000074", organisationRNA: nil))
        #expect(
            ConflictOfInterest.isConflicted(links: links, organisationSiret: "73282932000199", organisationRNA: nil),
            "same SIREN")
        #expect(ConflictOfInterest.isConflicted(links: links, organisationSiret: nil, organisationRNA: "W595012345"))
        #expect(
            !ConflictOfInterest.isConflicted(
                links: links, organisationSiret: "35600000000048", organisationRNA: "W021000001"))
        #expect(throws: DomainError.conflictOfInterest(action: "noter ce dossier")) {
            try ConflictOfInterest.check(
                "noter ce dossier", links: links, organisationSiret: nil, organisationRNA: "W595012345")
        }
    }

    let grid = ScoringGrid(
        criteria: [
            Criterion(code: "pertinence", label: "Pertinence", weight: 3),
            Criterion(code: "impact", label: "Impact", weight: 3),
            Criterion(code: "faisabilite", label: "Faisabilité", weight: 2),
            Criterion(code: "partenariats", label: "Partenariats", weight: 1),
            Criterion(code: "efficience", label: "Coût-efficacité", weight: 1),
        ], scale: ["insuffisant", "faible", "correct", "bon", "excellent"], aggregation: .mean)

    @Test func weightedScoresAreExactHundredths() throws {
        let all4 = ["pertinence": 4, "impact": 4, "faisabilite": 4, "partenariats": 4, "efficience": 4]
        #expect(try grid.weightedScore(all4) == 10_000)
        let mixed = ["pertinence": 3, "impact": 2, "faisabilite": 4, "partenariats": 0, "efficience": 1]
        // (9 + 6 + 8 + 0 + 1) / (10 × 4) = 0.6 → 60,00/100
        #expect(try grid.weightedScore(mixed) == 6_000)
    }

    @Test func incompleteOrOffScaleMarksAreRefused() {
        // Each missing mark is named by its criterion's label.
        #expect(
            throws: DomainError.invalidForm(errors: [
                "impact": "Notez le critère « Impact ».", "faisabilite": "Notez le critère « Faisabilité ».",
                "partenariats": "Notez le critère « Partenariats ».",
                "efficience": "Notez le critère « Coût-efficacité ».",
            ])
        ) { try grid.weightedScore(["pertinence": 3]) }
        #expect(throws: DomainError.self) {
            try grid.weightedScore(["pertinence": 5, "impact": 4, "faisabilite": 4, "partenariats": 4, "efficience": 4])
        }
        #expect(throws: DomainError.self) {
            try grid.weightedScore([
                "pertinence": 4, "impact": 4, "faisabilite": 4, "partenariats": 4, "efficience": 4, "autre": 1,
            ])
        }
    }

    @Test func aggregatesAreMeanOrMedianWithTheirSpread() {
        #expect(grid.aggregate([6_000, 8_000, 9_500])! == (7_833, 3_500))
        let median = ScoringGrid(criteria: grid.criteria, scale: grid.scale, aggregation: .median)
        #expect(median.aggregate([6_000, 8_000, 9_500])! == (8_000, 3_500))
        #expect(median.aggregate([6_000, 8_001])! == (7_001, 2_001))
        #expect(grid.aggregate([]) == nil)
    }

    @Test func anOpinionNeverProposesMoreThanTheRequest() throws {
        let requested = try Money(euros: 50_000)
        #expect(throws: DomainError.proposalAboveRequest(proposed: try Money(euros: 60_000), requested: requested)) {
            try Opinion(
                kind: .favourable, proposedAmount: Money(euros: 60_000), motive: "Bon projet", requested: requested)
        }
        #expect(throws: DomainError.self) {
            try Opinion(kind: .favourable, proposedAmount: Money(euros: 10), motive: " ", requested: requested)
        }
        #expect(throws: DomainError.self) {
            try Opinion(kind: .unfavourable, proposedAmount: Money(euros: 10), motive: "Non", requested: requested)
        }
        let opinion = try Opinion(
            kind: .reservations, proposedAmount: Money(euros: 40_000), motive: " Budget à préciser ",
            requested: requested)
        #expect(opinion.motive == "Budget à préciser")
    }
}
