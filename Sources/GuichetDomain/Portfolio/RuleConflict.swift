import Foundation

/// Why the chair's rules cannot all hold, in the committee's words: the smallest set of rules
/// that conflict, the envelope where the money runs short, and the rules relaxed so that they fit.
public struct PortfolioConflict: Equatable, Sendable {
    /// One rule of the conflict.
    public enum Rule: Hashable, Sendable {
        /// At least `count` selected dossiers in this département.
        case departementMinimum(departement: String, count: Int)
        /// This dossier imposed by the chair.
        case forcedIn(dossier: String)

        /// The rule as the chair wrote it.
        public var text: String {
            switch self {
            case .departementMinimum(let departement, let count):
                "au moins \(count) dossier\(count > 1 ? "s" : "") retenu\(count > 1 ? "s" : "") dans le département \(departement)"
            case .forcedIn(let dossier): "le dossier \(dossier) imposé"
            }
        }
    }

    /// The conflicting rules: each is needed for the conflict (lifting any one of them lets the
    /// others fit in the envelopes).
    public var rules: [Rule]
    /// The envelope that cannot hold what the rules need.
    public var envelope: String
    /// The least the rules need on it, in cents (their cheapest dossiers).
    public var neededCents: Int64
    /// What it has left, in cents.
    public var remainingCents: Int64
    /// The same rules, relaxed just enough to fit (a smaller minimum, a dossier no longer imposed).
    public var relaxedRules: PortfolioRules
    /// What the relaxation changes, in French.
    public var relaxation: String

    /// The conflict in a French sentence.
    public var message: String {
        let list = rules.map(\.text)
        let joined =
            list.count <= 1
            ? (list.first ?? "")
            : list.dropLast().joined(separator: ", ") + " et " + (list.last ?? "")
        let needed = Money(uncheckedCents: neededCents).formatted()
        let left = Money(uncheckedCents: remainingCents).formatted()
        let kind = rules.count > 1 ? "Ces règles ne peuvent pas tenir ensemble" : "Cette règle ne peut pas tenir"
        return
            "\(kind) : \(joined). Les dossiers les moins chers qui \(rules.count > 1 ? "les" : "la") respectent demandent au moins \(needed) sur l'enveloppe « \(envelope) », qui n'a plus que \(left)."
    }
}

/// Finds an irreducible set of conflicting rules among the département minimums and the imposed
/// dossiers, by the envelopes' capacities.
///
/// The test of a set of rules is exact and cheap: the least each envelope must hold is what the
/// imposed dossiers need at their smallest amounts plus, for each département, its cheapest
/// dossiers up to the minimum — counted on the smallest envelope holding all of that
/// département's candidates — summed up the tree. A set fails when some envelope cannot hold its
/// least. The *deletion filter* (Chinneck and Dravnieks 1991) then drops each rule in turn and
/// keeps it out whenever the rest still fails: what remains fails, and every one of its rules is
/// needed for that — an irreducible subset.
///
/// Theme shares are not part of this test (an empty selection keeps every share): a conflict that
/// involves them is left to the mixed-integer program, which answers "infeasible".
struct RuleConflictFinder {
    let prepared: PreparedPortfolio

    /// The rules the finder weighs: every positive département minimum, every imposed dossier.
    enum Candidate: Hashable {
        case departement(Int)
        case forced(Int)
    }

    /// Where a set of rules fails: the envelope, its least need and what it has.
    struct Shortfall: Equatable {
        let envelope: Int
        let needed: Int64
        let remaining: Int64
    }

    /// Each département's candidates' smallest amounts, cheapest first, and the smallest envelope
    /// holding them all.
    private let cheapest: [[(index: Int, cents: Int64)]]
    private let home: [Int?]

    init(_ prepared: PreparedPortfolio) {
        self.prepared = prepared
        var byDepartement = Array(repeating: [(index: Int, cents: Int64)](), count: prepared.departementIDs.count)
        for index in 0..<prepared.count where prepared.forcing[index] != .forcedOut {
            if let departement = prepared.departementOf[index] {
                byDepartement[departement].append((index, prepared.range[index].floorCents))
            }
        }
        cheapest = byDepartement.map { $0.sorted { ($0.cents, $0.index) < ($1.cents, $1.index) } }
        home = byDepartement.map { members in
            guard let first = members.first else { return nil }
            // The deepest envelope on every member's chain.
            var common = prepared.chainOf[prepared.envelopeOf[first.index]]
            for member in members.dropFirst() {
                let chain = Set(prepared.chainOf[prepared.envelopeOf[member.index]])
                common = common.filter { chain.contains($0) }
            }
            return common.first
        }
    }

    /// Every rule the finder weighs, in a stable order: départements, then imposed dossiers.
    var candidates: [Candidate] {
        prepared.departementIDs.indices.filter { prepared.departementMinimum[$0] > 0 }.map { .departement($0) }
            + (0..<prepared.count).filter { prepared.forcing[$0] == .forcedIn }.map { .forced($0) }
    }

