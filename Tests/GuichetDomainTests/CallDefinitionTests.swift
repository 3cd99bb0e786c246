import Foundation
import Testing

@testable import GuichetDomain

/// The call files Guichet ships, read from the repository, and the means to break them.
enum CallSeed {
    static let files = ["hdf-2021.json", "essai-hdf.json"]

    /// `calls/<name>` at the package root (three levels above this file).
    static func url(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("calls").appendingPathComponent(name)
    }

    static func data(_ name: String = "hdf-2021.json") throws -> Data {
        try Data(contentsOf: url(name))
    }

    /// The seed's call, read the way an import reads it.
    static func definition(_ name: String = "hdf-2021.json") throws -> CallDefinition {
        try CallDefinition.load(json: data(name))
    }

    /// The issues `load(json:)` reports for these bytes; none when it loads.
    static func issues(loading data: Data) -> [CallDefinitionIssue] {
        do {
            _ = try CallDefinition.load(json: data)
            return []
        } catch {
            guard case .invalidCallDefinition(let issues) = error else {
                Issue.record("expected invalid_call_definition, got \(error.code)")
                return []
            }
            return issues
        }
    }

    /// The issues reported for the seed once `edits` are applied to its JSON text.
    static func issues(editing edits: [JSONEdit]) throws -> [CallDefinitionIssue] {
        var document = try JSONValue(json: data())
        for edit in edits { edit.apply(to: &document) }
        return issues(loading: try JSONEncoder().encode(document))
    }
}

/// One step into a JSON document: an object's key or an array's position.
enum JSONStep: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, CustomStringConvertible {
    case key(String)
    case index(Int)

    init(stringLiteral value: String) { self = .key(value) }
    init(integerLiteral value: Int) { self = .index(value) }

    var description: String {
        switch self {
        case .key(let key): key
        case .index(let index): "[\(index)]"
        }
    }
}

/// A change made to a call's JSON text before loading it.
enum JSONEdit: Sendable {
    case set([JSONStep], JSONValue)
    case remove([JSONStep])

    func apply(to document: inout JSONValue) {
        switch self {
        case .set(let path, let value): document.replace(path[...], with: value)
        case .remove(let path): document.replace(path[...], with: nil)
        }
    }
}

extension JSONValue {
    /// Replaces the value at `path`, or removes it when `value` is `nil`.
    mutating func replace(_ path: ArraySlice<JSONStep>, with value: JSONValue?) {
        guard let step = path.first else {
            if let value { self = value }
            return
        }
        let rest = path.dropFirst()
        switch (self, step) {
        case (.object(var members), .key(let key)):
            if rest.isEmpty {
                members[key] = value
            } else {
                var child = members[key] ?? .object([:])
                child.replace(rest, with: value)
                members[key] = child
            }
            self = .object(members)
        case (.array(var items), .index(let index)) where items.indices.contains(index):
            if !rest.isEmpty {
                items[index].replace(rest, with: value)
            } else if let value {
                items[index] = value
            } else {
                items.remove(at: index)
            }
            self = .array(items)
        default:
            Issue.record("the seed has no \(step) in \(brief)")
        }
    }
}

/// A broken variant of the seed and the paths its issues must name.
struct FaultyCall: Sendable, CustomTestStringConvertible {
    let name: String
    let paths: [String]
    let edits: [JSONEdit]

    init(_ name: String, at paths: String..., edits: JSONEdit...) {
        self.name = name
        self.paths = paths
        self.edits = edits
    }

    var testDescription: String { name }
}

@Suite struct CallDefinitionTests {
    // MARK: - The schema and the shipped files

    @Test func theCallSchemaUsesOnlyKeywordsTheCheckerKnows() throws {
        #expect(try JSONSchemaCheck.call().unknownKeywords() == [])
    }

