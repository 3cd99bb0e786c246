import Foundation
import GuichetDomain
import Vapor

/// A link to a file of a version, with what it is.
struct PublicationFileLink: Encodable {
    let label: String
    let url: String

    /// The files every version carries, for a call and a version (`nil`: the latest).
    static func all(_ reference: String, version: Int?, simulated: Bool) -> [PublicationFileLink] {
        let note = simulated ? " — données de démonstration, simulées" : ""
        func url(_ name: String) -> String {
            version.map { SiteURL.resultsVersionFile(reference, $0, name).path }
                ?? SiteURL.openData(reference, name).path
        }
        return [
            PublicationFileLink(
                label: "Dossier de presse (HTML, imprimable)\(note)",
                url: version.map {
                    SiteURL.resultsVersionFile(reference, $0, PublicationService.FileName.pressKit).path
                }
                    ?? SiteURL.pressKit(reference).path),
            PublicationFileLink(
                label: "Subventions accordées, format SCDL 2.1.1 (CSV)\(note)",
                url: url(PublicationService.FileName.subsidies)),
            PublicationFileLink(
                label: "Résultats complets (JSON)\(note)", url: url(PublicationService.FileName.results)),
        ]
    }
}

/// A version in a list: its number, date and what it changed.
struct PublicationVersionRow: Encodable {
    let label: String
    let url: String
    let summary: String

    init(_ publication: PublicationModel, reference: String) {
        label =
            "Version \(publication.version) — vague \(publication.waveNumber), publiée le \(ParisTime.longDateTime(publication.publishedAt))"
        url = SiteURL.resultsVersion(reference, publication.version).path
        let changes = (try? publication.changeList())?.summary ?? []
        summary =
            publication.version == 1
            ? "Première publication." : (changes.isEmpty ? "Aucun changement." : changes.joined(separator: " ; ") + ".")
    }
}

/// `/appels/{call}/resultats/versions`: every version of the results, newest first.
struct ResultsVersionsPage: Encodable {
    let chrome: Chrome
    let callTitle: String
    let resultsURL: String
    let versions: [PublicationVersionRow]

    init(_ req: Request, call: LoadedCall, versions: [PublicationModel]) {
        chrome = .make(req)
        callTitle = call.model.title
        resultsURL = SiteURL.callResults(call.model.reference).path
        self.versions = versions.map { PublicationVersionRow($0, reference: call.model.reference) }
    }
}

/// `/appels/{call}/resultats/versions/{n}`: a version as it was published, and what it changed.
struct ResultsVersionPage: Encodable {
    let chrome: Chrome
    let callTitle: String
    let versionText: String
    let isLatest: Bool
    let latestURL: String
    let versionsURL: String
    let simulatedNotice: String?
    let filed: String
    let retained: String
    let changes: [String]
    let added: [String]
    let removed: [String]
    let regranted: [String]
    let themes: [PressKitPage.Theme]
    let files: [PublicationFileLink]
    /// The call's audit chain head recorded with this version, to check the log against.
    let auditSeal: String?

    init(_ req: Request, call: LoadedCall, publication: PublicationModel, latestVersion: Int) throws {
        let results = try publication.results()
        let changeList = try publication.changeList()
        let kit = PressKitPage(results, call: call.model)
        chrome = .make(req)
        callTitle = call.model.title
        versionText = kit.versionText
        isLatest = publication.version == latestVersion
        latestURL = SiteURL.resultsVersion(call.model.reference, latestVersion).path
        versionsURL = SiteURL.resultsVersions(call.model.reference).path
        simulatedNotice = kit.simulatedNotice
        filed = kit.filed
        retained = kit.retained
        changes = publication.version == 1 ? [] : changeList.summary
        func describe(_ entry: PublicationChanges.Entry) -> String {
            let money = { (cents: Int64?) in cents.flatMap { try? Money(cents: $0).formatted() } ?? "—" }
            let name = [entry.number, entry.title].compactMap { $0 }.joined(separator: " — ")
            return "\(name) (\(entry.carrier)) : \(money(entry.fromCents)) → \(money(entry.toCents))"
        }
        added = changeList.added.map(describe)
        removed = changeList.removed.map(describe)
        regranted = changeList.amountChanged.map(describe)
        themes = kit.themes
        files = PublicationFileLink.all(
            call.model.reference, version: publication.version, simulated: results.containsSimulatedData)
        if let sequence = publication.auditSequence, let hash = publication.auditHash {
            auditSeal = "entrée n° \(sequence), empreinte SHA-256 \(hash)"
        } else {
            auditSeal = nil
        }
    }
}

