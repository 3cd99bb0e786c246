import Foundation
import Testing

@testable import GuichetDomain

@Suite struct EnvelopeTests {
    let call = Fixtures.call()
    let now = ParisTime.day("2021-04-10")!

    /// Plan 100 → regional 60 → Hauts-de-France 3.3; national 30.
    func tree() -> (plan: Envelope, regional: Envelope, hdf: Envelope, national: Envelope) {
        let plan = Fixtures.envelope("Plan", euros: 100)
        let regional = Fixtures.envelope("Régional", euros: 60, parent: plan.id)
        let hdf = Fixtures.envelope("Hauts-de-France", euros: 33, parent: regional.id, draw: "32")
        let national = Fixtures.envelope("National", euros: 30, parent: plan.id, draw: "FR")
        return (plan, regional, hdf, national)
    }

    @Test func committedAmountsRollUpTheTree() throws {
        let t = tree()
        let ledger = try EnvelopeLedger(
            envelopes: [t.plan, t.regional, t.hdf, t.national],
            committedByEnvelope: [t.hdf.id: Fixtures.euros(20), t.national.id: Fixtures.euros(5)])
        #expect(ledger.line(t.plan.id)?.committed == Fixtures.euros(25))
        #expect(ledger.line(t.regional.id)?.committed == Fixtures.euros(20))
        #expect(ledger.line(t.hdf.id)?.remaining == Fixtures.euros(13))
        #expect(ledger.lines.first?.envelope.id == t.plan.id)
        #expect(try ledger.envelope(for: .departemental(departement: "59")).id == t.hdf.id)
        #expect(try ledger.envelope(for: .national(regions: ["32", "11"])).id == t.national.id)
    }

