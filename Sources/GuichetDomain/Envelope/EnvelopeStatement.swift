import Foundation

/// The envelope tree as the committee and the public read it: for each envelope, its initial and
/// revised amounts, what each wave committed, what open sessions propose, and what remains.
public struct EnvelopeStatement: Sendable {
    /// An envelope's figures for one wave.
    public struct WaveFigures: Sendable, Equatable {
        /// The amount in force on the wave's announcement day (after the revisions made by then).
        public let amountInForce: Money
        /// Committed by this wave's retained decisions.
        public let committed: Money
        /// Staged as retained for this wave in sessions not yet applied.
        public let proposed: Money
        /// The amount in force minus what this wave and the earlier ones committed, plus what was
        /// claimed back on them.
        public let remaining: Money
        /// Paid on this wave's grants.
        public let paid: Money
        /// Claimed back on this wave's grants: returned to the envelope's room.
        public let recovered: Money

        public init(
            amountInForce: Money, committed: Money, proposed: Money, remaining: Money, paid: Money = .zero,
            recovered: Money = .zero
        ) {
            self.amountInForce = amountInForce
            self.committed = committed
            self.proposed = proposed
            self.remaining = remaining
            self.paid = paid
            self.recovered = recovered
        }

        /// Committed and not yet paid.
        public var leftToPay: Money { committed.remaining(after: paid) }
    }

    /// One envelope's figures.
    public struct Line: Sendable {
        public let envelope: Envelope
        public let depth: Int
        /// Committed by the retained decisions of each wave (on this envelope and its descendants).
        public let committedByWave: [Int: Money]
        /// Committed by all counted waves, less what was claimed back on their grants.
        public let committed: Money
        /// Paid on the grants of all counted waves.
        public var paid: Money = .zero
        /// Claimed back on the grants of all counted waves (returned to the room: ``committed``
        /// is already net of it).
        public var recovered: Money = .zero
        /// Staged as retained in sessions not yet applied (never shown to the public).
        public let proposed: Money
        /// Per wave: in force, committed, proposed, remaining.
        public let byWave: [Int: WaveFigures]

        /// The amount in force minus what is committed.
        public var remaining: Money { envelope.currentAmount.remaining(after: committed) }
        /// Granted and not yet paid (what was claimed back had been paid).
        public var leftToPay: Money {
            Money(uncheckedCents: committed.cents + recovered.cents).remaining(after: paid)
        }
        /// What would remain if every proposal were applied (negative room shows as zero, with
        /// ``isOverProposed`` telling the committee).
        public var remainingAfterProposals: Money { remaining.remaining(after: proposed) }
        /// The proposals exceed what remains: applying them all would be refused.
        public var isOverProposed: Bool { proposed > remaining }
    }

    public let waves: [Wave]
    public let lines: [Line]

    /// Computes the statement from dossiers and decisions held in memory.
    /// - Parameters:
    ///   - waves: the waves to count (the public sees published ones only).
    ///   - proposals: the scope, amount and wave of each decision staged as retained.
    /// - Throws: ``DomainError/envelopeTreeInconsistent(_:)`` or ``DomainError/amountOverflow``.
    public init(
        envelopes: [Envelope], dossiers: [Dossier], decisions: [Decision], waves: [Wave],
        proposals: [(scope: Scope, amount: Money, wave: Int)], movements: [EnvelopeCommitment.Movement] = [],
        territories: TerritoryCatalog = .france
    ) throws(DomainError) {
        var staged: [EnvelopeProposal] = []
        for proposal in proposals {
            staged.append(
                EnvelopeProposal(
                    drawCode: try EnvelopeCommitment.drawCode(of: proposal.scope, territories: territories),
                    wave: proposal.wave, amount: proposal.amount))
        }
        try self.init(
            envelopes: envelopes,
            commitments: try EnvelopeCommitment.of(
                dossiers: dossiers, decisions: decisions, waves: Set(waves.map(\.number)), movements: movements,
                territories: territories),
            waves: waves, proposals: staged)
    }