    @Test(arguments: CallSeed.files)
    func eachShippedCallLoadsWithoutIssues(file: String) throws {
        // setup
        let data = try CallSeed.data(file)
        // act
        let definition = try CallDefinition.load(json: data)
        // validate
        #expect(definition.issues().isEmpty)
        #expect(try JSONSchemaCheck.call().issues(of: JSONValue(json: data)).isEmpty)
    }

    @Test(arguments: CallSeed.files)
    func aShippedCallIsWrittenBackByteForByteAndReadsBackEqual(file: String) throws {
        let data = try CallSeed.data(file)
        let definition = try CallDefinition.load(json: data)
        let written = try definition.json()
        #expect(written == data, "json() no longer writes \(file) as shipped")
        #expect(try CallDefinition.load(json: written) == definition)
    }

    @Test func theSeedCallStatesItsScopeDatesAndEnvelopeTree() throws {
        let definition = try CallSeed.definition()
        #expect(definition.scope == .region("32"))
        #expect(definition.opensAt == ParisTime.day("2020-11-02"))
        #expect(definition.closesAt == ParisTime.day("2021-01-16"))
        #expect(definition.envelopes.map(\.key) == ["plan", "national", "regional", "hdf"])
        #expect(definition.envelopes.map(\.draws) == [nil, "FR", nil, "32"])
        #expect(definition.form.field(role: .amountRequested)?.key == "amount_requested")
    }

    // MARK: - Every fault named by its path

    static let faults: [FaultyCall] = [
        FaultyCall(
            "a misspelt top-level key", at: "titel", "title",
            edits: .remove(["title"]), .set(["titel"], .string("Appel"))),
        FaultyCall("a missing title", at: "title", edits: .remove(["title"])),
        FaultyCall(
            "an amount written as text", at: "envelopes[3].revisions[0].amount_cents",
            edits: .set(["envelopes", 3, "revisions", 0, "amount_cents"], .string("330000000"))),
        FaultyCall(
            "a negative amount", at: "envelopes[3].revisions[0].amount_cents",
            edits: .set(["envelopes", 3, "revisions", 0, "amount_cents"], .integer(-1))),
        FaultyCall("a reference in capitals", at: "reference", edits: .set(["reference"], .string("HDF-2021"))),
        FaultyCall("a region INSEE does not know", at: "scope.code", edits: .set(["scope", "code"], .string("99"))),
        FaultyCall("a deadline before the opening", at: "deadline", edits: .set(["deadline"], .string("2020-10-30"))),
        FaultyCall(
            "an opening day that does not exist", at: "opens_on", edits: .set(["opens_on"], .string("2021-02-30"))),
        FaultyCall(
            "a revision on a day that does not exist", at: "envelopes[3].revisions[1].effective_on",
            edits: .set(["envelopes", 3, "revisions", 1, "effective_on"], .string("2021-02-30"))),
        FaultyCall(
            "waves numbered 2 then 1", at: "waves[0].number", "waves[1].number",
            edits: .set(["waves", 0, "number"], .integer(2)), .set(["waves", 1, "number"], .integer(1))),
        FaultyCall(
            "a child envelope larger than its parent", at: "envelopes[2].revisions",
            edits: .set(["envelopes", 3, "revisions", 1, "amount_cents"], .integer(7_000_000_000))),
        FaultyCall(
            "a SIRET with a wrong key", at: "envelopes[0].owner.siret",
            edits: .set(["envelopes", 0, "owner", "siret"], .string("94404323275034"))),
        FaultyCall(
            "an envelope that draws without a SIRET", at: "envelopes[3].owner.siret",
            edits: .remove(["envelopes", 3, "owner", "siret"])),
        FaultyCall(
            "a parent no envelope has", at: "envelopes[3].parent",
            edits: .set(["envelopes", 3, "parent"], .string("regionale"))),
        FaultyCall(
            "parents in a cycle", at: "envelopes[0].parent", "envelopes[2].parent",
            edits: .set(["envelopes", 0, "parent"], .string("regional"))),
        FaultyCall(
            "two envelopes drawing the same region", at: "envelopes[3].draws",
            edits: .set(["envelopes", 2, "draws"], .string("32"))),
        FaultyCall(
            "an envelope drawing another region", at: "envelopes[1].draws",
            edits: .set(["envelopes", 1, "draws"], .string("11"))),
        FaultyCall(
            "no envelope drawing the call's region", at: "envelopes",
            edits: .remove(["envelopes", 3, "draws"])),
        FaultyCall(
            "a theme code given twice", at: "themes[1].code",
            edits: .set(["themes", 1, "code"], .string("alimentation"))),
        FaultyCall(
            "no field carrying the requested amount", at: "form.roles.amount_requested",
            edits: .remove(["form", "fields", 9, "role"])),
        FaultyCall(
            "a role on an optional field", at: "form.fields[0]",
            edits: .set(["form", "fields", 0, "required"], .bool(false))),
        FaultyCall(
            "the amount's role on a short text", at: "form.fields[0]",
            edits: .set(["form", "fields", 0, "role"], .string("amount_requested"))),
        FaultyCall(
            "a theme question missing one of the themes", at: "form.fields[2].options",
            edits: .remove(["form", "fields", 2, "options", 4])),
        FaultyCall(
            "a départemental call asking for a region", at: "form.fields[4].levels",
            edits: .set(["scope"], .object(["level": .string("departement"), "code": .string("02")]))),
        FaultyCall(
            "an expert service for a theme the call lacks", at: "expert_services.logement",
            edits: .set(["expert_services", "logement"], .string("DDETS"))),
        FaultyCall(
            "a quorum above the seats", at: "committee.quorum", edits: .set(["committee", "quorum"], .integer(5))),
        FaultyCall(
            "two chairs", at: "committee.members", edits: .set(["committee", "members", 1, "role"], .string("chair"))),
        FaultyCall("a format this version cannot read", at: "format", edits: .set(["format"], .integer(2))),
        FaultyCall(
            "a short text without its maximum length", at: "form.fields[0].max_length",
            edits: .remove(["form", "fields", 0, "max_length"])),
    ]