    @Test func decisionThatWouldOverspendItsEnvelopeIsRefused() throws {
        let t = tree()
        let ledger = try EnvelopeLedger(
            envelopes: [t.plan, t.regional, t.hdf, t.national],
            committedByEnvelope: [t.hdf.id: Fixtures.euros(30)])
        let dossier = Fixtures.dossier(status: .reviewed, requested: 10)
        #expect(
            throws: DomainError.envelopeOverspent(
                envelope: "Hauts-de-France", remaining: Fixtures.euros(3), requested: Fixtures.euros(4))
        ) {
            try Committee.decide(
                dossier, outcome: .retained(amount: Fixtures.euros(4)), wave: call.waves[0],
                envelope: ledger.position(of: t.hdf.id), by: Fixtures.chair, call: call, now: now)
        }
        let (transition, decision) = try Committee.decide(
            dossier, outcome: .retained(amount: Fixtures.euros(3)),
            wave: call.waves[0], envelope: ledger.position(of: t.hdf.id),
            by: Fixtures.chair, call: call, now: now)
        #expect(transition.to == .retained)
        #expect(decision.outcome.grantedAmount == Fixtures.euros(3))
    }

    @Test func ancestorsBoundTheirChildren() throws {
        // The regional pool is nearly spent by another region: Hauts-de-France cannot use its own room.
        let t = tree()
        let other = Fixtures.envelope("Grand Est", euros: 50, parent: t.regional.id, draw: "44")
        let ledger = try EnvelopeLedger(
            envelopes: [t.plan, t.regional, t.hdf, t.national, other],
            committedByEnvelope: [other.id: Fixtures.euros(58)])
        #expect(
            throws: DomainError.envelopeOverspent(
                envelope: "Régional", remaining: Fixtures.euros(2), requested: Fixtures.euros(5))
        ) {
            try ledger.position(of: t.hdf.id).checkCanCommit(Fixtures.euros(5))
        }
        #expect(throws: DomainError.self) { try ledger.checkChildrenFit() }
    }

    @Test func grantedAmountAboveTheRequestIsRefused() throws {
        let t = tree()
        let ledger = try EnvelopeLedger(envelopes: [t.plan, t.regional, t.hdf], committedByEnvelope: [:])
        let dossier = Fixtures.dossier(status: .reviewed, requested: 10)
        #expect(throws: DomainError.amountAboveRequest(granted: Fixtures.euros(11), requested: Fixtures.euros(10))) {
            try Committee.decide(
                dossier, outcome: .retained(amount: Fixtures.euros(11)), wave: call.waves[0],
                envelope: ledger.position(of: t.hdf.id), by: Fixtures.chair, call: call, now: now)
        }
    }

    @Test func decisionInAPublishedWaveIsRefused() throws {
        let t = tree()
        let ledger = try EnvelopeLedger(envelopes: [t.plan, t.regional, t.hdf], committedByEnvelope: [:])
        let published = Wave(number: 1, label: "Vague 1", announcedOn: now, publishedAt: now)
        #expect(throws: DomainError.waveFrozen(1)) {
            try Committee.decide(
                Fixtures.dossier(status: .reviewed), outcome: .waitingList, wave: published,
                envelope: ledger.position(of: t.hdf.id), by: Fixtures.chair, call: call, now: now)
        }
    }

    @Test func revisionsAreKeptAndChecked() throws {
        var hdf = Fixtures.envelope("Hauts-de-France", euros: 3_300_000, draw: "32")
        let doubling = EnvelopeRevision(
            amount: Fixtures.euros(6_600_000), effectiveOn: now, reason: "doublement des moyens")
        try hdf.revise(doubling, committed: .zero)
        #expect(hdf.initialAmount == Fixtures.euros(3_300_000))
        #expect(hdf.currentAmount == Fixtures.euros(6_600_000))
        #expect(hdf.revisions.count == 2)
        #expect(throws: DomainError.self) {
            try hdf.revise(
                EnvelopeRevision(amount: Fixtures.euros(1), effectiveOn: now, reason: "baisse"),
                committed: Fixtures.euros(2))
        }
        #expect(throws: DomainError.self) {
            try hdf.revise(
                EnvelopeRevision(amount: Fixtures.euros(7_000_000), effectiveOn: now, reason: " "), committed: .zero)
        }
        #expect(throws: DomainError.self) {
            try hdf.revise(
                EnvelopeRevision(
                    amount: Fixtures.euros(7_000_000), effectiveOn: Fixtures.opensAt.addingTimeInterval(-10),
                    reason: "antidatée"), committed: .zero)
        }
    }

    @Test func treeWithUnknownParentIsRefused() {
        let orphan = Fixtures.envelope("Orphelin", euros: 1, parent: UUID())
        #expect(throws: DomainError.self) { try EnvelopeLedger(envelopes: [orphan], committedByEnvelope: [:]) }
    }

    @Test func aDossierCommitsItsLatestRetainedDecisionOnTheEnvelopeItsScopeDrawsOn() throws {
        // setup: waiting list in wave 1 then retained in wave 2; retained in wave 1 then rejected
        // in wave 2 (no longer a laureate); a national dossier; a regional one.
        let regrant = Fixtures.dossier(status: .retained, requested: 10)
        let dropped = Fixtures.dossier(status: .rejected, requested: 10)
        let national = Fixtures.dossier(status: .retained, requested: 10, scope: .national(regions: ["32", "11"]))
        let regional = Fixtures.dossier(status: .retained, requested: 10, scope: .regional(region: "32"))
        func decision(_ dossier: Dossier, _ wave: Int, _ outcome: DecisionOutcome) -> Decision {
            Decision(dossierID: dossier.id, waveNumber: wave, outcome: outcome, decidedAt: now, simulated: false)
        }
        let decisions = [
            decision(regrant, 1, .waitingList), decision(regrant, 2, .retained(amount: Fixtures.euros(7))),
            decision(dropped, 1, .retained(amount: Fixtures.euros(5))), decision(dropped, 2, .rejected(motive: "")),
            decision(national, 1, .retained(amount: Fixtures.euros(3))),
            decision(regional, 2, .retained(amount: Fixtures.euros(2))),
        ]
        let dossiers = [regrant, dropped, national, regional]
        // act
        let all = try EnvelopeCommitment.of(dossiers: dossiers, decisions: decisions)
        let first = try EnvelopeCommitment.of(dossiers: dossiers, decisions: decisions, waves: [1])
        // validate
        #expect(
            all == [
                EnvelopeCommitment(drawCode: "32", wave: 2, inWave: Fixtures.euros(9), latest: Fixtures.euros(9)),
                EnvelopeCommitment(drawCode: "FR", wave: 1, inWave: Fixtures.euros(3), latest: Fixtures.euros(3)),
            ])
        #expect(
            first == [EnvelopeCommitment(drawCode: "FR", wave: 1, inWave: Fixtures.euros(3), latest: Fixtures.euros(3))]
        )
        let t = tree()
        let ledger = try EnvelopeLedger(
            envelopes: [t.plan, t.regional, t.hdf, t.national], commitments: all)
        #expect(ledger.line(t.hdf.id)?.committed == Fixtures.euros(9))
        #expect(ledger.line(t.national.id)?.committed == Fixtures.euros(3))
        #expect(ledger.line(t.plan.id)?.committed == Fixtures.euros(12))
        // A draw code no envelope funds is an inconsistent tree, not a silent zero.
        #expect(throws: DomainError.self) {
            try EnvelopeLedger(
                envelopes: [t.plan, t.regional, t.hdf, t.national],
                commitments: [.init(drawCode: "84", wave: 1, inWave: Fixtures.euros(1), latest: Fixtures.euros(1))])
        }
    }
}
