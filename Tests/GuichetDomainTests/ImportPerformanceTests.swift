import Foundation
import Testing

@testable import GuichetDomain

@Suite struct ImportPerformanceTests {
    /// Ten thousand rows, with decisions, within a second in a debug build run alone.
    ///
    /// The bound asserted is looser, as a regression guard: the whole suite runs in parallel on
    /// two cores, which roughly doubles the figure.
    @Test func tenThousandRowsReadQuickly() throws {
        let rows = (1...10_000).map { index -> [String: String] in
            [
                "numero": "IMP-\(index)", "resume": "Ligne \(index), avec une virgule", "vague": "2",
                "decision": "retenu",
                "montant_accorde": "\(index % 12_000)", "date_decision": "2021-05-20",
            ]
        }
        var file = ImportFile.with(decisions: true, delimiter: ";")
        file.rows = rows.map { ImportFile.defaults.merging($0) { $1 } }
        let text = file.text
        let clock = ContinuousClock()
        var plan: ImportPlan?
        let elapsed = try clock.measure {
            plan = try ImportReader.read(
                text: text, call: ImportFixtures.call, existingNumbers: [], allowDecisions: true)
        }
        #expect(plan?.rows.count == 10_000)
        print("ImportPerformanceTests: 10 000 rows (\(text.utf8.count) bytes) read in \(elapsed)")
        // A guard against accidental quadratic work, not a benchmark: the suite runs in parallel
        // on two cores, so the bound leaves room for the load (alone: about 0.3 s in release,
        // 0.8 s in debug; docs/IMPORT.md).
        #expect(elapsed < .seconds(6))
    }
}