/// `/admin/publication`: the calls an administrator may publish.
struct PublicationCallsPage: Encodable {
    struct Row: Encodable {
        let title: String
        let url: String
        let importURL: String
        let waves: String
    }

    let chrome: Chrome
    let calls: [Row]

    init(_ req: Request, calls: [CallModel]) {
        chrome = .make(req)
        self.calls = calls.map { call in
            Row(
                title: call.title, url: SiteURL.publicationAdmin(call.reference).path,
                importURL: SiteURL.importDossiers(call.reference).path,
                waves: call.waves.sorted { $0.number < $1.number }
                    .map {
                        "\($0.label) : \($0.publishedAt.map { "publiée le \(ParisTime.longDate($0))" } ?? "ouverte")"
                    }
                    .joined(separator: " ; "))
        }
    }
}

/// `/admin/publication/{call}`: the waves, what publishing the next one would write, its checks.
struct PublicationAdminPage: Encodable {
    struct Check {
        let wave: Wave
        let blocker: String?
        let draft: PublicationService.Draft
    }

    struct WaveRow: Encodable {
        let label: String
        let state: String
    }

    struct Faulty: Encodable {
        let line: Int
        let problems: String
    }

    let chrome: Chrome
    let csrf: String
    let callTitle: String
    let waves: [WaveRow]
    let nextWave: Int?
    let nextLabel: String
    let blocker: String?
    let preview: [String]
    let openDataRows: Int
    let faulty: [Faulty]
    let canPublish: Bool
    let publishURL: String
    let versions: [PublicationVersionRow]
    let files: [PublicationFileLink]

    init(_ req: Request, call: LoadedCall, check: Check?, versions: [PublicationModel]) {
        chrome = .make(req)
        csrf = chrome.csrf ?? ""
        callTitle = call.model.title
        waves = call.call.waves.map { wave in
            WaveRow(
                label: wave.label,
                state: wave.publishedAt.map { "publiée et figée depuis le \(ParisTime.longDateTime($0))" } ?? "ouverte")
        }
        nextWave = check?.wave.number
        nextLabel = check?.wave.label ?? ""
        blocker = check?.blocker
        if let draft = check?.draft {
            let results = draft.results
            preview =
                [
                    "Version \(results.version) des résultats : \(French.count(results.retained, "projet retenu", "projets retenus")) pour \((try? Money(cents: results.amountCents).formatted()) ?? "")."
                ]
                + (results.version == 1 ? [] : draft.changes.summary.map { "Changement : \($0)." })
            openDataRows = draft.subsidies.count
            faulty = draft.validation.issuesByLine.map {
                Faulty(line: $0.line, problems: $0.issues.map(\.message).joined(separator: " "))
            }
        } else {
            preview = []
            openDataRows = 0
            faulty = []
        }
        canPublish = check != nil && blocker == nil && faulty.isEmpty
        publishURL = SiteURL.publish(call.model.reference).path
        self.versions = versions.map { PublicationVersionRow($0, reference: call.model.reference) }
        files =
            versions.isEmpty
            ? [] : PublicationFileLink.all(call.model.reference, version: nil, simulated: call.model.simulated)
    }
}