    /// Computes the statement from what the decisions commit and the sessions propose, summed by
    /// envelope and wave (by the database for a call of any size).
    /// - Parameters:
    ///   - commitments: computed over exactly `waves`.
    ///   - waves: the waves to count (the public sees published ones only).
    /// - Throws: ``DomainError/envelopeTreeInconsistent(_:)`` or ``DomainError/amountOverflow``.
    public init(
        envelopes: [Envelope], commitments: [EnvelopeCommitment], waves: [Wave], proposals: [EnvelopeProposal]
    ) throws(DomainError) {
        let total = try EnvelopeLedger(envelopes: envelopes, commitments: commitments)
        func ledger(_ amounts: [(drawCode: String, amount: Money)]) throws(DomainError) -> EnvelopeLedger {
            var byEnvelope: [UUID: Money] = [:]
            for (code, amount) in amounts where amount > .zero {
                let id = try total.envelope(drawCode: code).id
                byEnvelope[id] = try (byEnvelope[id] ?? .zero).adding(amount)
            }
            return try EnvelopeLedger(envelopes: envelopes, committedByEnvelope: byEnvelope)
        }
        var perWave: [Int: EnvelopeLedger] = [:]
        for wave in waves {
            perWave[wave.number] = try ledger(
                commitments.filter { $0.wave == wave.number }.map { ($0.drawCode, $0.inWave) })
        }
        var paidPerWave: [Int: EnvelopeLedger] = [:]
        var recoveredPerWave: [Int: EnvelopeLedger] = [:]
        for wave in waves {
            let ofWave = commitments.filter { $0.wave == wave.number }
            paidPerWave[wave.number] = try ledger(ofWave.map { ($0.drawCode, $0.paid) })
            recoveredPerWave[wave.number] = try ledger(ofWave.map { ($0.drawCode, $0.recovered) })
        }
        let paidLedger = try ledger(commitments.map { ($0.drawCode, $0.paid) })
        let recoveredLedger = try ledger(commitments.map { ($0.drawCode, $0.recovered) })
        let proposedLedger = try ledger(proposals.map { ($0.drawCode, $0.amount) })
        var proposedLedgers: [Int: EnvelopeLedger] = [:]
        for wave in Set(proposals.map(\.wave)) {
            proposedLedgers[wave] = try ledger(proposals.filter { $0.wave == wave }.map { ($0.drawCode, $0.amount) })
        }
        let ordered = waves.sorted { $0.number < $1.number }
        self.waves = ordered
        var lines: [Line] = []
        for line in total.lines {
            let id = line.envelope.id
            var byWave: [Int: WaveFigures] = [:]
            var cumulated = Money.zero
            for wave in ordered {
                let committed = perWave[wave.number]?.line(id)?.committed ?? .zero
                let recovered = recoveredPerWave[wave.number]?.line(id)?.committed ?? .zero
                cumulated = try cumulated.adding(committed.remaining(after: recovered))
                let inForce = line.envelope.amount(asOf: wave.announcedOn)
                byWave[wave.number] = WaveFigures(
                    amountInForce: inForce, committed: committed,
                    proposed: proposedLedgers[wave.number]?.line(id)?.committed ?? .zero,
                    remaining: inForce.remaining(after: cumulated),
                    paid: paidPerWave[wave.number]?.line(id)?.committed ?? .zero, recovered: recovered)
            }
            var statementLine = Line(
                envelope: line.envelope, depth: line.depth,
                committedByWave: perWave.compactMapValues { $0.line(id)?.committed },
                committed: line.committed, proposed: proposedLedger.line(id)?.committed ?? .zero, byWave: byWave)
            statementLine.paid = paidLedger.line(id)?.committed ?? .zero
            statementLine.recovered = recoveredLedger.line(id)?.committed ?? .zero
            lines.append(statementLine)
        }
        self.lines = lines
    }
}
