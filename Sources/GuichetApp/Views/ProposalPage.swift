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
    /// When the rules conflict: which ones and where, in the chair's words.
    let conflict: String?
    /// What the proposal shown instead relaxes (it is then the one adopted).
    let relaxation: String?
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
    /// The session is applied: nothing left to propose.
    let applied: Bool
    let minutesURL: String
    /// Per envelope: what the proposal grants and what it leaves.
    let byEnvelope: [EnvelopeTotal]
    /// How many dossiers each binding reason decided, in sentences.
    let reasons: [String]
    /// The dossier list is paginated: the page's window and links.
    let pageInfo: String
    let previousURL: String?
    let nextURL: String?

    struct EnvelopeTotal: Encodable {
        let label: String
        let count: Int
        let amount: String
        let left: String
    }

    /// Dossiers per page in the explained list (a national proposal explains 2 600).
    static let pageSize = 50

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
        applied = !session.isOpen
        minutesURL = SiteURL.committeeMinutes(id).path
        let themeLabels = Dictionary(
            board.call.call.themes.map { ($0.code, $0.label) }, uniquingKeysWith: { a, _ in a })
        guard let proposal else {
            status = ""
            conflict = nil
            relaxation = nil
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
            byEnvelope = []
            reasons = []
            pageInfo = ""
            previousURL = nil
            nextURL = nil
            return
        }
        // Conflicting rules: the page says which, then shows the proposal with them relaxed.
        conflict = proposal.result.conflict?.message
        let result = proposal.shown
        relaxation = proposal.result.relaxed.flatMap { _ in proposal.result.conflict?.relaxation }
        proven = result.provenOptimal
        status = ProposalText.status(result)
        let granted = result.grantedByID
        let total = granted.values.reduce(0, +)
        summary = "\(granted.count) dossier(s) retenu(s) pour \(Money.text(cents: total))."
        let scores = Dictionary(proposal.problem.dossiers.map { ($0.id, $0.score) }, uniquingKeysWith: { a, _ in a })
        let allLines = result.explanations.compactMap { explanation -> Line? in
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
        // The explained list comes a page at a time, the rules kept in each page's address.
        let pageCount = max(1, (allLines.count + Self.pageSize - 1) / Self.pageSize)
        let page = min(max(1, Int(input.value("page")) ?? 1), pageCount)
        let window = min((page - 1) * Self.pageSize, allLines.count)..<min(page * Self.pageSize, allLines.count)
        lines = Array(allLines[window])
        let path = SiteURL.committeeProposal(id).path
        let kept = input.fields.filter { !["page", "_csrf", "calculer"].contains($0.key) }.sorted { $0.key < $1.key }
        let link = { (number: Int) -> String in
            var components = URLComponents()
            components.path = path
            components.queryItems =
                kept.map { URLQueryItem(name: $0.key, value: $0.value) } + [URLQueryItem(name: "calculer", value: "1")]
                + (number > 1 ? [URLQueryItem(name: "page", value: String(number))] : [])
            return (components.string ?? path) + "#dossier-par-dossier"
        }
        pageInfo =
            allLines.isEmpty
            ? "Aucun dossier."
            : "Dossiers \(window.lowerBound + 1) à \(window.upperBound) sur \(allLines.count) (page \(page) sur \(pageCount)), les retenus d'abord"
        previousURL = page > 1 ? link(page - 1) : nil
        nextURL = page < pageCount ? link(page + 1) : nil
        reasons = Self.reasons(
            result.explanations,
            capped: proposal.advice.values.filter {
                if case .capped = $0 { return true }
                return false
            }.count)
        var perEnvelope: [String: (count: Int, cents: Int64)] = [:]
        let envelopeOf = Dictionary(
            proposal.problem.dossiers.map { ($0.id, $0.envelope) }, uniquingKeysWith: { a, _ in a })
        for (dossierID, cents) in granted {
            guard let envelope = envelopeOf[dossierID] else { continue }
            perEnvelope[envelope, default: (0, 0)].count += 1
            perEnvelope[envelope, default: (0, 0)].cents += cents
        }
        let candidateEnvelopes = Set(envelopeOf.values)
        byEnvelope = proposal.problem.envelopes.filter { candidateEnvelopes.contains($0.id) }.map { envelope in
            let taken = perEnvelope[envelope.id] ?? (0, 0)
            return EnvelopeTotal(
                label: envelope.id, count: taken.count, amount: Money.text(cents: taken.cents),
                left: Money.text(cents: envelope.remainingCents - taken.cents))
        }.sorted { $0.label < $1.label }
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
            && result.status != .infeasible && !result.selected.isEmpty
        hiddenFields =
            input.fields.filter { !["calculer", "_csrf", "page", "assouplir"].contains($0.key) }.sorted {
                $0.key < $1.key
            }
            .map { Hidden(name: $0.key, value: $0.value) }
            + (relaxation != nil ? [Hidden(name: "assouplir", value: "1")] : [])
    }

    /// The binding reasons counted, most frequent first, in the chair's words.
    static func reasons(_ explanations: [PortfolioExplanation], capped: Int) -> [String] {
        let counts = Dictionary(grouping: explanations, by: \.reason).mapValues(\.count)
        var sentences = counts.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }.map {
            "\($0.value) dossier(s) \(Self.reasonText($0.key))"
        }
        if capped > 0 {
            sentences.append("\(capped) dossier(s) plafonné(s) au montant proposé par l'instruction")
        }
        return sentences
    }

    static func reasonText(_ reason: PortfolioExplanation.Reason) -> String {
        switch reason {
        case .merit: "retenu(s) au mérite : leur note par euro leur fait une place dans l'enveloppe"
        case .partialAmount: "retenu(s) à montant partiel"
        case .forcedIn: "imposé(s) par la présidence"
        case .forcedOut: "écarté(s) à la demande de la présidence"
        case .unfavourableOpinion: "écarté(s) : avis défavorable de l'instruction"
        case .departementMinimum: "retenu(s) pour le minimum de projets par département"
        case .themeShareMin: "décidé(s) par la part minimale d'un thème"
        case .themeShareMax: "écarté(s) par la part maximale de leur thème"
        case .envelopeExhausted: "écarté(s) : l'enveloppe n'a plus la place"
        case .outranked: "écarté(s) : les dossiers retenus ont une meilleure note par euro"
        case .zeroScore: "écarté(s) : sans note"
        case .infeasible: "sans sélection possible : les règles se contredisent"
        case .noSolution: "sans sélection trouvée dans le temps imparti"
        }
    }
}