    /// Where the rules `kept` (with minimums `minimum` per département) cannot fit, if anywhere.
    func shortfall(_ kept: Set<Candidate>, minimum: [Int]? = nil) -> Shortfall? {
        let minimum = minimum ?? prepared.departementMinimum
        var need = Array(repeating: Int64(0), count: prepared.envelopeCount)
        var forcedIn = Set<Int>()
        for rule in kept {
            guard case .forced(let index) = rule else { continue }
            forcedIn.insert(index)
            need[prepared.envelopeOf[index]] += prepared.range[index].floorCents
        }
        for rule in kept {
            guard case .departement(let departement) = rule, let envelope = home[departement] else { continue }
            var missing = minimum[departement]
            for member in cheapest[departement] where forcedIn.contains(member.index) { missing -= 1 }
            for member in cheapest[departement] where missing > 0 && !forcedIn.contains(member.index) {
                need[envelope] += member.cents
                missing -= 1
            }
        }
        for envelope in prepared.postorder {
            if let parent = prepared.parentOf[envelope] { need[parent] += need[envelope] }
        }
        // The deepest envelope short of money names the conflict best.
        for envelope in prepared.postorder where need[envelope] > prepared.remaining[envelope] {
            return Shortfall(envelope: envelope, needed: need[envelope], remaining: prepared.remaining[envelope])
        }
        return nil
    }

    /// The conflict of `prepared`'s rules, or `nil` when the envelopes can hold what they need
    /// (at once when there is no département minimum and no imposed dossier).
    static func conflict(in prepared: PreparedPortfolio) -> PortfolioConflict? {
        guard prepared.hasDepartementMinimum || prepared.forcing.contains(.forcedIn) else { return nil }
        return RuleConflictFinder(prepared).conflict()
    }

    /// The conflict, or `nil` when the envelopes can hold what the rules need.
    func conflict() -> PortfolioConflict? {
        let all = candidates
        guard shortfall(Set(all)) != nil else { return nil }
        var kept = Set(all)
        for rule in all {
            kept.remove(rule)
            if shortfall(kept) == nil { kept.insert(rule) }
        }
        guard let short = shortfall(kept) else { return nil }
        let ordered = all.filter { kept.contains($0) }
        let rules: [PortfolioConflict.Rule] = ordered.map {
            switch $0 {
            case .departement(let departement):
                .departementMinimum(
                    departement: prepared.departementIDs[departement], count: prepared.departementMinimum[departement])
            case .forced(let index): .forcedIn(dossier: prepared.dossiers[index].id)
            }
        }
        let (relaxed, relaxation) = relax(ordered)
        return PortfolioConflict(
            rules: rules, envelope: prepared.envelopeIDs[short.envelope], neededCents: short.needed,
            remainingCents: short.remaining, relaxedRules: relaxed, relaxation: relaxation)
    }

    /// The rules with the conflict's département minimums lowered together, one at a time, and
    /// then its imposed dossiers released, until every rule fits the envelopes again.
    func relax(_ conflicting: [Candidate]) -> (PortfolioRules, String) {
        var rules = prepared.problem.rules
        var minimum = prepared.departementMinimum
        var kept = Set(candidates)
        let departements = conflicting.compactMap { rule -> Int? in
            guard case .departement(let departement) = rule else { return nil }
            return departement
        }
        let forced = conflicting.compactMap { rule -> Int? in
            guard case .forced(let index) = rule else { return nil }
            return index
        }
        while shortfall(kept, minimum: minimum) != nil, departements.contains(where: { minimum[$0] > 0 }) {
            for departement in departements where minimum[departement] > 0 { minimum[departement] -= 1 }
        }
        var released: [Int] = []
        // Imposed dossiers go, largest first, only while the rules still do not fit.
        for index in forced.sorted(by: { prepared.requested[$0] > prepared.requested[$1] })
        where shortfall(kept, minimum: minimum) != nil {
            kept.remove(.forced(index))
            released.append(index)
        }
        var parts: [String] = []
        if !departements.isEmpty {
            for departement in departements {
                rules.departementMinimums[prepared.departementIDs[departement]] = minimum[departement]
            }
            let codes = departements.map { prepared.departementIDs[$0] }
            let counts = Set(departements.map { minimum[$0] })
            let each = counts.count == 1 ? "\(counts.first ?? 0)" : "ce qui tient"
            parts.append(
                "minimum ramené à \(each) dans \(codes.count > 1 ? "les départements" : "le département") \(codes.joined(separator: ", "))"
            )
        }
        if !released.isEmpty {
            let ids = Set(released.map { prepared.dossiers[$0].id })
            rules.forcedIn.removeAll { ids.contains($0) }
            parts.append(
                "dossier\(ids.count > 1 ? "s" : "") \(released.map { prepared.dossiers[$0].id }.joined(separator: ", ")) plus imposé\(ids.count > 1 ? "s" : "")"
            )
        }
        return (rules, parts.joined(separator: " ; "))
    }
}