    @Test(arguments: faults)
    func aFaultyCallIsRefusedAtThePathOfEachFault(fault: FaultyCall) throws {
        // act
        let issues = try CallSeed.issues(editing: fault.edits)
        // validate
        let paths = Set(issues.map(\.path))
        for path in fault.paths {
            #expect(paths.contains(path), "\(path) missing from \(issues)")
        }
        #expect(issues.allSatisfy { !$0.message.isEmpty })
    }

    @Test func textThatIsNotJSONIsReportedAtTheDocumentItself() {
        let issues = CallSeed.issues(loading: Data("{ \"reference\": ".utf8))
        #expect(issues.map(\.path) == [""])
        #expect(issues.first?.description.hasPrefix("le fichier n'est pas un JSON valide") == true)
    }

    @Test func threeBrokenRulesAreReportedTogetherInDocumentOrder() throws {
        let issues = try CallSeed.issues(editing: [
            .set(["committee", "quorum"], .integer(5)),
            .set(["deadline"], .string("2020-10-30")),
            .set(["expert_services", "logement"], .string("DDETS")),
        ])
        #expect(issues.map(\.path) == ["deadline", "expert_services.logement", "committee.quorum"])
    }

    @Test func threeShapeFaultsAreReportedTogether() throws {
        let issues = try CallSeed.issues(editing: [
            .set(["titel"], .string("Appel")),
            .set(["format"], .integer(2)),
            .set(["envelopes", 3, "revisions", 0, "amount_cents"], .string("330000000")),
        ])
        #expect(issues.count == 3)
        #expect(Set(issues.map(\.path)) == ["titel", "format", "envelopes[3].revisions[0].amount_cents"])
    }
}
