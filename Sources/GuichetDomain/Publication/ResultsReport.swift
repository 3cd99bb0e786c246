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

    /// Computes the report.
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
        let reportedWaves = call.waves.filter { !publishedOnly || $0.publishedAt != nil }
        let reportedNumbers = Set(reportedWaves.map(\.number))
        let latest = Decision.latest(decisions, in: reportedNumbers)
        let filedDossiers = dossiers.filter { $0.dossier.filedAt != nil }
        let laureates: [(Input, Decision)] = filedDossiers.compactMap { input in
            guard input.dossier.status.isLaureate, let decision = latest[input.dossier.id],
                case .retained = decision.outcome
            else { return nil }
            return (input, decision)
        }.sorted { ($0.0.dossier.number ?? "", $0.0.dossier.title) < ($1.0.dossier.number ?? "", $1.0.dossier.title) }

        let regionCount = Set(
            filedDossiers.compactMap { input -> String? in
                if case .regional(let region) = input.dossier.scope { return region }
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
            _ belongs: (Dossier) -> Bool
        ) throws(DomainError) -> Figures {
            let won = laureates.filter { belongs($0.0.dossier) }
            return Figures(
                code: code, territory: territory, label: label,
                filed: filedDossiers.filter { belongs($0.dossier) }.count,
                retained: won.count, amount: try Money.sum(won.map { $0.1.outcome.grantedAmount }))
        }
        var byTheme: [Figures] = []
        for theme in call.themes {
            byTheme.append(try figures(code: theme.code, label: theme.label) { $0.themeCode == theme.code })
        }
        var byTerritory: [Figures] = []
        let keys = Set(filedDossiers.map { $0.dossier.scope.territoryKey })
        for key in keys.sorted(by: grouping.precedes) {
            byTerritory.append(
                try figures(code: key.code, territory: key, label: grouping.name(key)) { $0.scope.territoryKey == key })
        }

        self.filed = filedDossiers.count
        self.retained = laureates.count
        self.retainedAmount = try Money.sum(laureates.map { $0.1.outcome.grantedAmount })
        self.waves = waves
        self.byTheme = byTheme
        self.byTerritory = byTerritory
        self.containsSimulatedData =
            filedDossiers.contains { $0.dossier.simulated } || laureates.contains { $0.1.simulated }
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
