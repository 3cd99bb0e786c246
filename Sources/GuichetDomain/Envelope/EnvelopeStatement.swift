import Foundation

/// The envelope tree as the committee and the public read it: for each envelope, its initial and
/// revised amounts, what each wave committed, what open sessions propose, and what remains.
public struct EnvelopeStatement: Sendable {
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
    ///   - proposals: the scope and amount of each decision staged as retained.
    /// - Throws: ``DomainError/envelopeTreeInconsistent(_:)`` or ``DomainError/amountOverflow``.
    public init(envelopes: [Envelope], dossiers: [Dossier], decisions: [Decision], waves: [Wave],
                proposals: [(scope: Scope, amount: Money)], territories: TerritoryCatalog = .france) throws(DomainError) {
        let numbers = Set(waves.map(\.number))
        let total = try EnvelopeLedger(envelopes: envelopes, dossiers: dossiers, decisions: decisions, waves: numbers, territories: territories)
        var perWave: [Int: EnvelopeLedger] = [:]
        for number in numbers {
            perWave[number] = try EnvelopeLedger(envelopes: envelopes, dossiers: dossiers, decisions: decisions, waves: [number],
                                                 territories: territories)
        }
        var proposed: [UUID: Money] = [:]
        for proposal in proposals {
            let envelope = try total.envelope(for: proposal.scope, territories: territories)
            proposed[envelope.id] = try (proposed[envelope.id] ?? .zero).adding(proposal.amount)
        }
        let proposedLedger = try EnvelopeLedger(envelopes: envelopes, committedByEnvelope: proposed)
        self.waves = waves.sorted { $0.number < $1.number }
        self.lines = total.lines.map { line in
            let id = line.envelope.id
            return Line(envelope: line.envelope, depth: line.depth,
                        committedByWave: perWave.compactMapValues { $0.line(id)?.committed },
                        committed: line.committed, proposed: proposedLedger.line(id)?.committed ?? .zero)
        }
    }
}
