import Foundation
import GuichetDomain
import Vapor

/// `guichet report [--call <id|reference>] [--json] [--all-waves]`: a call's results in the press
/// kit's structure, as text or as the API's JSON.
struct ReportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "call", help: "Identifiant ou référence de l'appel (par défaut : le plus récent).")
        var call: String?
        @Flag(name: "json", help: "Écrit le JSON de l'API (/api/v1/calls/{id}/results) au lieu du texte.")
        var json: Bool
        @Flag(name: "all-waves", help: "Inclut les vagues non publiées (usage interne).")
        var allWaves: Bool
    }

    var help: String {
        "Affiche les résultats d'un appel dans la structure du dossier de presse (texte, ou JSON avec --json)."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.migrateDatabase()
        let repository = CallRepository(database: app.db)
        let model: CallModel
        if let key = signature.call {
            model = try await repository.find(key)
        } else if let latest = try await repository.defaultCall() {
            model = latest
        } else {
            throw AppError.notFound("no_call", "Aucun appel à projets dans la base : lancez `guichet demo`.")
        }
        let results = try await ResultsService(database: app.db)
            .results(repository.load(model), publishedOnly: !signature.allWaves)
        if signature.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(ResultsDTO(results))
            context.console.output(String(decoding: data, as: UTF8.self), style: .plain)
        } else {
            context.console.output(TextReport.render(results), style: .plain)
        }
    }
}

/// The results as plain text, in the press kit's structure.
enum TextReport {
    static func render(_ results: CallResults) -> String {
        let page = ResultsPage(results, chrome: .anonymous(AppConfiguration(database: .sqliteMemory)))
        var lines: [String] = [page.callTitle, page.programme, ""]
        if let notice = page.simulatedNotice { lines += ["⚠ \(notice)", ""] }
        lines.append("Appel à projets ouvert en \(page.opening), dossiers pris en compte jusqu'au \(page.deadline).")
        lines.append("\(page.filed) ; \(page.retainedSummary).")
        for wave in page.waves {
            lines += ["", "== \(wave.title) : \(wave.summary)"]
            for theme in wave.themes {
                lines += ["", theme.title, "\(theme.count) (\(theme.amount))"]
                for group in theme.groups {
                    lines += ["", "\(group.heading) :"]
                    for laureate in group.laureates {
                        let marker = laureate.simulated ? " (montant simulé)" : ""
                        lines.append("- \(laureate.title) — \(laureate.carrier) — \(laureate.amount)\(marker)")
                        lines.append("  \(laureate.description)")
                    }
                }
            }
        }
        for pending in page.pendingWaves { lines += ["", pending] }
        lines += ["", "Par thématique (déposés / retenus / montant) :"]
        lines += page.themeRows.map { "- \($0.label) : \($0.filed) / \($0.retained) / \($0.amount)" }
        lines += ["", "Par territoire (déposés / retenus / montant) :"]
        lines += page.territoryRows.map { "- \($0.label) : \($0.filed) / \($0.retained) / \($0.amount)" }
        lines += ["", "Enveloppes (initiale / en vigueur / engagée / restante) :"]
        for row in page.envelopeRows {
            lines.append(
                "\(String(repeating: "  ", count: row.depth))- \(row.label) : \(row.initial) / \(row.current) / \(row.committed) / \(row.remaining)"
            )
            lines += row.revisions.map { "\(String(repeating: "  ", count: row.depth))  révision du \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}
