import Foundation
import GuichetDomain

/// The press kit of a published version, in the seed's structure: cover, contents, context,
/// figures with their pictures, then the laureates per theme grouped by territory.
///
/// The document stands alone (its styles inline, its pictures inline SVG) because it is stored
/// with the version, printed, and turned into PDF by a browser that fetches nothing.
struct PressKitPage: Encodable {
    struct Laureate: Encodable {
        let title: String
        let carrier: String
        let description: String
        let amount: String
        let simulated: Bool
        let wave: String?
    }

    struct Group: Encodable {
        let heading: String
        let laureates: [Laureate]
    }

    struct Theme: Encodable {
        let anchor: String
        let title: String
        let count: String
        let amount: String
        let groups: [Group]
    }

    struct FigureRow: Encodable {
        let label: String
        let filed: Int
        let retained: Int
        let amount: String
    }

    struct Picture: Encodable {
        let svg: String
        let caption: String
        let rows: [PictureRow]
        let valueHeading: String
    }

    struct PictureRow: Encodable {
        let label: String
        let value: String
    }

    let title: String
    let programme: String
    let headline: String
    let dateText: String
    let versionText: String
    let simulatedNotice: String?
    let description: String
    let filed: String
    let retained: String
    let waves: [FigureRow]
    let themeRows: [FigureRow]
    let territoryRows: [FigureRow]
    let pictures: [Picture]
    let themes: [Theme]
    let attribution: String
    let resultsURL: String

    init(_ results: PublishedResults, call: CallModel, territories: TerritoryCatalog = .france) {
        let money: @Sendable (Int64) -> String = { (try? Money(cents: $0))?.formatted() ?? String($0) }
        let compact: (Int64) -> String = { (try? Money(cents: $0))?.formatted(.compact) ?? String($0) }
        title = "Dossier de presse — \(call.title)"
        programme = call.programme
        let place = call.regionCode.flatMap { try? territories.region($0).name }
        headline = "Les résultats de l'appel à projets" + (place.map { " en \($0)" } ?? "")
        dateText = ParisTime.longDate(results.publishedAt)
        versionText =
            "Version \(results.version) des résultats, publiée le \(ParisTime.longDateTime(results.publishedAt)) (heure de Paris)."
        simulatedNotice =
            results.containsSimulatedData
            ? "Données de démonstration : les montants individuels, les dossiers non lauréats et les identifiants des porteurs sont simulés ; les montants simulés sont signalés « simulé »."
            : nil
        description = call.description
        filed = French.count(results.filed, "projet déposé", "projets déposés") + (place.map { " en \($0)" } ?? "")
        retained =
            "\(French.count(results.retained, "projet retenu", "projets retenus")) pour \(compact(results.amountCents))"
        waves = results.waves.map {
            FigureRow(label: $0.label, filed: 0, retained: $0.retained, amount: money($0.amountCents))
        }
        themeRows = results.byTheme.map {
            FigureRow(label: $0.label, filed: $0.filed, retained: $0.retained, amount: money($0.amountCents))
        }
        territoryRows = results.byTerritory.map {
            FigureRow(label: $0.label, filed: $0.filed, retained: $0.retained, amount: money($0.amountCents))
        }
        let showWave = results.waves.count > 1
        let waveLabels = Dictionary(results.waves.map { ($0.number, $0.label) }, uniquingKeysWith: { a, _ in a })
        themes = results.themes.enumerated().map { index, theme in
            Theme(
                anchor: "theme-\(index + 1)", title: theme.label,
                count: French.count(theme.retained, "projet retenu", "projets retenus"),
                amount: compact(theme.amountCents),
                groups: theme.groups.map { group in
                    Group(
                        heading: group.heading,
                        laureates: group.laureates.map {
                            Laureate(
                                title: $0.title, carrier: $0.carrier, description: $0.description,
                                amount: money($0.amountCents),
                                simulated: $0.simulated, wave: showWave ? waveLabels[$0.wave] : nil)
                        })
                })
        }
        pictures = Self.pictures(results, call: call, territories: territories, money: money)
        attribution = DepartmentMap.attribution
        resultsURL = SiteURL.callResults(call.reference).path
    }

    /// Bar charts per theme and per territory, and the map of amounts per département.
    private static func pictures(
        _ results: PublishedResults, call: CallModel, territories: TerritoryCatalog,
        money: @escaping @Sendable (Int64) -> String
    ) -> [Picture] {
        func picture(_ svg: String, _ caption: String, _ rows: [GuichetDomain.PictureRow], _ heading: String) -> Picture
        {
            Picture(
                svg: svg, caption: caption, rows: rows.map { PictureRow(label: $0.label, value: $0.valueText) },
                valueHeading: heading)
        }
        let filedByTheme = BarChart(
            title: "Projets déposés et retenus par thématique",
            description: "Nombre de projets retenus par thématique.",
            bars: results.byTheme.map {
                .init(label: $0.label, value: Int64($0.retained), valueText: "\($0.retained) retenus sur \($0.filed)")
            },
            idPrefix: "theme-projets")
        let amountByTheme = BarChart(
            title: "Montants accordés par thématique", description: "Montant accordé par thématique, en euros.",
            bars: results.byTheme.map {
                .init(label: $0.label, value: $0.amountCents, valueText: money($0.amountCents))
            },
            idPrefix: "theme-montants")
        let byTerritory = BarChart(
            title: "Projets retenus et montants par territoire",
            description: "Montant accordé par territoire, en euros.",
            bars: results.byTerritory.map {
                .init(
                    label: $0.label, value: $0.amountCents,
                    valueText: "\(money($0.amountCents)) (\($0.retained) projets)")
            },
            idPrefix: "territoire-montants")
        var perDepartement: [String: Int64] = [:]
        for laureate in results.laureates
        where laureate.territoryCode.count <= 3 && (try? territories.departement(laureate.territoryCode)) != nil {
            perDepartement[laureate.territoryCode, default: 0] += laureate.amountCents
        }
        let unmapped = results.laureates.filter { perDepartement[$0.territoryCode] == nil }.reduce(Int64(0)) {
            $0 + $1.amountCents
        }
        let focus = call.regionCode.map { Set(territories.departements(in: $0).map(\.code)) }
        let mapNote =
            unmapped > 0
            ? " Les projets régionaux ou nationaux (\(money(unmapped))) ne sont rattachés à aucun département." : ""
        let map = DepartmentMap(
            title: "Montants accordés par département",
            description: "Carte des départements colorés selon le montant accordé aux projets départementaux."
                + mapNote,
            values: perDepartement, valueText: money, focus: focus, idPrefix: "carte-montants")
        return [
            picture(filedByTheme.svg(), "Projets retenus par thématique", filedByTheme.rows, "Projets"),
            picture(amountByTheme.svg(), "Montants accordés par thématique", amountByTheme.rows, "Montant accordé"),
            picture(byTerritory.svg(), "Montants accordés par territoire", byTerritory.rows, "Montant accordé"),
            picture(map.svg(), "Montants accordés par département." + mapNote, map.rows, "Montant accordé"),
        ]
    }
}
