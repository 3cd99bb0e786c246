import Foundation
import GuichetDomain
import Vapor

/// The proposal page: the chair's rules, then the optimal selection explained, and the what-if.
struct ProposalPage: Encodable {
    struct ThemeRule: Encodable {
        let code: String
        let label: String
        let min: String
        let max: String
    }

    struct Line: Encodable {
        let number: String
        let title: String
        let theme: String
        let territory: String
        let requested: String
        let score: String
        let selected: Bool
        let granted: String
        let reason: String
        let simulated: Bool
    }

    struct Total: Encodable {
        let label: String
        let count: Int
        let amount: String
        let share: String
    }

    let chrome: Chrome
    let csrf: String
    let title: String
    let sessionURL: String
    let formURL: String
    let themes: [ThemeRule]
    let budget: String
    let whatIf: String
    let minDept: String
    let floor: String
    let include: String
    let exclude: String
    let errors: [String]
    let computed: Bool
    let status: String
    let proven: Bool
    let summary: String
    let lines: [Line]
    let byTheme: [Total]
    let byTerritory: [Total]
    let whatIfSummary: String?
    let added: [String]
    let removed: [String]
    let changed: [String]
    let canAdopt: Bool
    /// The rules, posted again to adopt exactly what was shown.
    let hiddenFields: [Hidden]

    struct Hidden: Encodable {
        let name: String
        let value: String
    }

    init(
        _ req: Request, board: CommitteeBoard, user: UserModel, input: ProposalInput,
        proposal: PortfolioService.Proposal?,
        errors: [String: String]
    ) {
        let session = board.session
        let id = session.id ?? UUID()
        chrome = .make(req)
        csrf = chrome.csrf ?? ""
        title = session.title
        sessionURL = SiteURL.committeeSession(id).path
        formURL = SiteURL.committeeProposal(id).path
        themes = board.call.call.themes.map {
            ThemeRule(
                code: $0.code, label: $0.label, min: input.value("min_theme_\($0.code)"),
                max: input.value("max_theme_\($0.code)"))
        }
        budget = input.value("budget")
        whatIf = input.value("whatif")
        minDept = input.value("min_dept")
        floor = input.value("floor")
        include = input.value("inclure")
        exclude = input.value("exclure")
        self.errors = errors.sorted { $0.key < $1.key }.map(\.value)
        computed = proposal != nil
        let themeLabels = Dictionary(
            board.call.call.themes.map { ($0.code, $0.label) }, uniquingKeysWith: { a, _ in a })
        guard let proposal else {
            status = ""
            proven = false
            summary = ""
            lines = []
            byTheme = []
            byTerritory = []
            whatIfSummary = nil
            added = []
            removed = []
            changed = []
            canAdopt = false
            hiddenFields = []
            return
        }
        let result = proposal.result
        proven = result.provenOptimal
        status = ProposalText.status(result)
        let granted = result.grantedByID
        let total = granted.values.reduce(0, +)
        summary = "\(granted.count) dossier(s) retenu(s) pour \(Money.text(cents: total))."
        let scores = Dictionary(proposal.problem.dossiers.map { ($0.id, $0.score) }, uniquingKeysWith: { a, _ in a })
        lines = result.explanations.compactMap { explanation in
            guard let dossier = proposal.dossiers[explanation.id] else { return nil }
            return Line(
                number: explanation.id, title: dossier.title,
                theme: themeLabels[dossier.themeCode] ?? dossier.themeCode,
                territory: QueuePage.groupLabel(dossier.instructorGroup ?? ""),
                requested: Money.text(cents: dossier.requestedCents),
                score: QueuePage.scoreText(scores[explanation.id] ?? 0), selected: explanation.selected,
                granted: Money.text(cents: granted[explanation.id] ?? 0), reason: explanation.detail,
                simulated: dossier.simulated)
        }.sorted { ($0.selected ? 0 : 1, $1.score) < ($1.selected ? 0 : 1, $0.score) }
        func totals(_ key: (DossierModel) -> String) -> [Total] {
            var grouped: [String: (Int, Int64)] = [:]
            for (dossierID, cents) in granted {
                guard let dossier = proposal.dossiers[dossierID] else { continue }
                let k = key(dossier)
                grouped[k] = ((grouped[k]?.0 ?? 0) + 1, (grouped[k]?.1 ?? 0) + cents)
            }
            return grouped.sorted { $0.key < $1.key }.map {
                Total(
                    label: $0.key, count: $0.value.0, amount: Money.text(cents: $0.value.1),
                    share: total == 0
                        ? "—"
                        : String(format: "%.1f %%", Double($0.value.1) * 100 / Double(total)).replacingOccurrences(
                            of: ".", with: ","))
            }
        }
        byTheme = totals { themeLabels[$0.themeCode] ?? $0.themeCode }
        byTerritory = totals { QueuePage.groupLabel($0.instructorGroup ?? "") }
        if let comparison = proposal.comparison {
            let after = comparison.after.selected.reduce(0) { $0 + $1.grantedCents }
            whatIfSummary =
                "Avec \(Money.text(cents: proposal.whatIfCents ?? 0)) : \(comparison.after.selected.count) dossier(s) pour \(Money.text(cents: after)) ; \(ProposalText.status(comparison.after))"
            func describe(_ id: String) -> String { "\(id) — \(proposal.dossiers[id]?.title ?? "")" }
            added = comparison.added.map(describe)
            removed = comparison.removed.map(describe)
            changed = comparison.amountChanges.map {
                "\(describe($0.id)) : \(Money.text(cents: $0.beforeCents)) → \(Money.text(cents: $0.afterCents))"
            }
        } else {
            whatIfSummary = nil
            added = []
            removed = []
            changed = []
        }
        let userID = user.id
        canAdopt =
            session.isOpen && session.members.contains { $0.$user.id == userID && $0.present }
            && result.status != .infeasible
        hiddenFields = input.fields.filter { $0.key != "calculer" && $0.key != "_csrf" }.sorted { $0.key < $1.key }
            .map { Hidden(name: $0.key, value: $0.value) }
    }
}
