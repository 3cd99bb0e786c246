import Foundation
import GuichetDomain
import Testing

@Suite struct CommitteeSessionTests {
    let call = Fixtures.call()
    let now = ParisTime.day("2021-04-10")!

    func ledger(hdfEuros: Int64 = 33, committed: Int64 = 0) throws -> (EnvelopeLedger, Envelope) {
        let plan = Fixtures.envelope("Plan", euros: 100)
        let hdf = Fixtures.envelope("Hauts-de-France", euros: hdfEuros, parent: plan.id, draw: "32")
        return (
            try EnvelopeLedger(envelopes: [plan, hdf], committedByEnvelope: [hdf.id: Fixtures.euros(committed)]), hdf
        )
    }

    @Test func theCommitteeDeliberatesOnlyWithItsChairAndTheQuorum() throws {
        let chair = CommitteeSession.Member(id: UUID(), name: "Commissaire", isChair: true, present: true)
        let absentChair = CommitteeSession.Member(id: chair.id, name: "Commissaire", isChair: true, present: false)
        let members = (0..<3).map {
            CommitteeSession.Member(id: UUID(), name: "M\($0)", isChair: false, present: $0 < 2)
        }
        #expect(throws: Never.self) { try CommitteeSession(members: [chair] + members, quorum: 3).checkCanDeliberate() }
        #expect(throws: DomainError.quorumNotReached(present: 3, required: 4)) {
            try CommitteeSession(members: [chair] + members, quorum: 4).checkCanDeliberate()
        }
        #expect(throws: DomainError.self) {
            try CommitteeSession(members: [absentChair] + members, quorum: 1).checkCanDeliberate()
        }
        #expect(throws: DomainError.self) { try CommitteeSession.checkQuorumRule(1, members: 3) }
        #expect(throws: DomainError.self) { try CommitteeSession.checkQuorumRule(4, members: 3) }
    }

    @Test func aWaveCountsItsOwnDecisionsAgainstTheEnvelope() throws {
        // 33 € of room: 20 + 10 fit, the third (5 €) does not: nothing is applied.
        let (ledger, _) = try ledger()
        let dossiers = [20, 10, 5].map { Fixtures.dossier(status: .reviewed, requested: $0, number: "T-\($0)") }
        let staged = dossiers.map { StagedDecision(dossierID: $0.id, outcome: .retained(amount: $0.requestedAmount)) }
        let byID = Dictionary(uniqueKeysWithValues: dossiers.map { ($0.id, $0) })
        #expect(throws: DomainError.self) {
            try Committee.applyWave(
                staged, dossiers: byID, ledger: ledger, wave: call.waves[0], by: Fixtures.chair, call: call, now: now)
        }
        do {
            _ = try Committee.applyWave(
                staged, dossiers: byID, ledger: ledger, wave: call.waves[0], by: Fixtures.chair, call: call, now: now)
        } catch {
            #expect(error.code == "decision_refused")
            #expect(error.message.contains("T-5"))
        }
        let fits = try Committee.applyWave(
            Array(staged.prefix(2)) + [StagedDecision(dossierID: dossiers[2].id, outcome: .waitingList)],
            dossiers: byID, ledger: ledger, wave: call.waves[0], by: Fixtures.chair, call: call, now: now)
        #expect(fits.map(\.0.to) == [.retained, .retained, .waitingList])
    }

    @Test func committingRollsUpToEveryAncestor() throws {
        let (ledger, hdf) = try ledger(committed: 3)
        let after = try ledger.committing(Fixtures.euros(10), on: hdf.id)
        #expect(after.line(hdf.id)?.committed == Fixtures.euros(13))
        #expect(after.lines.first?.committed == Fixtures.euros(13))
        #expect(after.line(hdf.id)?.remaining == Fixtures.euros(20))
        #expect(ledger.line(hdf.id)?.committed == Fixtures.euros(3))
    }

    @Test func aRejectionNeedsItsMotiveAndAPublishedWaveTakesNothing() throws {
        let (ledger, _) = try ledger()
        let dossier = Fixtures.dossier(status: .reviewed, requested: 10)
        #expect(throws: DomainError.self) {
            try Committee.applyWave(
                [StagedDecision(dossierID: dossier.id, outcome: .rejected(motive: " "))],
                dossiers: [dossier.id: dossier],
                ledger: ledger, wave: call.waves[0], by: Fixtures.chair, call: call, now: now)
        }
        let published = Wave(number: 1, label: "Vague 1", announcedOn: now, publishedAt: now)
        #expect(throws: DomainError.waveFrozen(1)) {
            try Committee.applyWave(
                [StagedDecision(dossierID: dossier.id, outcome: .waitingList)], dossiers: [dossier.id: dossier],
                ledger: ledger, wave: published, by: Fixtures.chair, call: call, now: now)
        }
    }
}

@Suite struct EnvelopeStatementTests {
    @Test func eachWaveShowsTheAmountInForceWhatItCommittedProposesAndWhatRemains() throws {
        // The seed: 3.3 M€, doubled to 6.6 M€ on 9 April, before the first wave (16 April).
        let opens = ParisTime.day("2020-12-01")!
        let plan = Fixtures.envelope("Plan", euros: 100_000_000)
        var hdf = try Envelope(
            id: UUID(), parentID: plan.id, label: "Hauts-de-France", drawCode: "32", ownerName: "État",
            initial: EnvelopeRevision(amount: Fixtures.euros(3_300_000), effectiveOn: opens, reason: "initial"))
        try hdf.revise(
            EnvelopeRevision(
                amount: Fixtures.euros(6_600_000), effectiveOn: ParisTime.day("2021-04-09")!, reason: "doublement"),
            committed: .zero)
        #expect(hdf.amount(asOf: ParisTime.day("2021-01-01")!) == Fixtures.euros(3_300_000))
        #expect(hdf.amount(asOf: ParisTime.day("2021-04-16")!) == Fixtures.euros(6_600_000))
        let waves = [
            Wave(
                number: 1, label: "Vague 1", announcedOn: ParisTime.day("2021-04-16")!,
                publishedAt: ParisTime.day("2021-04-16")!),
            Wave(number: 2, label: "Vague 2", announcedOn: ParisTime.day("2021-06-01")!, publishedAt: nil),
        ]
        var laureate = Fixtures.dossier(status: .retained, requested: 4_400_000)
        laureate.status = .retained
        let decision = Decision(
            dossierID: laureate.id, waveNumber: 1, outcome: .retained(amount: Fixtures.euros(4_400_000)),
            decidedAt: waves[0].announcedOn, simulated: true)
        let statement = try EnvelopeStatement(
            envelopes: [plan, hdf], dossiers: [laureate], decisions: [decision], waves: waves,
            proposals: [(.departemental(departement: "80"), Fixtures.euros(1_000_000), 2)])
        let line = try #require(statement.lines.first { $0.envelope.id == hdf.id })
        #expect(
            line.byWave[1]
                == EnvelopeStatement.WaveFigures(
                    amountInForce: Fixtures.euros(6_600_000), committed: Fixtures.euros(4_400_000),
                    proposed: .zero, remaining: Fixtures.euros(2_200_000)))
        #expect(line.byWave[2]?.proposed == Fixtures.euros(1_000_000))
        #expect(line.byWave[2]?.remaining == Fixtures.euros(2_200_000))
        #expect(line.remainingAfterProposals == Fixtures.euros(1_200_000))
        #expect(statement.lines.first?.proposed == Fixtures.euros(1_000_000))
    }
}
