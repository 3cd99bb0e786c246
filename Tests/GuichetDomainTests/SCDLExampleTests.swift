import Testing

@testable import GuichetDomain

/// The three official examples of SCDL « subventions » 2.1.1, read row by row by hand.
@Suite struct SCDLExampleTests {
    @Test func validExampleHasOnlyTheDocumentedDateProblems() throws {
        let report = try SCDLTestSupport.validator().validate(SCDLTestSupport.fixture("exemple_valide"))
        // SOURCE.md: the example only passes pattern checks. Line 27 (ANTIBEA) ends on
        // 2017-30-05, a 30th month; lines 24 (HARMONIE), 25 (LES VOILES) and 29 (LABEL NOTE)
        // end before they start. Every SIRET in it has a valid key.
        let expected: Set<SCDLTriple> = [
            SCDLTriple(24, "datesPeriodeVersement", .period),
            SCDLTriple(25, "datesPeriodeVersement", .period),
            SCDLTriple(27, "datesPeriodeVersement", .date),
            SCDLTriple(29, "datesPeriodeVersement", .period),
        ]
        #expect(Set(report.issues.map(SCDLTriple.init)) == expected)
        #expect(report.issues.count == 4)
        #expect(report.faultyLines == [24, 25, 27, 29])
        #expect(report.recordCount == 29)
        #expect(!report.isValid)
        let impossible = try #require(report.issues(onLine: 27).first)
        #expect(impossible.message.contains("« 2017-30-05 »"))
    }

    /// What both invalid examples share, line by line (they hold the same 29 records).
    static func cellIssues() -> Set<SCDLTriple> {
        var expected: Set<SCDLTriple> = [
            // 2–4: pourcentageSubvention written as a percentage (100, 80), maximum is 1.
            // Line 2's conditionsVersement « unique;échelonné » is allowed: the schema has no
            // enum there, only maxLength 256, since « autre » is free text.
            SCDLTriple(2, "pourcentageSubvention", .maximum),
            SCDLTriple(3, "pourcentageSubvention", .maximum),
            SCDLTriple(4, "pourcentageSubvention", .maximum),
            SCDLTriple(5, "dateConvention", .type),  // 05/12/2016
            SCDLTriple(5, "rnaBeneficiaire", .pattern),  // W3222
            SCDLTriple(6, "montant", .type),  // "100000,1" (decimal comma)
            SCDLTriple(6, "notificationUE", .type),  // no
            SCDLTriple(7, "idAttribuant", .pattern),  // 218601946, a SIREN; SIRET check skipped
            SCDLTriple(8, "datesPeriodeVersement", .pattern),  // 2017-06-27_2018-06-27
            SCDLTriple(8, "notificationUE", .type),  // yes
            SCDLTriple(9, nil, .oneOfRequired),  // neither SIRET nor RNA
            SCDLTriple(9, "pourcentageSubvention", .type),  // "0,5"
            SCDLTriple(10, "montant", .required),  // empty
            SCDLTriple(12, "rnaBeneficiaire", .pattern),  // W12455
            SCDLTriple(16, "nature", .enum),  // comma instead of semicolon
            SCDLTriple(30, "rnaBeneficiaire", .pattern),  // W1234567
        ]
        // 21860194600000 (Ville de Poitiers, with a made-up NIC) fails the Luhn key on every
        // line but 7, where the pattern already failed.
        for line in 2...30 where line != 7 { expected.insert(SCDLTriple(line, "idAttribuant", .siret)) }
        // Beneficiary SIRETs with a made-up NIC (…00000), or 32402138500000.0 on line 6; lines
        // 3, 9, 12, 29 have none, and 2, 4, 7, 19, 23 have real keys.
        for line in [5, 6, 8, 10, 11, 13, 14, 15, 16, 17, 18, 20, 21, 22, 24, 25, 26, 27, 28, 30] {
            expected.insert(SCDLTriple(line, "idBeneficiaire", .siret))
        }
        return expected
    }

    @Test func cellErrorsExampleFailsForTheRightReasons() throws {
        let report = try SCDLTestSupport.validator().validate(
            SCDLTestSupport.fixture("exemple_invalide_erreurs_cellules"))
        // No header issue: dispositifAide (new in 2.1) is optional, so its absence is fine.
        let actual = Set(report.issues.map(SCDLTriple.init))
        #expect(
            actual == Self.cellIssues(),
            "unexpected: \(actual.subtracting(Self.cellIssues())), missing: \(Self.cellIssues().subtracting(actual))")
        #expect(report.issues.count == Self.cellIssues().count)
    }

    @Test func columnErrorsExampleFailsForTheRightReasons() throws {
        let report = try SCDLTestSupport.validator().validate(
            SCDLTestSupport.fixture("exemple_invalide_erreurs_colonnes"))
        // idAttribuant and nomAttribuant are swapped: allowed, columns are matched by name.
        // NOM_Beneficiaire is not nomBeneficiaire (names are case-sensitive). The cells are
        // those of the other example (line 6 reads "100000,10", line 27 another bad SIRET).
        let expected = Self.cellIssues().union([
            SCDLTriple(1, "NOM_Beneficiaire", .unknownColumn),
            SCDLTriple(1, "nomBeneficiaire", .missingColumn),
        ])
        let actual = Set(report.issues.map(SCDLTriple.init))
        #expect(
            actual == expected, "unexpected: \(actual.subtracting(expected)), missing: \(expected.subtracting(actual))")
        let unknown = try #require(report.issues.first { $0.code == .unknownColumn })
        #expect(unknown.message.contains("Vouliez-vous dire « nomBeneficiaire »"))
        #expect(report.issues.first?.line == 1)
    }
}
