import Foundation
import GuichetDomain
import Testing

@Suite struct CommitteeSessionTests {
    let call = Fixtures.call()
    let now = ParisTime.day("2021-04-10")!

    func ledger(hdfEuros: Int64 = 33, committed: Int64 = 0) throws -> (EnvelopeLedger, Envelope) {
        let plan = Fixtures.envelope("Plan", euros: 100)
        let hdf = Fixtures.envelope("Hauts-de-France", euros: hdfEuros, parent: plan.id, draw: "32")
        return (try EnvelopeLedger(envelopes: [plan, hdf], committedByEnvelope: [hdf.id: Fixtures.euros(committed)]), hdf)
    }

    @Test func theCommitteeDeliberatesOnlyWithItsChairAndTheQuorum() throws {
        let chair = CommitteeSession.Member(id: UUID(), name: "Commissaire", isChair: true, present: true)
        let absentChair = CommitteeSession.Member(id: chair.id, name: "Commissaire", isChair: true, present: false)
        let members = (0..<3).map { CommitteeSession.Member(id: UUID(), name: "M\($0)", isChair: false, present: $0 < 2) }
        #expect(throws: Never.self) { try CommitteeSession(members: [chair] + members, quorum: 3).checkCanDeliberate() }
        #expect(throws: DomainError.quorumNotReached(present: 3, required: 4)) {
            try CommitteeSession(members: [chair] + members, quorum: 4).checkCanDeliberate()
        }
        #expect(throws: DomainError.self) { try CommitteeSession(members: [absentChair] + members, quorum: 1).checkCanDeliberate() }
        #expect(throws: DomainError.self) { try CommitteeSession.checkQuorumRule(0, members: 3) }
        #expect(throws: DomainError.self) { try CommitteeSession.checkQuorumRule(4, members: 3) }
    }

    @Test func aWaveCountsItsOwnDecisionsAgainstTheEnvelope() throws {
        // 33 € of room: 20 + 10 fit, the third (5 €) does not: nothing is applied.
        let (ledger, _) = try ledger()
        let dossiers = [20, 10, 5].map { Fixtures.dossier(status: .reviewed, requested: $0, number: "T-\($0)") }
        let staged = dossiers.map { StagedDecision(dossierID: $0.id, outcome: .retained(amount: $0.requestedAmount)) }
        let byID = Dictionary(uniqueKeysWithValues: dossiers.map { ($0.id, $0) })
        #expect(throws: DomainError.self) {
            try Committee.applyWave(staged, dossiers: byID, ledger: ledger, wave: call.waves[0], by: Fixtures.chair, call: call, now: now)
        }
        do {
            _ = try Committee.applyWave(staged, dossiers: byID, ledger: ledger, wave: call.waves[0], by: Fixtures.chair, call: call, now: now)
        } catch {
            #expect(error.code == "decision_refused")
            #expect(error.message.contains("T-5"))
        }
        let fits = try Committee.applyWave(Array(staged.prefix(2)) + [StagedDecision(dossierID: dossiers[2].id, outcome: .waitingList)],
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
            try Committee.applyWave([StagedDecision(dossierID: dossier.id, outcome: .rejected(motive: " "))], dossiers: [dossier.id: dossier],
                                    ledger: ledger, wave: call.waves[0], by: Fixtures.chair, call: call, now: now)
        }
        let published = Wave(number: 1, label: "Vague 1", announcedOn: now, publishedAt: now)
        #expect(throws: DomainError.waveFrozen(1)) {
            try Committee.applyWave([StagedDecision(dossierID: dossier.id, outcome: .waitingList)], dossiers: [dossier.id: dossier],
                                    ledger: ledger, wave: published, by: Fixtures.chair, call: call, now: now)
        }
    }
}
