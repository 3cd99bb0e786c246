import Testing

@testable import GuichetDomain

/// Table-driven checks of the value rules: SIRET key, calendar dates, numbers, booleans.
@Suite struct SCDLValueRulesTests {
    @Test(arguments: [
        ("21060004500392", true, "Luhn valid (Antibes)"),
        ("52499120500013", true, "Luhn valid"),
        ("21060004500391", false, "Luhn key off by one"),
        ("21860194600000", false, "made-up NIC"),
        ("35600000000001", true, "La Poste: digit sum 15, multiple of 5, Luhn invalid"),
        ("35600000000048", true, "La Poste head office: ordinary Luhn key"),
        ("35600000000002", false, "La Poste: digit sum 16, Luhn invalid"),
        ("12345678901234", false, "digit sum multiple of 5 is not enough outside La Poste"),
        ("2106000450039", false, "13 digits"),
        ("210600045003920", false, "15 digits"),
        ("2106000450039A", false, "letter"),
        ("21060004500392.0", false, "spreadsheet decimal"),
        ("2106 0004500392", false, "space"),
        ("", false, "empty"),
        ("٢١٠٦٠٠٠٤٥٠٠٣٩٢", false, "non-ASCII digits"),
    ])
    func siretKey(value: String, valid: Bool, why: String) {
        #expect(SCDLSiret.isValid(value) == valid, "\(why)")
    }

    @Test(
        arguments: [
            ("2020-02-29", nil), ("2021-02-29", .date), ("2000-02-29", nil), ("1900-02-29", .date),
            ("2021-13-01", .date), ("2021-00-10", .date), ("2021-04-31", .date), ("2021-12-31", nil),
            ("0000-01-01", .date), ("2021-1-01", .type), ("05/12/2016", .type), ("2021-01-01T00:00", .type),
            ("20210101", .type), (" 2021-01-01", .type),
        ] as [(String, SCDLIssue.Code?)])
    func calendarDates(value: String, failure: SCDLIssue.Code?) throws {
        // `type` for the wrong shape, `date` for the right shape naming a day that does not exist.
        let issues = try SCDLTestSupport.triples(["dateConvention": value])
        #expect(issues == Set(failure.map { [SCDLTriple(2, "dateConvention", $0)] } ?? []), "\(value)")
        #expect((CalendarDay(iso: value) != nil) == (failure == nil))
    }

    @Test func calendarDayOrderingAndRendering() throws {
        let a = try #require(CalendarDay(year: 2024, month: 2, day: 29))
        let b = try #require(CalendarDay(iso: "2024-03-01"))
        #expect(a < b)
        #expect(a.iso == "2024-02-29")
        #expect(CalendarDay(year: 33, month: 1, day: 5)?.iso == "0033-01-05")
    }

    @Test(arguments: [
        ("1500", true), ("1500.5", true), ("1500.55", true), ("47800.20", true), ("0.5", true), (".5", true),
        ("5.", true), ("+12", true), ("1e3", true), ("-3", true),
        ("1500,5", false), ("1 500", false), ("1,500.00", false), ("1.500.00", false), ("12€", false),
        ("NaN", false), ("INF", false), ("abc", false), (".", false), ("1e", false), ("١٢", false),
    ])
    func numbers(value: String, valid: Bool) throws {
        let issues = try SCDLTestSupport.triples(["montant": value])
        #expect(issues == (valid ? [] : [SCDLTriple(2, "montant", .type)]), "\(value)")
    }

    @Test(arguments: [
        ("oui", true), ("non", true), ("Oui", false), ("yes", false), ("no", false), ("true", false), ("1", false),
    ])
    func booleans(value: String, valid: Bool) throws {
        // trueValues/falseValues replace Table Schema's defaults, so `true` and `1` are refused.
        let issues = try SCDLTestSupport.triples(["notificationUE": value])
        #expect(issues == (valid ? [] : [SCDLTriple(2, "notificationUE", .type)]), "\(value)")
    }

    @Test(
        arguments: [
            ("0.01", nil), ("1", nil), ("1.00", nil), ("0.45", nil), ("0.3333", nil),
            ("0.009", .minimum), ("0", .minimum), ("1.01", .maximum), ("100", .maximum), ("-0.5", .minimum),
        ] as [(String, SCDLIssue.Code?)])
    func shareBounds(value: String, failure: SCDLIssue.Code?) throws {
        // Decimal comparison: 0.01 is exactly the minimum, not 0.01000000000000000021.
        let issues = try SCDLTestSupport.triples(["pourcentageSubvention": value])
        let expected: Set<SCDLTriple> = failure.map { [SCDLTriple(2, "pourcentageSubvention", $0)] } ?? []
        #expect(issues == expected, "\(value)")
    }

    @Test func integerType() throws {
        let schema = SCDLSchema(
            name: "t", version: "1",
            fields: [
                SCDLField(name: "n", type: .integer, constraints: SCDLConstraints(minimum: "1", maximum: "10"))
            ], customChecks: [])
        let validator = try SCDLValidator(schema: schema)
        func codes(_ value: String) -> [SCDLIssue.Code] { validator.validate("n\n\(value)\n").issues.map(\.code) }
        #expect(codes("5") == [])
        #expect(codes("5.0") == [.type])
        #expect(codes("1e2") == [.type])
        #expect(codes("0") == [.minimum])
        #expect(codes("11") == [.maximum])
    }
}
