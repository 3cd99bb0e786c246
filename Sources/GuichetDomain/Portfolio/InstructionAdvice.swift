import Foundation

/// What the instruction's latest opinion on a dossier means for the committee's proposal.
///
/// The instruction weighs each dossier before the committee does, and the proposal follows it:
/// - an **unfavourable** opinion keeps the dossier out, unless the chair imposes it (then it is
///   proposed at its request: the instruction proposed nothing to cap it with);
/// - a **proposed amount** below the request caps what the proposal may grant: the dossier enters
///   the problem with that amount as its request, so the knapsacks, the model handed to CBC, the
///   exported instance (and so the comparison with HiGHS) and the explanations all see the same
///   dossier.
///
/// The rule lives here, once, rather than in the pages that build problems: the session's
/// proposal and the call's retrospective both go through ``PortfolioProblem/honouring(_:)``.
public struct InstructionAdvice: Sendable, Equatable {
    /// The opinion's kind.
    public let kind: OpinionKind
    /// The amount the instruction proposed, in cents (0 for an unfavourable opinion).
    public let proposedCents: Int64

    /// Creates an advice from an opinion's stored values.
    public init(kind: OpinionKind, proposedCents: Int64) {
        self.kind = kind
        self.proposedCents = proposedCents
    }
}

/// What an opinion changed in the problem, for one dossier.
public enum AdviceEffect: Sendable, Equatable {
    /// Unfavourable opinion: left out of the proposal.
    case excluded
    /// Unfavourable opinion, imposed by the chair all the same.
    case imposedDespiteOpinion
    /// The proposal may grant at most the proposed amount (`requestedCents` is the dossier's own
    /// request, shown beside it).
    case capped(proposedCents: Int64, requestedCents: Int64)

    /// The effect in a French sentence, added to the dossier's explanation.
    public var detail: String {
        switch self {
        case .excluded:
            "Avis défavorable de l'instruction : le dossier est écarté de la proposition. La présidence peut le retenir en l'imposant (« Dossiers imposés »)."
        case .imposedDespiteOpinion:
            "Avis défavorable de l'instruction, retenu à la demande de la présidence au montant demandé."
        case .capped(let proposed, let requested):
            "Montant plafonné à la proposition de l'instruction : \(Money(uncheckedCents: proposed).formatted()) proposés sur \(Money(uncheckedCents: requested).formatted()) demandés."
        }
    }
}

extension PortfolioProblem {
    /// The problem with the instruction's opinions applied, and what each one changed.
    ///
    /// - Parameter advice: the latest opinion of each dossier, by the problem's dossier identifier;
    ///   dossiers without an opinion are left as they are.
    /// - Returns: the problem to solve, and the effect for each dossier an opinion changed.
    public func honouring(
        _ advice: [String: InstructionAdvice]
    ) -> (
        problem: PortfolioProblem, effects: [String: AdviceEffect]
    ) {
        guard !advice.isEmpty else { return (self, [:]) }
        var problem = self
        var effects: [String: AdviceEffect] = [:]
        let imposed = Set(rules.forcedIn)
        var excluded = Set(rules.forcedOut)
        for index in problem.dossiers.indices {
            let dossier = problem.dossiers[index]
            guard let opinion = advice[dossier.id] else { continue }
            if opinion.kind == .unfavourable {
                if imposed.contains(dossier.id) {
                    effects[dossier.id] = .imposedDespiteOpinion
                } else {
                    effects[dossier.id] = .excluded
                    if excluded.insert(dossier.id).inserted { problem.rules.forcedOut.append(dossier.id) }
                }
            } else if opinion.proposedCents > 0, opinion.proposedCents < dossier.requestedCents {
                effects[dossier.id] = .capped(
                    proposedCents: opinion.proposedCents, requestedCents: dossier.requestedCents)
                problem.dossiers[index].requestedCents = opinion.proposedCents
            }
        }
        return (problem, effects)
    }
}

extension PortfolioExplanation {
    /// The explanation with the instruction's effect said: an exclusion replaces the chair's
    /// "écarté d'office" (the chair did not ask for it), a cap or an imposition is added.
    public func adding(_ effect: AdviceEffect?) -> PortfolioExplanation {
        guard let effect else { return self }
        var explained = self
        switch effect {
        case .excluded where !selected:
            explained.reason = .unfavourableOpinion
            explained.detail = effect.detail
        default:
            explained.detail = "\(detail) \(effect.detail)"
        }
        return explained
    }
}

extension PortfolioResult {
    /// The result with each dossier's explanation saying what its opinion changed.
    public func noting(_ effects: [String: AdviceEffect]) -> PortfolioResult {
        guard !effects.isEmpty else { return self }
        var noted = self
        noted.explanations = explanations.map { $0.adding(effects[$0.id]) }
        return noted
    }
}
