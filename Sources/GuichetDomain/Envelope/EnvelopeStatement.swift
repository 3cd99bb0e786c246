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
        /// The amount in force minus what this wave and the earlier ones committed.
        public let remaining: Money

        public init(amountInForce: Money, committed: Money, proposed: Money, remaining: Money) {
            self.amountInForce = amountInForce
            self.committed = committed
            self.proposed = proposed
            self.remaining = remaining
        }
    }

    /// One envelope's figures.
    public struct Line: Sendable {
        public let envelope: Envelope
        public let depth: Int
        /// Committed by the retained decisions of each wave (on this envelope and its descendants).
        public let committedByWave: [Int: Money]
        /// Committed by all counted waves.
        public let committed: Money
        /// Staged as retained in sessions not yet applied (never shown to the public).
        public let proposed: Money
        /// Per wave: in force, committed, proposed, remaining.
        public let byWave: [Int: WaveFigures]

        /// The amount in force minus what is committed.
        public var remaining: Money { envelope.currentAmount.remaining(after: committed) }
        /// What would remain if every proposal were applied (negative room shows as zero, with
        /// ``isOverProposed`` telling the committee).
        public var remainingAfterProposals: Money { remaining.remaining(after: proposed) }
        /// The proposals exceed what remains: applying them all would be refused.
        public var isOverProposed: Bool { proposed > remaining }
    }

    public let waves: [Wave]
    public let lines: [Line]

    /// Computes the statement.
    /// - Parameters:
    ///   - waves: the waves to count (the public sees published ones only).
    ///   - proposals: the scope, amount and wave of each decision staged as retained.
    /// - Throws: ``DomainError/envelopeTreeInconsistent(_:)`` or ``DomainError/amountOverflow``.
    public init(
        envelopes: [Envelope], dossiers: [Dossier], decisions: [Decision], waves: [Wave],
        proposals: [(scope: Scope, amount: Money, wave: Int)], territories: TerritoryCatalog = .france
    ) throws(DomainError) {
        let numbers = Set(waves.map(\.number))
        let total = try EnvelopeLedger(
            envelopes: envelopes, dossiers: dossiers, decisions: decisions, waves: numbers, territories: territories)
        var perWave: [Int: EnvelopeLedger] = [:]
        for number in numbers {
            perWave[number] = try EnvelopeLedger(
                envelopes: envelopes, dossiers: dossiers, decisions: decisions, waves: [number],
                territories: territories)
        }
        var proposed: [UUID: Money] = [:]
        var proposedPerWave: [Int: [UUID: Money]] = [:]
        for proposal in proposals {
            let envelope = try total.envelope(for: proposal.scope, territories: territories)
            proposed[envelope.id] = try (proposed[envelope.id] ?? .zero).adding(proposal.amount)
            proposedPerWave[proposal.wave, default: [:]][envelope.id] = try
                (proposedPerWave[proposal.wave]?[envelope.id] ?? .zero).adding(proposal.amount)
        }
        let proposedLedger = try EnvelopeLedger(envelopes: envelopes, committedByEnvelope: proposed)
        var proposedLedgers: [Int: EnvelopeLedger] = [:]
        for (wave, amounts) in proposedPerWave {
            proposedLedgers[wave] = try EnvelopeLedger(envelopes: envelopes, committedByEnvelope: amounts)
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
                cumulated = try cumulated.adding(committed)
                let inForce = line.envelope.amount(asOf: wave.announcedOn)
                byWave[wave.number] = WaveFigures(
                    amountInForce: inForce, committed: committed,
                    proposed: proposedLedgers[wave.number]?.line(id)?.committed ?? .zero,
                    remaining: inForce.remaining(after: cumulated))
            }
            lines.append(
                Line(
                    envelope: line.envelope, depth: line.depth,
                    committedByWave: perWave.compactMapValues { $0.line(id)?.committed },
                    committed: line.committed, proposed: proposedLedger.line(id)?.committed ?? .zero, byWave: byWave))
        }
        self.lines = lines
    }
}
