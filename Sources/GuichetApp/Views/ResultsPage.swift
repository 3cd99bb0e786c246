import Foundation
import GuichetDomain

/// The public results page's view model: every figure already written the French way.
struct ResultsPage: Encodable {
    struct Laureate: Encodable {
        let number: String
        let title: String
        let carrier: String
        let description: String
        let amount: String
        let simulated: Bool
    }

    struct Group: Encodable {
        let heading: String
        let laureates: [Laureate]
    }

    struct ThemeBlock: Encodable {
        let title: String
        let count: String
        let amount: String
        let groups: [Group]
        /// Shown unfolded: a short list reads at once, a long one (the seed's 37 laureates, a
        /// national call's hundreds) is folded by theme under its count and amount, so that the
        /// page opens on its figures rather than on several metres of names.
        let open: Bool
    }

    /// Up to this many laureates in all, the lists are shown unfolded.
    static let unfoldedLaureates = 12

    struct WaveBlock: Encodable {
        let title: String
        let summary: String
        let themes: [ThemeBlock]
    }

    struct FigureRow: Encodable {
        let label: String
        let filed: Int
        let retained: Int
        let amount: String
    }

    struct EnvelopeRow: Encodable {
        let label: String
        let depth: Int
        let initial: String
        let current: String
        let committed: String
        let remaining: String
        let revisions: [String]
    }

    let chrome: Chrome
    let pageTitle: String
    let callTitle: String
    let programme: String
    let description: String
    let simulatedNotice: String?
    let opening: String
    let deadline: String
    let filed: String
    let retainedSummary: String
    let waves: [WaveBlock]
    let pendingWaves: [String]
    let themeRows: [FigureRow]
    let territoryRows: [FigureRow]
    let envelopeRows: [EnvelopeRow]
    let apiURL: String
    /// The latest publication: its version, documents, open data and pictures.
    let publication: Publication?

    struct Publication: Encodable {
        let versionText: String
        let versionsURL: String
        let files: [PublicationFileLink]
        let pdfURL: String
        let pictures: [PressKitPage.Picture]
    }

    init(_ results: CallResults, chrome: Chrome, latest: PublishedResults? = nil) {
        self.chrome = chrome
        let report = results.report
        let call = results.call
        pageTitle = "Résultats — \(call.model.title)"
        callTitle = call.model.title
        programme = call.model.programme
        description = call.model.description
        simulatedNotice =
            (report.containsSimulatedData || call.model.simulated)
            ? "Données de démonstration : les montants individuels et les dossiers non lauréats sont simulés ; ils sont signalés « simulé »."
            : nil
        opening = ParisTime.monthYear(call.model.opensAt)
        deadline = ParisTime.longDate(call.call.deadlineDay)
        filed = French.count(report.filed, "projet déposé", "projets déposés")
        retainedSummary =
            "\(French.count(report.retained, "projet retenu", "projets retenus")) pour \(report.retainedAmount.formatted(.compact))"
        let unfolded = report.retained <= Self.unfoldedLaureates
        waves = report.waves.filter { $0.retained > 0 }.map { wave in
            WaveBlock(
                title: wave.wave.label,
                summary:
                    "\(French.count(wave.retained, "projet retenu", "projets retenus")) pour \(wave.amount.formatted(.compact))",
                themes: wave.themes.map { theme in
                    ThemeBlock(
                        title: theme.theme.label,
                        count: French.count(theme.retained, "projet retenu", "projets retenus"),
                        amount: theme.amount.formatted(.compact),
                        groups: theme.groups.map { group in
                            Group(heading: group.heading, laureates: group.laureates.map(Self.laureate))
                        }, open: unfolded)
                })
        }
        pendingWaves = call.call.waves.filter { $0.publishedAt == nil }.map { "\($0.label) : résultats à venir." }
        themeRows = report.byTheme.map(Self.row)
        territoryRows = report.byTerritory.map(Self.row)
        envelopeRows = results.ledger.lines.map { line in
            EnvelopeRow(
                label: line.envelope.label, depth: line.depth,
                initial: line.envelope.initialAmount.formatted(), current: line.envelope.currentAmount.formatted(),
                committed: line.committed.formatted(), remaining: line.remaining.formatted(),
                revisions: line.envelope.revisions.dropFirst().map {
                    "\(ParisTime.longDate($0.effectiveOn)) : \($0.amount.formatted()) — \($0.reason)"
                })
        }
        apiURL = SiteURL.apiCallResults(call.model.reference).path
        publication = latest.map { snapshot in
            let kit = PressKitPage(snapshot, call: call.model)
            return Publication(
                versionText: kit.versionText, versionsURL: SiteURL.resultsVersions(call.model.reference).path,
                files: PublicationFileLink.all(
                    call.model.reference, version: nil, simulated: snapshot.containsSimulatedData),
                pdfURL: SiteURL.pressKitPDF(call.model.reference).path, pictures: kit.pictures)
        }
    }

    private static func laureate(_ l: ResultsReport.Laureate) -> Laureate {
        Laureate(
            number: l.number ?? "", title: l.title, carrier: l.carrier, description: l.description,
            amount: l.amount.formatted(), simulated: l.simulated)
    }

    private static func row(_ f: ResultsReport.Figures) -> FigureRow {
        FigureRow(label: f.label, filed: f.filed, retained: f.retained, amount: f.amount.formatted())
    }
}

/// French wording helpers.
enum French {
    /// `1 projet retenu`, `19 projets retenus`, `0 projet retenu`.
    static func count(_ n: Int, _ singular: String, _ plural: String) -> String {
        "\(n) \(n > 1 ? plural : singular)"
    }
}
