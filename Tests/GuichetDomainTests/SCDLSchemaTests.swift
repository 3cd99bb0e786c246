import Foundation
import Testing

@testable import GuichetDomain

/// The bundled schema.json decodes into what the validator and the writer rely on.
@Suite struct SCDLSchemaTests {
    @Test func bundledSchemaDecodes() throws {
        let schema = try SCDLSchema.subventions.get()
        #expect(schema.name == "subventions")
        #expect(schema.version == "2.1.1")
        #expect(schema.fields.count == 16)
        #expect(schema.field(named: "dateConvention")?.type == .date)
        #expect(schema.field(named: "montant")?.type == .number)
        #expect(schema.field(named: "notificationUE")?.trueValues == ["oui"])
        #expect(schema.field(named: "notificationUE")?.falseValues == ["non"])
        let share = try #require(schema.field(named: "pourcentageSubvention"))
        #expect(
            share.constraints.minimum.flatMap { SCDLNumber.parse($0, integerOnly: false) } == Decimal(string: "0.01"))
        #expect(share.constraints.maximum.flatMap { SCDLNumber.parse($0, integerOnly: false) } == 1)
        #expect(schema.field(named: "objet")?.constraints.maxLength == 256)
        #expect(schema.fields.filter(\.constraints.required).count == 11)
        #expect(
            schema.customChecks == [
                .frenchSiret(column: "idAttribuant"), .frenchSiret(column: "idBeneficiaire"),
                .oneOfRequired(column1: "idBeneficiaire", column2: "rnaBeneficiaire"),
                .isoPeriod(column: "datesPeriodeVersement"),
            ])
    }

    @Test func writerMatchesTheSchema() throws {
        let schema = try SCDLSchema.subventions.get()
        #expect(SCDLSubventionsFile.columns == schema.fieldNames)
        #expect(SCDLSubsidy.Nature.allCases.map(\.rawValue) == schema.field(named: "nature")?.constraints.enumValues)
    }

    @Test func customChecksAreReadGenerically() throws {
        let json = """
            {"name": "t", "fields": [{"name": "a"}, {"name": "b", "type": "integer", "constraints": {"minimum": 2}}],
             "custom_checks": [{"name": "french-siret-value", "params": {"column": "a"}},
                               {"name": "cohesive-columns-value", "params": {"column": "a", "othercolumns": ["b"]}}]}
            """
        let schema = try SCDLSchema.decode(Data(json.utf8))
        #expect(schema.fields.map(\.type) == [.string, .integer])
        #expect(schema.field(named: "b")?.constraints.minimum == "2")
        #expect(schema.customChecks == [.frenchSiret(column: "a"), .unsupported(name: "cohesive-columns-value")])
        let report = try SCDLValidator(schema: schema).validate("b,a\n1,123\n")
        #expect(Set(report.issues.map(SCDLTriple.init)) == [SCDLTriple(2, "b", .minimum), SCDLTriple(2, "a", .siret)])
    }

    @Test func unusableSchemasAreRefusedNotCrashed() {
        #expect(throws: SCDLSchemaError.self) { try SCDLSchema.decode(Data("{".utf8)) }
        #expect(throws: SCDLSchemaError.self) {
            try SCDLSchema.decode(Data(#"{"fields": [{"name": "a", "type": "datetime"}]}"#.utf8))
        }
        #expect(throws: SCDLSchemaError.self) {
            try SCDLSchema.decode(Data(#"{"fields": [{"name": "a", "constraints": {"pattern": "("}}]}"#.utf8))
        }
        let handMade = SCDLSchema(
            name: "t", version: "1",
            fields: [
                SCDLField(name: "a", type: .string, constraints: SCDLConstraints(pattern: "["))
            ], customChecks: [])
        #expect(throws: SCDLSchemaError.self) { try SCDLValidator(schema: handMade) }
    }

    @Test func staticEntryPointValidates() throws {
        #expect(SCDLValidator.validateSubventions(SCDLTestSupport.file([:])).isValid)
        #expect(!SCDLValidator.validateSubventions(SCDLTestSupport.file(["montant": "1,5"])).isValid)
    }
}
