import Foundation

/// The results of a call as the press kit presents them, computed from dossiers and decisions.
///
/// Nothing here is stored: the report is rebuilt from the data each time, so that a changed
/// decision changes every page, export and figure that shows it.
public struct ResultsReport: Sendable {
    /// A laureate as published: title, carrier, description and granted amount.
    public struct Laureate: Sendable {
        public let dossierID: UUID
        public let number: String?
        public let title: String
        public let carrier: String
        public let description: String
        public let amount: Money
        public let simulated: Bool
    }

    /// Laureates of one theme in one territory ("Dans l'Aisne").
    public struct TerritoryGroup: Sendable {
        public let territory: TerritoryKey
        public let heading: String
        public let laureates: [Laureate]
    }

    /// One theme's laureates in a wave, grouped by territory.
    public struct ThemeResults: Sendable {
        public let theme: Theme
        public let retained: Int
        public let amount: Money
        public let groups: [TerritoryGroup]
    }

    /// One wave's results.
    public struct WaveResults: Sendable {
        public let wave: Wave
        public let retained: Int
        public let amount: Money
        public let themes: [ThemeResults]
    }

    /// Filed and retained counts for one theme or territory, across the reported waves.
    public struct Figures: Sendable {
        /// A theme code, or a territory code (see ``territory``).
        public let code: String
        /// The territory, for figures by territory.
        public let territory: TerritoryKey?
        public let label: String
        public let filed: Int
        public let retained: Int
        public let amount: Money
    }

    public let filed: Int
    public let retained: Int
    public let retainedAmount: Money
    public let waves: [WaveResults]
    public let byTheme: [Figures]
    public let byTerritory: [Figures]
    /// Whether any figure shown rests on simulated data.
    public let containsSimulatedData: Bool

    /// A dossier as the report needs it: the dossier and its carrier's name.
    public struct Input: Sendable {
        public let dossier: Dossier
        public let carrier: String
        public init(dossier: Dossier, carrier: String) {
            self.dossier = dossier
            self.carrier = carrier
        }
    }

    /// Filed dossiers counted by what the report groups them by: the theme, the scope, and
    /// whether they are simulated. A large call is counted by the database, not read.
    public struct FiledCount: Hashable, Sendable {
        public let themeCode: String
        public let scope: Scope
        public let simulated: Bool
        public let count: Int

        public init(themeCode: String, scope: Scope, simulated: Bool, count: Int) {
            self.themeCode = themeCode
            self.scope = scope
            self.simulated = simulated
            self.count = count
        }
    }

    /// Computes the report from every dossier of the call.
    ///
    /// - Parameters:
    ///   - publishedOnly: the public sees only published waves; staff may see open ones too.
    /// - A dossier counts as filed once it has a filing time. It counts as a laureate of a wave
    ///   when its latest decision in the reported waves retains it *and* its status is still a
    ///   laureate's (retained or later): both the decision and the lifecycle must agree.
    public init(
        call: Call, dossiers: [Input], decisions: [Decision], publishedOnly: Bool,
        territories: TerritoryCatalog = .france
    ) throws(DomainError) {
        let filed = dossiers.filter { $0.dossier.filedAt != nil }
        struct Key: Hashable {
            let themeCode: String
            let scope: Scope
            let simulated: Bool
        }
        let counts = Dictionary(grouping: filed) {
            Key(themeCode: $0.dossier.themeCode, scope: $0.dossier.scope, simulated: $0.dossier.simulated)
        }.map {
            FiledCount(
                themeCode: $0.key.themeCode, scope: $0.key.scope, simulated: $0.key.simulated, count: $0.value.count)
        }
        try self.init(
            call: call, filed: counts, candidates: filed, decisions: decisions, publishedOnly: publishedOnly,
            territories: territories)
    }

