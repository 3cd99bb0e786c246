import Foundation
import Testing

@testable import GuichetDomain

/// The JSON Schema checker on small schemas written for each keyword.
@Suite struct JSONSchemaCheckTests {
    func issues(_ schema: String, _ value: String) throws -> [CallDefinitionIssue] {
        JSONSchemaCheck(schema: try JSONValue(json: Data(schema.utf8))).issues(
            of: try JSONValue(json: Data(value.utf8)))
    }

    static let person = #"""
        {"type": "object", "additionalProperties": false, "required": ["name"],
         "properties": {"name": {"type": "string", "minLength": 1},
                        "age": {"type": "integer", "minimum": 0, "maximum": 150},
                        "pets": {"type": "array", "items": {"type": "object", "properties": {"kind": {"enum": ["cat", "dog"]}}}}}}
        """#

    @Test func aValueMatchingTheSchemaHasNoIssues() throws {
        #expect(try issues(Self.person, #"{"name": "Ada", "age": 36, "pets": [{"kind": "cat"}]}"#) == [])
    }

    @Test func aTypeMismatchIsNamedByItsPathAndTheExpectedType() throws {
        let found = try issues(Self.person, #"{"name": "Ada", "pets": [{"kind": "cat"}, "dog"]}"#)
        #expect(found == [CallDefinitionIssue("pets[1]", "un objet { … } est attendu ici, pas « dog ».")])
        let age = try issues(Self.person, #"{"name": "Ada", "age": "36"}"#)
        #expect(age.map(\.path) == ["age"])
        #expect(age.first?.message.hasPrefix("un nombre entier est attendu ici") == true)
    }

    @Test func aMissingRequiredMemberIsNamedAtItsOwnPath() throws {
        #expect(try issues(Self.person, #"{"age": 3}"#) == [CallDefinitionIssue("name", "ce champ est obligatoire.")])
    }

    @Test func anUnknownMemberIsRefusedWhenAdditionalPropertiesIsFalse() throws {
        let found = try issues(Self.person, #"{"name": "Ada", "nmae": "Ada"}"#)
        #expect(found.map(\.path) == ["nmae"])
        #expect(found.first?.message.contains("age, name, pets") == true)
    }

    @Test func additionalPropertiesAsASchemaChecksEachExtraMember() throws {
        let schema = #"{"type": "object", "additionalProperties": {"type": "string"}}"#
        #expect(try issues(schema, #"{"a": "x", "b": 2}"#).map(\.path) == ["b"])
    }

    @Test func aValueOutsideTheEnumIsRefusedWithThePossibleValues() throws {
        let found = try issues(Self.person, #"{"name": "Ada", "pets": [{"kind": "fish"}]}"#)
        #expect(
            found == [CallDefinitionIssue("pets[0].kind", "« fish » n'est pas une valeur possible : « cat », « dog ».")]
        )
    }

    @Test func boundsAndLengthsAreChecked() throws {
        #expect(try Set(issues(Self.person, #"{"name": "", "age": 151}"#).map(\.path)) == ["name", "age"])
        #expect(
            try issues(Self.person, #"{"name": "Ada", "age": -1}"#).map(\.message) == ["la valeur est d'au moins 0."])
    }

    @Test func aPatternFailureQuotesTheDescription() throws {
        let schema = #"{"type": "string", "pattern": "^[a-z]+$", "description": "des minuscules"}"#
        #expect(try issues(schema, #""abc""#) == [])
        #expect(
            try issues(schema, #""aBc""#) == [
                CallDefinitionIssue("", "« aBc » n'a pas la forme attendue : des minuscules")
            ])
    }

    @Test func minItemsAndMaxItemsBoundAList() throws {
        let schema = #"{"type": "array", "minItems": 2, "maxItems": 3}"#
        #expect(try issues(schema, "[1]").map(\.message) == ["la liste compte au moins 2 éléments."])
        #expect(try issues(schema, "[1, 2]") == [])
        #expect(try issues(schema, "[1, 2, 3, 4]").map(\.message) == ["la liste compte au plus 3 éléments."])
        #expect(
            try issues(#"{"type": "array", "minItems": 1}"#, "[]").map(\.message) == ["la liste ne peut pas être vide."]
        )
    }

    @Test func aReferenceToDefsIsFollowed() throws {
        let schema = #"""
            {"type": "object", "properties": {"home": {"$ref": "#/$defs/place"}, "work": {"$ref": "#/$defs/place"}},
             "$defs": {"place": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}}}}
            """#
        #expect(try issues(schema, #"{"home": {"code": "02"}, "work": {}}"#).map(\.path) == ["work.code"])
    }

    @Test(arguments: [
        (#"{"kind": "text", "max": 3}"#, [String]()),
        (#"{"kind": "text"}"#, ["max"]),
        (#"{"kind": "number"}"#, ["min"]),
        (#"{"kind": "number", "min": 1}"#, []),
    ])
    func ifThenElseAppliesTheBranchTheConditionChooses(value: String, paths: [String]) throws {
        let schema = #"""
            {"type": "object", "allOf": [{"if": {"properties": {"kind": {"const": "text"}}, "required": ["kind"]},
                                          "then": {"required": ["max"]}, "else": {"required": ["min"]}}]}
            """#
        #expect(try issues(schema, value).map(\.path) == paths)
    }

    @Test func integersAcceptWholeNumbersOnly() throws {
        #expect(try issues(#"{"type": "integer"}"#, "12") == [])
        #expect(try issues(#"{"type": "integer"}"#, "1.5").count == 1)
        #expect(try issues(#"{"type": "number"}"#, "12") == [])
        #expect(try issues(#"{"type": ["string", "null"]}"#, "null") == [])
    }

    @Test func aKeywordTheCheckerDoesNotKnowIsReportedWithItsPlace() throws {
        let schema = #"""
            {"type": "object", "properties": {"name": {"type": "string", "minLenght": 1}},
             "$defs": {"x": {"oneOf": []}}, "patternProperties": {}}
            """#
        let check = JSONSchemaCheck(schema: try JSONValue(json: Data(schema.utf8)))
        #expect(check.unknownKeywords() == ["$defs.x.oneOf", "patternProperties", "properties.name.minLenght"])
    }
}
