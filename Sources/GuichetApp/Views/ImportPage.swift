import Foundation
import GuichetDomain
import Vapor

/// The import page: the documented columns, the upload form, and the last file's report.
struct ImportPage: Encodable {
    enum Outcome {
        case done(ImportService.Summary, fileName: String)
        case refused(ImportReport, fileName: String, dryRun: Bool)
        case unreadable(String)
    }

    struct Column: Encodable {
        let header: String
        let required: String
        let description: String
        let example: String
        let aliases: String
    }

    struct Faulty: Encodable {
        let line: Int
        let problems: [String]
    }

    let chrome: Chrome
    let csrf: String
    let callTitle: String
    let action: String
    let columns: [Column]
    let acceptsDecisions: Bool
    let success: String?
    let refusal: String?
    let faulty: [Faulty]

    init(_ req: Request, call: LoadedCall, outcome: Outcome?, acceptsDecisions: Bool) {
        chrome = .make(req)
        csrf = chrome.csrf ?? ""
        callTitle = call.model.title
        action = SiteURL.importDossiers(call.model.reference).path
        self.acceptsDecisions = acceptsDecisions
        columns = ImportColumns.all.filter { acceptsDecisions || !$0.field.isDecision }.map { column in
            let required: String
            switch column.requirement {
            case .required: required = "obligatoire"
            case .optional: required = "facultative"
            case .requiredWithDecisions: required = "obligatoire avec une décision"
            }
            return Column(
                header: column.header, required: required, description: column.description, example: column.example,
                aliases: column.aliases.joined(separator: ", "))
        }
        switch outcome {
        case .done(let summary, let fileName)?:
            let what = summary.text
            success =
                summary.dryRun
                ? "« \(fileName) » est correct : \(what) seraient importés. Rien n'a été importé ; choisissez « Importer » pour le charger."
                : "« \(fileName) » est importé : \(what)."
            refusal = nil
            faulty = []
        case .refused(let report, let fileName, let dryRun)?:
            success = nil
            refusal =
                "« \(fileName) » : \(French.count(report.faultyLines.count, "ligne en défaut", "lignes en défaut")) sur \(report.rowsRead). "
                + (dryRun ? "Rien n'est importé." : "Rien n'a été importé : l'import se fait en entier ou pas du tout.")
            faulty = report.issuesByLine.map { Faulty(line: $0.line, problems: $0.issues.map(\.message)) }
        case .unreadable(let message)?:
            success = nil
            refusal = message
            faulty = []
        case nil:
            success = nil
            refusal = nil
            faulty = []
        }
    }
}

/// `/admin/import/{call}/suivi/{job}`: a background import's progress, then its outcome.
struct ImportJobPage: Encodable {
    let chrome: Chrome
    let callTitle: String
    let fileName: String
    let running: Bool
    let progress: String
    let success: String?
    let refusal: String?
    let faulty: [ImportPage.Faulty]
    let backURL: String

    init(_ req: Request, call: LoadedCall, job: ImportJobModel) {
        chrome = .make(req)
        callTitle = call.model.title
        fileName = job.fileName
        let status = ImportJobModel.Status(rawValue: job.status) ?? .failed
        running = status == .running
        let percent = job.total > 0 ? min(100, job.processed * 100 / job.total) : 0
        progress =
            running
            ? "\(job.processed) ligne(s) vérifiée(s) sur \(job.total) (\(percent) %)\(job.processed >= job.total && job.total > 0 ? " ; écriture en cours" : "")."
            : "Terminé le \(job.finishedAt.map(ParisTime.longDateTime) ?? "")."
        switch status {
        case .running:
            success = nil
            refusal = nil
            faulty = []
        case .done:
            success =
                job.dryRun
                ? "« \(job.fileName) » est correct : \(job.outcome ?? "") seraient importés. Rien n'a été importé."
                : "« \(job.fileName) » est importé : \(job.outcome ?? "")."
            refusal = nil
            faulty = []
        case .refused:
            let rows =
                (try? JSONDecoder().decode([ImportJobs.Faulty].self, from: Data((job.outcome ?? "[]").utf8))) ?? []
            success = nil
            refusal =
                "« \(job.fileName) » : \(French.count(rows.count, "ligne en défaut", "lignes en défaut")) sur \(job.total). Rien n'a été importé."
            faulty = rows.map { ImportPage.Faulty(line: $0.line, problems: $0.problems) }
        case .failed:
            success = nil
            refusal = job.outcome
            faulty = []
        }
        backURL = SiteURL.importDossiers(call.model.reference).path
    }
}
