import Foundation

/// Whether the chair forced a dossier in or out.
enum Forcing: Sendable, Equatable {
    case none, forcedIn, forcedOut
}

/// The problem checked once and turned into arrays indexed by position.
///
/// Every algorithm (knapsacks, model writer, warm start, checks, explanations) reads these arrays
/// rather than dictionaries keyed by identifier: at 261 000 dossiers lookups by string would cost
/// more than the knapsacks themselves.
struct PreparedPortfolio: Sendable {
    let problem: PortfolioProblem

    // Envelopes, in the instance's order.
    let envelopeIDs: [String]
    let parentOf: [Int?]
    let remaining: [Int64]
    let childrenOf: [[Int]]
    /// Children before parents, so that sums flow up the tree in one pass.
    let postorder: [Int]
    /// For each envelope: itself, then each ancestor up to the root.
    let chainOf: [[Int]]
    /// Sum of the requests of dossiers not forced out under each envelope (descendants included).
    let demandUnder: [Int64]

    // Dossiers, in the instance's order.
    let envelopeOf: [Int]
    let requested: [Int64]
    let score: [Int64]
    let forcing: [Forcing]
    let range: [GrantRange]
    let themeOf: [Int]
    let themeIDs: [String]
    let departementOf: [Int?]
    let departementIDs: [String]

    // Rules.
    let themeMin: [Int?]
    let themeMax: [Int?]
    /// The required count per département: min(N, its candidates not forced out).
    let departementMinimum: [Int]
    let partial: Bool

    var count: Int { requested.count }
    var envelopeCount: Int { envelopeIDs.count }
    var dossiers: [PortfolioDossier] { problem.dossiers }
    var isLeaf: [Bool] { childrenOf.map(\.isEmpty) }
    var hasThemeShares: Bool { themeMin.contains { $0 != nil } || themeMax.contains { $0 != nil } }
    var hasDepartementMinimum: Bool { departementMinimum.contains { $0 > 0 } }

    /// Checks the problem and indexes it.
    /// - Throws: the ``PortfolioError`` describing the first inconsistency.
    init(_ problem: PortfolioProblem) throws(PortfolioError) {
        self.problem = problem
        guard problem.timeLimitSeconds > 0, problem.timeLimitSeconds.isFinite else {
            throw .invalidInstance("timeLimitSeconds doit être un nombre de secondes positif")
        }

        var envelopeIndex: [String: Int] = [:]
        for (index, envelope) in problem.envelopes.enumerated() {
            guard envelopeIndex.updateValue(index, forKey: envelope.id) == nil else {
                throw .duplicateIdentifier(envelope.id)
            }
            guard envelope.remainingCents >= 0 else {
                throw .negativeRemaining(envelope: envelope.id, cents: envelope.remainingCents)
            }
        }
        envelopeIDs = problem.envelopes.map(\.id)
        remaining = problem.envelopes.map(\.remainingCents)
        var parents: [Int?] = []
        var children = Array(repeating: [Int](), count: problem.envelopes.count)
        for (index, envelope) in problem.envelopes.enumerated() {
            guard let parentID = envelope.parent else {
                parents.append(nil)
                continue
            }
            guard let parent = envelopeIndex[parentID] else {
                throw .envelopeTreeInvalid("le parent « \(parentID) » de « \(envelope.id) » n'existe pas")
            }
            parents.append(parent)
            children[parent].append(index)
        }
        parentOf = parents
        childrenOf = children
        postorder = try Self.postorder(parents: parents, children: children, ids: envelopeIDs)
        chainOf = (0..<parents.count).map { start in
            var chain = [start]
            while let parent = parents[chain[chain.count - 1]] { chain.append(parent) }
            return chain
        }

        var dossierIDs = Set<String>()
        var envelopes: [Int] = []
        var themeIndex: [String: Int] = [:]
        var themes: [String] = []
        var departementIndex: [String: Int] = [:]
        var departements: [String] = []
        var themeOf: [Int] = []
        var departementOf: [Int?] = []
        for dossier in problem.dossiers {
            guard dossierIDs.insert(dossier.id).inserted else { throw .duplicateIdentifier(dossier.id) }
            guard let envelope = envelopeIndex[dossier.envelope] else {
                throw .unknownEnvelope(dossier: dossier.id, envelope: dossier.envelope)
            }
            guard dossier.requestedCents > 0 else {
                throw .invalidRequest(dossier: dossier.id, cents: dossier.requestedCents)
            }
            guard (0...10_000).contains(dossier.score) else {
                throw .invalidScore(dossier: dossier.id, score: dossier.score)
            }
            envelopes.append(envelope)
            themeOf.append(Self.intern(dossier.theme, in: &themeIndex, &themes))
            departementOf.append(dossier.departement.map { Self.intern($0, in: &departementIndex, &departements) })
        }
        envelopeOf = envelopes
        requested = problem.dossiers.map(\.requestedCents)
        score = problem.dossiers.map { Int64($0.score) }

        let rules = problem.rules
        var forcing = Array(repeating: Forcing.none, count: problem.dossiers.count)
        let dossierIndex = Dictionary(uniqueKeysWithValues: problem.dossiers.enumerated().map { ($1.id, $0) })
        for id in rules.forcedIn {
            guard let index = dossierIndex[id] else { throw .unknownDossier(id) }
            forcing[index] = .forcedIn
        }
        for id in rules.forcedOut {
            guard let index = dossierIndex[id] else { throw .unknownDossier(id) }
            guard forcing[index] != .forcedIn else { throw .contradictoryForcing(id) }
            forcing[index] = .forcedOut
        }
        self.forcing = forcing

        if let floor = rules.partialFundingFloorPercent, floor.hundredths == 0 {
            throw .invalidPercent("le plancher de financement partiel doit être strictement positif")
        }
        partial = rules.allowsPartialFunding
        let floor = rules.partialFundingFloorPercent?.hundredths
        range = requested.map { request in
            if let floor, floor < 10_000 {
                GrantRange(requested: request, floor: floor)
            } else {
                GrantRange(requested: request)
            }
        }

        // Shares may name a theme no dossier has: a minimum then forces an empty selection.
        for theme in rules.themeShares.keys.sorted() { _ = Self.intern(theme, in: &themeIndex, &themes) }
        var themeMin = Array(repeating: Int?.none, count: themes.count)
        var themeMax = Array(repeating: Int?.none, count: themes.count)
        for (theme, share) in rules.themeShares {
            guard let index = themeIndex[theme] else { continue }
            if let low = share.minPercent, let high = share.maxPercent, low > high {
                throw .invalidPercent(
                    "la part minimale du thème « \(theme) » (\(low.formatted)) dépasse sa part maximale (\(high.formatted))"
                )
            }
            themeMin[index] = share.minPercent.flatMap { $0.hundredths > 0 ? $0.hundredths : nil }
            themeMax[index] = share.maxPercent.flatMap { $0.hundredths < 10_000 ? $0.hundredths : nil }
        }
        self.themeOf = themeOf
        self.themeIDs = themes
        self.themeMin = themeMin
        self.themeMax = themeMax
        self.departementOf = departementOf
        self.departementIDs = departements

        let wanted = rules.minPerDepartement ?? 0
        guard wanted >= 0, rules.departementMinimums.values.allSatisfy({ $0 >= 0 }) else {
            throw .invalidInstance("minPerDepartement doit être positif ou nul")
        }
        var candidates = Array(repeating: 0, count: departements.count)
        for index in departementOf.indices where forcing[index] != .forcedOut {
            if let departement = departementOf[index] { candidates[departement] += 1 }
        }
        departementMinimum = candidates.indices.map {
            min(rules.departementMinimums[departements[$0]] ?? wanted, candidates[$0])
        }

        // Every later sum is a sum of some of these amounts: checking the grand total once means
        // no partial sum can overflow.
        var total: Int64 = 0
        for amount in requested + remaining {
            let (sum, overflow) = total.addingReportingOverflow(amount)
            guard !overflow else { throw .amountOverflow }
            total = sum
        }
        var demand = Array(repeating: Int64(0), count: envelopeIDs.count)
        for index in requested.indices where forcing[index] != .forcedOut {
            demand[envelopes[index]] += requested[index]
        }
        for envelope in postorder { if let parent = parents[envelope] { demand[parent] += demand[envelope] } }
        demandUnder = demand
    }

