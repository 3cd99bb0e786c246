import Foundation

/// The results of a call as one publication froze them: figures, waves and laureates.
///
/// A publication is a document, not a query: once written it never changes, even if a dossier's
/// title is corrected later. Storing this snapshot (rather than recomputing from the live tables)
/// is what keeps earlier versions reachable exactly as the public read them, and lets two versions
/// be compared.
public struct PublishedResults: Codable, Sendable, Equatable {
    /// A laureate as published.
    public struct Laureate: Codable, Sendable, Equatable {
        public let dossierID: UUID
        public let number: String?
        public let title: String
        public let carrier: String
        public let description: String
        public let amountCents: Int64
        public let themeCode: String
        /// The territory the laureate is listed under (`FR`, a region or a département code).
        public let territoryCode: String
        public let heading: String
        public let wave: Int
        public let simulated: Bool
    }

    /// One territory's laureates inside a theme ("Dans l'Aisne").
    public struct Group: Codable, Sendable, Equatable {
        public let territoryCode: String
        public let heading: String
        public let laureates: [Laureate]
    }

    /// A theme with its laureates grouped by territory, in the press kit's order.
    public struct ThemeBlock: Codable, Sendable, Equatable {
        public let code: String
        public let label: String
        public let retained: Int
        public let amountCents: Int64
        public let groups: [Group]
    }

    /// A line of figures: filed, retained and granted, for a theme or a territory.
    public struct Figures: Codable, Sendable, Equatable {
        public let code: String
        public let label: String
        public let filed: Int
        public let retained: Int
        public let amountCents: Int64
    }

    /// A wave as published: its date and what it retained.
    public struct WaveFigures: Codable, Sendable, Equatable {
        public let number: Int
        public let label: String
        public let announcedOn: Date
        public let retained: Int
        public let amountCents: Int64
    }

    public let callReference: String
    public let callTitle: String
    public let version: Int
    public let publishedAt: Date
    /// The latest wave this version publishes.
    public let wave: Int
    public let filed: Int
    public let retained: Int
    public let amountCents: Int64
    public let waves: [WaveFigures]
    public let themes: [ThemeBlock]
    public let byTheme: [Figures]
    public let byTerritory: [Figures]
    public let containsSimulatedData: Bool

    /// Freezes a report computed over the published waves (the one being published included).
    public init(report: ResultsReport, call: Call, version: Int, wave: Int, publishedAt: Date) {
        callReference = call.reference
        callTitle = call.title
        self.version = version
        self.publishedAt = publishedAt
        self.wave = wave
        filed = report.filed
        retained = report.retained
        amountCents = report.retainedAmount.cents
        waves = report.waves.map {
            WaveFigures(
                number: $0.wave.number, label: $0.wave.label, announcedOn: $0.wave.announcedOn,
                retained: $0.retained, amountCents: $0.amount.cents)
        }
        themes = Self.themeBlocks(report)
        byTheme = report.byTheme.map {
            Figures(
                code: $0.code, label: $0.label, filed: $0.filed, retained: $0.retained, amountCents: $0.amount.cents)
        }
        byTerritory = report.byTerritory.map {
            Figures(
                code: $0.code, label: $0.label, filed: $0.filed, retained: $0.retained, amountCents: $0.amount.cents)
        }
        containsSimulatedData = report.containsSimulatedData
    }

    /// Every laureate of the version, in the press kit's order (theme, then territory).
    public var laureates: [Laureate] { themes.flatMap { $0.groups.flatMap(\.laureates) } }

    /// Merges the waves' theme blocks: the press kit lists each theme once, its territories in
    /// the call's order, a territory's laureates in wave order.
    private static func themeBlocks(_ report: ResultsReport) -> [ThemeBlock] {
        var order: [String] = []
        var labels: [String: String] = [:]
        var groups: [String: [(key: TerritoryKey, heading: String, laureates: [Laureate])]] = [:]
        for wave in report.waves {
            for theme in wave.themes {
                if labels[theme.theme.code] == nil {
                    order.append(theme.theme.code)
                    labels[theme.theme.code] = theme.theme.label
                }
                for group in theme.groups {
                    let laureates = group.laureates.map {
                        Laureate(
                            dossierID: $0.dossierID, number: $0.number, title: $0.title, carrier: $0.carrier,
                            description: $0.description, amountCents: $0.amount.cents, themeCode: theme.theme.code,
                            territoryCode: group.territory.code, heading: group.heading, wave: wave.wave.number,
                            simulated: $0.simulated)
                    }
                    if let index = groups[theme.theme.code]?.firstIndex(where: { $0.key == group.territory }) {
                        groups[theme.theme.code]?[index].laureates.append(contentsOf: laureates)
                    } else {
                        groups[theme.theme.code, default: []].append((group.territory, group.heading, laureates))
                    }
                }
            }
        }
        let themeOrder = Dictionary(report.byTheme.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        let territoryOrder = Dictionary(
            report.byTerritory.enumerated().compactMap { index, line in line.territory.map { ($0, index) } },
            uniquingKeysWith: { a, _ in a })
        return order.sorted { (themeOrder[$0] ?? .max) < (themeOrder[$1] ?? .max) }.map { code in
            let merged = (groups[code] ?? []).sorted {
                (territoryOrder[$0.key] ?? .max) < (territoryOrder[$1.key] ?? .max)
            }
            let all = merged.flatMap(\.laureates)
            return ThemeBlock(
                code: code, label: labels[code] ?? code, retained: all.count,
                amountCents: all.reduce(0) { $0 + $1.amountCents },
                groups: merged.map { Group(territoryCode: $0.key.code, heading: $0.heading, laureates: $0.laureates) })
        }
    }
}