    /// Computes the report from the filed dossiers' counts and the dossiers that may be
    /// laureates: at least every filed dossier whose status is a laureate's, with their decisions
    /// (others are ignored). The same rules as above; what a large call reads.
    public init(
        call: Call, filed counts: [FiledCount], candidates: [Input], decisions: [Decision], publishedOnly: Bool,
        territories: TerritoryCatalog = .france
    ) throws(DomainError) {
        let reportedWaves = call.waves.filter { !publishedOnly || $0.publishedAt != nil }
        let reportedNumbers = Set(reportedWaves.map(\.number))
        let latest = Decision.latest(decisions, in: reportedNumbers)
        let counts = counts.filter { $0.count > 0 }
        let laureates: [(Input, Decision)] = candidates.compactMap { input in
            guard input.dossier.filedAt != nil, input.dossier.status.isLaureate,
                let decision = latest[input.dossier.id], case .retained = decision.outcome
            else { return nil }
            return (input, decision)
        }.sorted { ($0.0.dossier.number ?? "", $0.0.dossier.title) < ($1.0.dossier.number ?? "", $1.0.dossier.title) }

        let regionCount = Set(
            counts.compactMap { count -> String? in
                if case .regional(let region) = count.scope { return region }
                return nil
            }
        ).count
        let grouping = Grouping(call: call, territories: territories, singleRegion: regionCount <= 1)

        var waves: [WaveResults] = []
        for wave in reportedWaves {
            let inWave = laureates.filter { $0.1.waveNumber == wave.number }
            var themes: [ThemeResults] = []
            for theme in call.themes {
                let inTheme = inWave.filter { $0.0.dossier.themeCode == theme.code }
                guard !inTheme.isEmpty else { continue }
                let byGroup = Dictionary(grouping: inTheme, by: { $0.0.dossier.scope.territoryKey })
                let groups = byGroup.keys.sorted(by: grouping.precedes).map { key in
                    TerritoryGroup(
                        territory: key, heading: grouping.heading(key),
                        laureates: (byGroup[key] ?? []).map(Self.laureate))
                }
                themes.append(
                    ThemeResults(
                        theme: theme, retained: inTheme.count,
                        amount: try Money.sum(inTheme.map { $0.1.outcome.grantedAmount }),
                        groups: groups))
            }
            waves.append(
                WaveResults(
                    wave: wave, retained: inWave.count,
                    amount: try Money.sum(inWave.map { $0.1.outcome.grantedAmount }), themes: themes))
        }

        func figures(
            code: String, territory: TerritoryKey? = nil, label: String,
            _ belongs: (_ themeCode: String, _ scope: Scope) -> Bool
        ) throws(DomainError) -> Figures {
            let won = laureates.filter { belongs($0.0.dossier.themeCode, $0.0.dossier.scope) }
            return Figures(
                code: code, territory: territory, label: label,
                filed: counts.filter { belongs($0.themeCode, $0.scope) }.reduce(0) { $0 + $1.count },
                retained: won.count, amount: try Money.sum(won.map { $0.1.outcome.grantedAmount }))
        }
        var byTheme: [Figures] = []
        for theme in call.themes {
            byTheme.append(try figures(code: theme.code, label: theme.label) { code, _ in code == theme.code })
        }
        var byTerritory: [Figures] = []
        let keys = Set(counts.map(\.scope.territoryKey))
        for key in keys.sorted(by: grouping.precedes) {
            byTerritory.append(
                try figures(code: key.code, territory: key, label: grouping.name(key)) { _, scope in
                    scope.territoryKey == key
                })
        }

        self.filed = counts.reduce(0) { $0 + $1.count }
        self.retained = laureates.count
        self.retainedAmount = try Money.sum(laureates.map { $0.1.outcome.grantedAmount })
        self.waves = waves
        self.byTheme = byTheme
        self.byTerritory = byTerritory
        self.containsSimulatedData = counts.contains(where: \.simulated) || laureates.contains { $0.1.simulated }
    }

    private static func laureate(_ pair: (Input, Decision)) -> Laureate {
        let (input, decision) = pair
        return Laureate(
            dossierID: input.dossier.id, number: input.dossier.number, title: input.dossier.title,
            carrier: input.carrier, description: input.dossier.summary,
            amount: decision.outcome.grantedAmount, simulated: input.dossier.simulated || decision.simulated)
    }
}

/// How results are grouped and ordered by territory: national first, then regions, then
/// départements, each in the call's order (the press kit's), then by code.
struct Grouping {
    let call: Call
    let territories: TerritoryCatalog
    let singleRegion: Bool

    func rank(_ key: TerritoryKey) -> (TerritoryKey.Level, Int, String) {
        (key.level, call.territoryOrder.firstIndex(of: key.code) ?? Int.max, key.code)
    }

    func precedes(_ a: TerritoryKey, _ b: TerritoryKey) -> Bool { rank(a) < rank(b) }

    /// The press kit's heading: "Au niveau national", "Au niveau régional", "Dans l'Aisne".
    func heading(_ key: TerritoryKey) -> String {
        switch key.level {
        case .national:
            return "Au niveau national"
        case .region:
            guard !singleRegion, let region = try? territories.region(key.code) else { return "Au niveau régional" }
            return "Au niveau régional — \(region.name)"
        case .departement:
            return (try? territories.departement(key.code))?.inPhrase ?? key.code
        }
    }

    /// The territory's plain name, for tables.
    func name(_ key: TerritoryKey) -> String {
        switch key.level {
        case .national: return "National (plusieurs régions)"
        case .region: return "\((try? territories.region(key.code))?.name ?? key.code) (projets régionaux)"
        case .departement:
            guard let departement = try? territories.departement(key.code) else { return key.code }
            return "\(departement.name) (\(departement.code))"
        }
    }
}