    /// The sum of the forced-in dossiers' smallest amounts on each envelope, descendants included.
    var forcedFloorUnder: [Int64] { forcedFloorUnder(forcing) }

    /// The same for another forcing (a branch of the search).
    func forcedFloorUnder(_ forcing: [Forcing]) -> [Int64] {
        var sums = Array(repeating: Int64(0), count: envelopeCount)
        for index in 0..<count where forcing[index] == .forcedIn { sums[envelopeOf[index]] += range[index].floorCents }
        for envelope in postorder { if let parent = parentOf[envelope] { sums[parent] += sums[envelope] } }
        return sums
    }

    /// Refuses forced-in dossiers that no envelope could hold even at their smallest amounts.
    /// - Throws: ``PortfolioError/forcedOverBudget(envelope:forcedCents:remainingCents:)``.
    func checkForcedFit() throws(PortfolioError) {
        let forced = forcedFloorUnder
        for envelope in 0..<envelopeCount where forced[envelope] > remaining[envelope] {
            throw .forcedOverBudget(
                envelope: envelopeIDs[envelope], forcedCents: forced[envelope], remainingCents: remaining[envelope])
        }
    }

    private static func intern(_ key: String, in index: inout [String: Int], _ keys: inout [String]) -> Int {
        if let existing = index[key] { return existing }
        index[key] = keys.count
        keys.append(key)
        return keys.count - 1
    }

    private static func postorder(parents: [Int?], children: [[Int]], ids: [String]) throws(PortfolioError) -> [Int] {
        let roots = parents.indices.filter { parents[$0] == nil }
        guard !roots.isEmpty || parents.isEmpty else {
            throw .envelopeTreeInvalid("aucune enveloppe racine (sans parent)")
        }
        var order: [Int] = []
        var stack = roots.reversed().map { ($0, false) }
        while let (node, expanded) = stack.popLast() {
            if expanded {
                order.append(node)
                continue
            }
            stack.append((node, true))
            for child in children[node].reversed() { stack.append((child, false)) }
        }
        // Envelopes on a cycle are never reached from a root.
        guard order.count == parents.count else {
            let reached = Set(order)
            let lost = parents.indices.first { !reached.contains($0) } ?? 0
            throw .envelopeTreeInvalid("l'enveloppe « \(ids[lost]) » appartient à une boucle de parents")
        }
        return order
    }
}
