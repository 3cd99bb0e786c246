import Foundation
import Testing

@testable import GuichetDomain

/// What changes between two versions of a call, and what a call's data forbids changing.
@Suite struct CallAmendmentTests {
    let seed: CallDefinition

    init() throws {
        seed = try CallSeed.definition()
    }

    /// The region's envelope (`hdf`, `envelopes[3]`) with a third, later revision.
    func withLaterRevision(amountCents: Int64 = 800_000_000, on day: String = "2021-05-01") -> CallDefinition {
        var amended = seed
        amended.envelopes[3].revisions.append(.init(amountCents: amountCents, effectiveOn: day, reason: "Abondement"))
        return amended
    }

    // MARK: - Changes

    @Test func anIdenticalDefinitionHasNoChanges() {
        #expect(seed.changes(from: seed) == [])
    }

    @Test func renamingAThemeIsOneChangeAtItsLabel() {
        var amended = seed
        amended.themes[1].label = "L'accès aux droits"
        #expect(
            amended.changes(from: seed) == [
                CallChange(
                    path: "themes[1].label",
                    before: .string("L'accès aux droits et la lutte contre l'isolement"),
                    after: .string("L'accès aux droits"))
            ])
    }

    @Test func addingARevisionIsNamedAsAdded() throws {
        let changes = withLaterRevision().changes(from: seed)
        #expect(changes.map(\.path) == ["envelopes[3].revisions[2]"])
        let change = try #require(changes.first)
        #expect(change.before == nil)
        #expect(change.after?["amount_cents"] == .integer(800_000_000))
        #expect(change.description.hasPrefix("envelopes[3].revisions[2] : ajouté"))
    }

    @Test func removingAThemeIsNamedAsRemoved() throws {
        var amended = seed
        amended.themes.removeLast()
        let changes = amended.changes(from: seed)
        #expect(changes.map(\.path) == ["themes[4]"])
        #expect(changes.first?.after == nil)
        #expect(changes.first?.description.hasPrefix("themes[4] : retiré") == true)
    }

    @Test func theFormVersionAloneIsNotAChange() {
        var amended = seed
        amended.form.version = 7
        #expect(amended.changes(from: seed) == [])
    }

    // MARK: - Amendments

    @Test func theReferenceNeverChanges() {
        var amended = seed
        amended.reference = "hdf-2022"
        #expect(amended.amendmentIssues(from: seed, usage: .unused).map(\.path) == ["reference"])
        #expect(throws: DomainError.self) { try amended.checkAmendment(from: seed, usage: .unused) }
    }

    @Test func onceDossiersAreFiledARecordedRevisionStaysAsItIs() {
        var amended = seed
        amended.envelopes[3].revisions[0].amountCents = 400_000_000
        let usage = CallUsage(hasFiledDossiers: true)
        #expect(amended.amendmentIssues(from: seed, usage: usage).map(\.path) == ["envelopes[3].revisions"])
    }

    @Test func onceDossiersAreFiledRemovingARecordedRevisionIsRefused() {
        var amended = seed
        amended.envelopes[3].revisions.removeLast()
        let usage = CallUsage(hasFiledDossiers: true)
        #expect(amended.amendmentIssues(from: seed, usage: usage).map(\.path) == ["envelopes[3].revisions"])
    }

    @Test func onceDossiersAreFiledALaterRevisionIsAccepted() throws {
        let usage = CallUsage(hasFiledDossiers: true, committedByEnvelope: ["hdf": 600_000_000])
        #expect(withLaterRevision().amendmentIssues(from: seed, usage: usage) == [])
        try withLaterRevision().checkAmendment(from: seed, usage: usage)
    }

    @Test func onceDossiersAreFiledARevisionDatedBeforeTheLastIsRefused() {
        let amended = withLaterRevision(on: "2021-04-01")
        let usage = CallUsage(hasFiledDossiers: true)
        #expect(
            amended.amendmentIssues(from: seed, usage: usage).map(\.path) == ["envelopes[3].revisions[2].effective_on"])
    }

    @Test(arguments: [(400_000_000, false), (500_000_000, true), (600_000_000, true)] as [(Int64, Bool)])
    func anEnvelopeNeverFallsBelowWhatDecisionsCommit(amountCents: Int64, accepted: Bool) {
        let usage = CallUsage(hasFiledDossiers: true, committedByEnvelope: ["hdf": 500_000_000])
        let issues = withLaterRevision(amountCents: amountCents).amendmentIssues(from: seed, usage: usage)
        #expect(issues.map(\.path) == (accepted ? [] : ["envelopes[3].revisions"]))
    }

    @Test func onceDossiersAreFiledWhatAnEnvelopeDrawsStays() {
        var amended = seed
        amended.envelopes[1].draws = nil
        let usage = CallUsage(hasFiledDossiers: true)
        #expect(amended.amendmentIssues(from: seed, usage: usage).map(\.path) == ["envelopes[1]"])
    }

    @Test func onceDossiersAreFiledAnEnvelopeIsNotRemoved() {
        var amended = seed
        amended.envelopes.remove(at: 1)
        #expect(
            amended.amendmentIssues(from: seed, usage: CallUsage(hasFiledDossiers: true)).map(\.path) == ["envelopes"])
        #expect(amended.amendmentIssues(from: seed, usage: .unused) == [])
    }

    @Test func aThemeCarriedByDossiersIsNotRemoved() {
        var amended = seed
        amended.themes.removeAll { $0.code == "modernisation" }
        #expect(
            amended.amendmentIssues(from: seed, usage: CallUsage(themesInUse: ["modernisation"])).map(\.path) == [
                "themes"
            ])
        #expect(amended.amendmentIssues(from: seed, usage: CallUsage(themesInUse: ["alimentation"])) == [])
    }

    @Test func aPublishedWaveNoLongerChanges() {
        var amended = seed
        amended.waves[0].label = "Première vague"
        #expect(amended.amendmentIssues(from: seed, usage: CallUsage(publishedWaves: [1])).map(\.path) == ["waves[0]"])
        #expect(amended.amendmentIssues(from: seed, usage: CallUsage(publishedWaves: [2])) == [])
    }

    @Test func aWaveHoldingDecisionsIsNotRemoved() {
        var amended = seed
        amended.waves.removeLast()
        #expect(amended.amendmentIssues(from: seed, usage: CallUsage(wavesInUse: [2])).map(\.path) == ["waves"])
        #expect(amended.amendmentIssues(from: seed, usage: CallUsage(publishedWaves: [2])).map(\.path) == ["waves"])
        #expect(amended.amendmentIssues(from: seed, usage: CallUsage(wavesInUse: [1])) == [])
    }

    @Test func onceDossiersAreFiledTheScopeAndReceiptPrefixStay() {
        var amended = seed
        amended.scope = .departement("02")
        amended.receiptPrefix = "AISNE-2021"
        #expect(
            amended.amendmentIssues(from: seed, usage: CallUsage(hasFiledDossiers: true)).map(\.path)
                == ["scope", "receipt_prefix"])
    }

    @Test func anUnusedCallMayChangeAnythingButItsReference() {
        var amended = seed
        amended.scope = .departement("02")
        amended.receiptPrefix = "AISNE-2021"
        amended.envelopes[3].revisions = [.init(amountCents: 1_000, effectiveOn: "2020-12-01", reason: "Autre montant")]
        amended.envelopes[1].draws = nil
        amended.envelopes.remove(at: 0)
        amended.themes.removeLast()
        amended.waves = [.init(number: 1, label: "Vague unique", announcedOn: "2021-05-01")]
        #expect(amended.amendmentIssues(from: seed, usage: .unused) == [])
    }
}
