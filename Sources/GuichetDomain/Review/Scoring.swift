import Foundation

/// How several reviewers' scores combine, chosen per call.
public enum ScoreAggregation: String, Sendable, Codable, CaseIterable {
    case mean
    case median
}

/// A weighted criterion of a call's scoring grid.
public struct Criterion: Hashable, Sendable, Codable {
    public let code: String
    public let label: String
    /// A positive whole weight (the demo's five criteria weigh 3, 3, 2, 1, 1).
    public let weight: Int

    public init(code: String, label: String, weight: Int) {
        self.code = code
        self.label = label
        self.weight = weight
    }
}

/// A call's scoring grid: weighted criteria on a scale with labels (0 "insuffisant" … 4 "excellent").
public struct ScoringGrid: Sendable, Codable, Equatable {
    public let criteria: [Criterion]
    public let scale: [String]
    public let aggregation: ScoreAggregation

    public init(criteria: [Criterion], scale: [String], aggregation: ScoreAggregation) {
        self.criteria = criteria
        self.scale = scale
        self.aggregation = aggregation
    }

    /// The highest mark of the scale.
    public var maximum: Int { scale.count - 1 }

    /// A reviewer's weighted score out of 100, in hundredths (exact integers: 7 350 = 73,50/100).
    ///
    /// - Throws: ``DomainError/invalidForm(errors:)`` keyed by criterion code for a missing mark,
    ///   a mark off the scale or a criterion the grid does not have.
    public func weightedScore(_ marks: [String: Int]) throws(DomainError) -> Int {
        var errors: [String: String] = [:]
        for key in marks.keys where !criteria.contains(where: { $0.code == key }) {
            errors[key] = "Ce critère ne fait pas partie de la grille."
        }
        var total = 0
        var weights = 0
        for criterion in criteria {
            guard let mark = marks[criterion.code] else {
                errors[criterion.code] = "Notez le critère « \(criterion.label) »."
                continue
            }
            guard (0...maximum).contains(mark) else {
                errors[criterion.code] = "La note du critère « \(criterion.label) » doit être entre 0 et \(maximum)."
                continue
            }
            total += mark * criterion.weight
            weights += criterion.weight
        }
        guard errors.isEmpty, weights > 0, maximum > 0 else { throw .invalidForm(errors: errors) }
        // Rounded half up to the hundredth of a point out of 100.
        return (total * 10_000 * 2 + weights * maximum) / (2 * weights * maximum)
    }

    /// Several reviewers' scores combined as the call chose, with their spread (max − min), both
    /// in hundredths; `nil` without any score.
    public func aggregate(_ scores: [Int]) -> (score: Int, spread: Int)? {
        guard let low = scores.min(), let high = scores.max() else { return nil }
        let sorted = scores.sorted()
        let value: Int
        switch aggregation {
        case .mean:
            value = (sorted.reduce(0, +) * 2 + sorted.count) / (2 * sorted.count)
        case .median:
            let middle = sorted.count / 2
            value = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle] + 1) / 2
        }
        return (value, high - low)
    }
}

/// An instruction opinion: favourable, favourable with reservations, unfavourable.
public enum OpinionKind: String, Sendable, Codable, CaseIterable {
    case favourable
    case reservations = "favourable_with_reservations"
    case unfavourable

    public var label: String {
        switch self {
        case .favourable: "favorable"
        case .reservations: "favorable avec réserves"
        case .unfavourable: "défavorable"
        }
    }
}

/// The instruction's opinion on a dossier, with a proposed amount and a motive.
public struct Opinion: Sendable, Equatable {
    public let kind: OpinionKind
    public let proposedAmount: Money
    public let motive: String

    /// Checks the opinion against the dossier.
    /// - Throws: ``DomainError/proposalAboveRequest(proposed:requested:)`` for a proposal above
    ///   the request; ``DomainError/missingData(field:reason:)`` without a motive, or for a positive
    ///   proposal with an unfavourable opinion.
    public init(kind: OpinionKind, proposedAmount: Money, motive: String, requested: Money) throws(DomainError) {
        let trimmed = motive.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .missingData(field: "motif", reason: "un avis doit être motivé.") }
        guard proposedAmount <= requested else {
            throw .proposalAboveRequest(proposed: proposedAmount, requested: requested)
        }
        if kind == .unfavourable, proposedAmount > .zero {
            throw .missingData(field: "montant proposé", reason: "un avis défavorable ne propose pas de montant.")
        }
        if kind != .unfavourable, proposedAmount == .zero {
            throw .missingData(
                field: "montant proposé", reason: "un avis favorable propose un montant supérieur à zéro.")
        }
        self.kind = kind
        self.proposedAmount = proposedAmount
        self.motive = trimmed
    }
}
