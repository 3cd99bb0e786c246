import Foundation
import Testing

@testable import GuichetDomain

/// A broken definition built in memory (as the web editor builds one, with no schema in between)
/// and the path its issue must name.
struct FaultyDefinition: Sendable, CustomTestStringConvertible {
    let name: String
    let path: String
    let edit: @Sendable (inout CallDefinition) -> Void

    init(_ name: String, at path: String, _ edit: @escaping @Sendable (inout CallDefinition) -> Void) {
        self.name = name
        self.path = path
        self.edit = edit
    }

    var testDescription: String { name }
}

/// The rules `issues(territories:)` checks by itself, without the schema's help.
@Suite struct CallDefinitionRuleTests {
    static let faults: [FaultyDefinition] = [
        FaultyDefinition("a format this version cannot read", at: "format") { $0.format = 2 },
        FaultyDefinition("a reference in capitals", at: "reference") { $0.reference = "HDF-2021" },
        FaultyDefinition("a blank title", at: "title") { $0.title = "  " },
        FaultyDefinition("a receipt prefix in lowercase", at: "receipt_prefix") { $0.receiptPrefix = "hdf" },
        FaultyDefinition("a département INSEE does not know", at: "scope.code") { $0.scope = .departement("20") },
        FaultyDefinition("no wave", at: "waves") { $0.waves = [] },
        FaultyDefinition("a wave announced before the opening", at: "waves[0].announced_on") {
            $0.waves[0].announcedOn = "2020-10-01"
        },
        FaultyDefinition("waves announced out of order", at: "waves[1].announced_on") {
            $0.waves[1].announcedOn = "2021-04-01"
        },
        FaultyDefinition("an unknown territory in the results' order", at: "territory_order[1]") {
            $0.territoryOrder?[1] = "99"
        },
        FaultyDefinition("a territory listed twice", at: "territory_order[5]") { $0.territoryOrder?[5] = "02" },
        FaultyDefinition("no theme", at: "themes") { $0.themes = [] },
        FaultyDefinition("an objective code with an accent", at: "objectives[0].code") {
            $0.objectives[0].code = "services-innovés"
        },
        FaultyDefinition("a negative amount", at: "envelopes[3].revisions[0].amount_cents") {
            $0.envelopes[3].revisions[0].amountCents = -1
        },
        FaultyDefinition("an envelope key given twice", at: "envelopes[1].key") { $0.envelopes[1].key = "plan" },
        FaultyDefinition("an envelope with no amount", at: "envelopes[0].revisions") { $0.envelopes[0].revisions = [] },
        FaultyDefinition("a revision without a reason", at: "envelopes[3].revisions[1].reason") {
            $0.envelopes[3].revisions[1].reason = " "
        },
        FaultyDefinition("a revision dated before the previous one", at: "envelopes[3].revisions[1].effective_on") {
            $0.envelopes[3].revisions[1].effectiveOn = "2020-11-01"
        },
        FaultyDefinition("an envelope drawing a département", at: "envelopes[3].draws") {
            $0.envelopes[3].draws = "02"
        },
        FaultyDefinition("a parent that is the envelope itself", at: "envelopes[0].parent") {
            $0.envelopes[0].parent = "plan"
        },
        FaultyDefinition("a national call with no envelope drawing", at: "envelopes") {
            $0.scope = .national
            $0.envelopes[1].draws = nil
            $0.envelopes[3].draws = nil
        },
        FaultyDefinition("a criterion weighing nothing", at: "scoring_grid.criteria[0].weight") {
            let grid = $0.scoringGrid
            $0.scoringGrid = ScoringGrid(
                criteria: [Criterion(code: "pertinence", label: "Pertinence", weight: 0)] + grid.criteria.dropFirst(),
                scale: grid.scale, aggregation: grid.aggregation)
        },
        FaultyDefinition("a scale of one step", at: "scoring_grid.scale") {
            let grid = $0.scoringGrid
            $0.scoringGrid = ScoringGrid(criteria: grid.criteria, scale: ["0"], aggregation: grid.aggregation)
        },
        FaultyDefinition("an expert service named with a colon", at: "expert_services.alimentation") {
            $0.expertServices["alimentation"] = "DRAAF:HDF"
        },
        FaultyDefinition("a quorum of zero", at: "committee.quorum") { $0.committee.quorum = 0 },
        FaultyDefinition("no chair", at: "committee.members") { $0.committee.members[0].role = .member },
        FaultyDefinition("a seat nobody holds", at: "committee.members[2].title") {
            $0.committee.members[2].title = ""
        },
    ]

    @Test(arguments: faults)
    func aFaultyDefinitionIsRefusedAtThePathOfTheFault(fault: FaultyDefinition) throws {
        // setup
        var definition = try CallSeed.definition()
        fault.edit(&definition)
        // act
        let issues = definition.issues()
        // validate
        #expect(issues.map(\.path).contains(fault.path), "\(fault.path) missing from \(issues)")
        do {
            try definition.check()
            Issue.record("check() accepted \(fault.name)")
        } catch {
            #expect(error == .invalidCallDefinition(issues: issues))
        }
    }

    @Test func aNationalCallMayFundProjectsAtEveryLevel() throws {
        var definition = try CallSeed.definition()
        definition.scope = .national
        definition.form.fields[4].type = .territory(levels: [.national, .region, .departement])
        #expect(definition.issues().isEmpty)
    }

    @Test func aDepartementalCallDrawsOnItsRegionsEnvelope() throws {
        var definition = try CallSeed.definition()
        definition.scope = .departement("02")
        definition.form.fields[4].type = .territory(levels: [.departement])
        #expect(definition.issues().isEmpty)
        #expect(definition.scope.regionCode() == "32")
    }

    @Test func aChildFittingItsParentOnlyUntilALaterRevisionIsRefusedAtTheParent() throws {
        // The region's envelope doubles on 2021-04-09; its parent must still hold it then.
        var definition = try CallSeed.definition()
        definition.envelopes[2].revisions[0].amountCents = 500_000_000
        definition.envelopes[1].revisions[0].amountCents = 9_500_000_000
        #expect(definition.issues().map(\.path) == ["envelopes[2].revisions"])
    }

    @Test(
        arguments: [
            ("national", .national),
            ("region:32", .region("32")),
            ("departement:02", .departement("02")),
            ("region", nil),
            ("departement:02:x", nil),
            ("service:DRAAF", nil),
        ] as [(String, CallScope?)])
    func aCallScopeReadsItsStoredForm(stored: String, scope: CallScope?) {
        #expect(CallScope(stored: stored) == scope)
        if let scope { #expect(scope.stored == stored) }
    }
}
