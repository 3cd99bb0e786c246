import Foundation

/// How a proposal changes when one envelope's remaining amount changes.
///
/// The committee asks this before an envelope is revised — in the seed's call, when the region's
/// 3.3 M€ became 6.6 M€: which dossiers come in, which go out, which amounts move.
public struct PortfolioComparison: Sendable, Encodable {
    /// A dossier whose amount changes while it stays selected.
    public struct AmountChange: Equatable, Sendable, Encodable {
        /// The dossier.
        public var id: String
        /// The amount before, in cents.
        public var beforeCents: Int64
        /// The amount after, in cents.
        public var afterCents: Int64
    }

    /// The proposal before the change.
    public var before: PortfolioResult
    /// The proposal after the change.
    public var after: PortfolioResult
    /// Selected after, not before, in the instance's order.
    public var added: [String]
    /// Selected before, not after, in the instance's order.
    public var removed: [String]
    /// Selected in both with different amounts.
    public var amountChanges: [AmountChange]
    /// The objective after minus before (`nil` when either has no selection); exact for points.
    public var objectiveDelta: PortfolioObjective?

    /// Compares two proposals for the same dossiers.
    public init(before: PortfolioResult, after: PortfolioResult) {
        self.before = before
        self.after = after
        let old = before.grantedByID
        let new = after.grantedByID
        let order = before.explanations.map(\.id)
        added = order.filter { new[$0] != nil && old[$0] == nil }
        removed = order.filter { old[$0] != nil && new[$0] == nil }
        amountChanges = order.compactMap { id in
            guard let was = old[id], let now = new[id], was != now else { return nil }
            return AmountChange(id: id, beforeCents: was, afterCents: now)
        }
        switch (before.objective, after.objective) {
        case (.points(let was), .points(let now)): objectiveDelta = .points(now - was)
        case (let was?, let now?): objectiveDelta = .proportional(now.value - was.value)
        default: objectiveDelta = nil
        }
    }

    enum CodingKeys: String, CodingKey { case added, removed, amountChanges, objectiveDelta, before, after }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(added, forKey: .added)
        try container.encode(removed, forKey: .removed)
        try container.encode(amountChanges, forKey: .amountChanges)
        switch objectiveDelta {
        case .points(let points): try container.encode(points, forKey: .objectiveDelta)
        case .proportional(let value): try container.encode(value, forKey: .objectiveDelta)
        case nil: try container.encodeNil(forKey: .objectiveDelta)
        }
        try container.encode(before, forKey: .before)
        try container.encode(after, forKey: .after)
    }
}

/// Re-runs a proposal with one envelope's remaining amount changed.
public enum PortfolioWhatIf {
    /// The problem with `envelope`'s remaining amount set to `remainingCents`.
    /// - Throws: ``PortfolioError/unknownWhatIfEnvelope(_:)``, ``PortfolioError/negativeRemaining(envelope:cents:)``.
    public static func changing(
        _ problem: PortfolioProblem, envelope: String, remainingCents: Int64
    ) throws(PortfolioError) -> PortfolioProblem {
        guard let position = problem.envelopes.firstIndex(where: { $0.id == envelope }) else {
            throw .unknownWhatIfEnvelope(envelope)
        }
        guard remainingCents >= 0 else { throw .negativeRemaining(envelope: envelope, cents: remainingCents) }
        var changed = problem
        changed.envelopes[position].remainingCents = remainingCents
        return changed
    }

    /// Solves `problem` as it is and with `envelope` changed, and compares the two proposals.
    ///
    /// Raising a leaf envelope past what its ancestors have left changes nothing by itself: the
    /// ancestors still bind. Change them too, with another call on the returned problem if needed.
    public static func compare(
        _ problem: PortfolioProblem, envelope: String, remainingCents: Int64,
        milp: PortfolioSolver.MILPRunner
    ) async throws -> PortfolioComparison {
        let changed = try changing(problem, envelope: envelope, remainingCents: remainingCents)
        let before = try await PortfolioSolver.solve(problem, milp: milp)
        let after = try await PortfolioSolver.solve(changed, milp: milp)
        return PortfolioComparison(before: before, after: after)
    }
}
