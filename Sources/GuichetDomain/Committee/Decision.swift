import Foundation

/// What the committee decides for a dossier.
public enum DecisionOutcome: Sendable, Equatable {
    case retained(amount: Money)
    case waitingList
    case rejected(motive: String)

    /// The stored form: `retained`, `waiting_list`, `rejected`.
    public var kind: String { status.rawValue }

    /// The dossier status the decision leads to.
    public var status: DossierStatus {
        switch self {
        case .retained: .retained
        case .waitingList: .waitingList
        case .rejected: .rejected
        }
    }

    /// The granted amount, zero unless retained.
    public var grantedAmount: Money {
        if case .retained(let amount) = self { return amount }
        return .zero
    }
}

/// A committee decision on a dossier, belonging to a wave.
public struct Decision: Sendable, Equatable {
    public let dossierID: UUID
    public let waveNumber: Int
    public let outcome: DecisionOutcome
    public let decidedAt: Date
    /// Invented by the demo (the press kit publishes no individual amount).
    public let simulated: Bool

    public init(dossierID: UUID, waveNumber: Int, outcome: DecisionOutcome, decidedAt: Date, simulated: Bool) {
        self.dossierID = dossierID
        self.waveNumber = waveNumber
        self.outcome = outcome
        self.decidedAt = decidedAt
        self.simulated = simulated
    }
}

extension Decision {
    /// The latest decision of each dossier among the given waves (all waves when `waves` is nil).
    public static func latest(_ decisions: [Decision], in waves: Set<Int>? = nil) -> [UUID: Decision] {
        var latest: [UUID: Decision] = [:]
        for decision in decisions where waves?.contains(decision.waveNumber) ?? true {
            if let known = latest[decision.dossierID], known.waveNumber >= decision.waveNumber { continue }
            latest[decision.dossierID] = decision
        }
        return latest
    }

    /// The amount a decision commits: its granted amount when it is the dossier's latest decision,
    /// retains it, and the dossier is still a laureate (retained or later); zero otherwise.
    public static func committedAmount(of dossier: Dossier, latest: [UUID: Decision]) -> Money {
        guard dossier.status.isLaureate, let decision = latest[dossier.id] else { return .zero }
        return decision.outcome.grantedAmount
    }
}

/// The committee's rules for deciding.
public enum Committee {
    /// Decides a dossier in a wave, checking the lifecycle, the wave and the envelope together.
    ///
    /// - Parameters:
    ///   - envelope: the position of the envelope the dossier draws on (and its ancestors), as
    ///     read in the same transaction that will save the decision.
    /// - Throws: ``DomainError/waveFrozen(_:)`` for a published wave,
    ///   ``DomainError/amountAboveRequest(granted:requested:)``,
    ///   ``DomainError/envelopeOverspent(envelope:remaining:requested:)`` and the lifecycle errors.
    public static func decide(
        _ dossier: Dossier, outcome: DecisionOutcome, wave: Wave,
        envelope: EnvelopeLedger.Position, by actor: Agent,
        call: Call, now: Date
    ) throws(DomainError) -> (DossierTransition, Decision) {
        guard !wave.isFrozen else { throw .waveFrozen(wave.number) }
        let transition = try DossierLifecycle.transition(dossier, .decide(outcome), by: actor, call: call, now: now)
        try envelope.checkCanCommit(outcome.grantedAmount)
        let decision = Decision(
            dossierID: dossier.id, waveNumber: wave.number, outcome: outcome,
            decidedAt: now, simulated: dossier.simulated)
        return (transition, decision)
    }
}
