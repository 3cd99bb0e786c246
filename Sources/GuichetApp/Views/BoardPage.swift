import Foundation
import GuichetDomain
import Vapor

/// A session's board: attendance, envelopes, the ranked dossiers with their staged decisions.
struct BoardPage: Encodable {
    struct Member: Encodable {
        let id: String
        let name: String
        let isChair: Bool
        let present: Bool
    }

    struct EnvelopeRow {
        let label: String
        let depth: Int
        let current: String
        let committed: String
        let proposed: String
        let remainingAfter: String
        let over: Bool
    }

    /// A ranked dossier's line, written by ``rowsHTML(_:form:)``.
    struct Row {
        let id: String
        let rank: Int
        let number: String
        let title: String
        let organisation: String
        let theme: String
        let territory: String
        let requested: String
        let score: String
        let opinion: String
        let staged: String?
        let runningTotal: String
        let remainingAfter: String
        let over: Bool
        let recused: String?
        let simulated: Bool
        let amount: String
        let outcome: String
        let motive: String
    }

    let chrome: Chrome
    let csrf: String
    let title: String
    let call: String
    let wave: String
    let heldOn: String
    let scope: String
    let open: Bool
    let quorum: Int
    let deliberation: String
    let canDeliberate: Bool
    let members: [Member]
    let canTakeAttendance: Bool
    let canStage: Bool
    let canApply: Bool
    /// The session's envelope lines, written by ``envelopesHTML(_:)`` (a national session has 130).
    let envelopesHTML: String
    /// The ranked dossiers of this page, written by ``rowsHTML(_:form:)``.
    let rowsHTML: String
    /// The filters' `<option>` elements (a national session offers 130 territories).
    let themeOptionsHTML: String
    let territoryOptionsHTML: String
    let recusals: [String]
    let attendanceURL: String
    let stageURL: String
    let unstageURL: String
    let applyURL: String
    let minutesURL: String
    let proposalURL: String
    let filterURL: String
    let stagedCount: Int
    /// The ranked dossiers counted on every page; this page shows a slice of them.
    let total: Int
    let pageInfo: String
    let previousURL: String?
    let nextURL: String?
    /// This page's address, filters included, so that staging returns here.
    let currentURL: String

    /// Rows shown per page. The running total is computed over the whole ranking, so a page shows
    /// the same cumulative amounts as the full list; rendering every row of a national session
    /// (about 2 000 forms) took over a second (docs/BENCHMARKS.md). Fifty rows, each with its
    /// decision form, keep the page within a few screens at 1 280 px (a hundred made it 7 600 px
    /// tall) and halve what each view renders.
    static let perPage = 50

    init(
        _ req: Request, board: CommitteeBoard.Page, user: UserModel, names: [UUID: String], theme: String?,
        territory: String?
    ) {
        let session = board.session
        let id = session.id ?? UUID()
        chrome = .make(req)
        csrf = chrome.csrf ?? ""
        title = session.title
        call = board.call.model.title
        wave = board.call.waves.first { $0.id == session.$wave.id }?.label ?? ""
        heldOn = ParisTime.longDate(session.heldOn)
        scope = QueuePage.groupLabel(session.scope)
        open = session.isOpen
        quorum = session.quorum
        let userID = user.id
        members = session.members.map { member in
            Member(
                id: member.$user.id.uuidString.lowercased(), name: names[member.$user.id] ?? "",
                isChair: member.isChair, present: member.present)
        }.sorted { ($0.isChair ? 0 : 1, $0.name) < ($1.isChair ? 0 : 1, $1.name) }
        let present = session.members.filter(\.present)
        let chairPresent = present.contains(where: \.isChair)
        canDeliberate = chairPresent && present.count >= session.quorum
        deliberation =
            canDeliberate
            ? "Le comité peut délibérer : \(present.count) présent(s), quorum de \(session.quorum), présidence présente."
            : "Le comité ne peut pas encore délibérer : \(present.count) présent(s) pour un quorum de \(session.quorum)\(chairPresent ? "" : ", présidence absente")."
        let isChair = session.members.contains { $0.$user.id == userID && $0.isChair }
        canTakeAttendance = open && (isChair || user.role == Role.administrator.rawValue)
        canStage = open && session.members.contains { $0.$user.id == userID && $0.present }
        canApply = open && isChair
        let scopeLines = Set(
            board.statement.lines.filter { $0.envelope.drawCode.map(board.drawCodes.contains) ?? false }.map(
                \.envelope.id))
        // The session's envelopes and their parents (a national session lists about 130 lines).
        let parents = Set(
            board.statement.lines.filter { scopeLines.contains($0.envelope.id) }.compactMap(\.envelope.parentID))
        envelopesHTML = Self.envelopesHTML(
            board.statement.lines.filter { line in
                scopeLines.contains(line.envelope.id) || parents.contains(line.envelope.id)
            }.map { line in
                EnvelopeRow(
                    label: line.envelope.label, depth: line.depth, current: line.envelope.currentAmount.formatted(),
                    committed: line.committed.formatted(), proposed: line.proposed.formatted(),
                    remainingAfter: line.remainingAfterProposals.formatted(), over: line.isOverProposed)
            })
        let themeLabels = Dictionary(
            board.call.call.themes.map { ($0.code, $0.label) }, uniquingKeysWith: { a, _ in a })
        total = board.total
        let rows = board.rows.map { row in
            let opinion =
                row.opinion.map { o in
                    "\(OpinionKind(rawValue: o.kind)?.label ?? o.kind), \(Money.text(cents: o.proposedCents))"
                } ?? "—"
            let staged = row.staged.flatMap { try? CommitteeService.describe($0.domainOutcome()) }
            let defaultAmount =
                row.staged.flatMap { $0.outcome == "retained" ? $0.grantedCents : nil } ?? row.opinion?.proposedCents
                ?? row.requested.cents
            return Row(
                id: row.id.uuidString.lowercased(), rank: row.rank, number: row.number ?? "", title: row.title,
                organisation: row.organisation, theme: themeLabels[row.themeCode] ?? row.themeCode,
                territory: QueuePage.groupLabel(row.instructorGroup ?? ""), requested: row.requested.formatted(),
                score: row.score.map { QueuePage.scoreText($0.score) + " (±\(QueuePage.scoreText($0.spread)))" } ?? "—",
                opinion: opinion, staged: staged, runningTotal: row.runningTotal.formatted(),
                remainingAfter: row.remainingAfter.formatted(), over: row.overBudget,
                recused: row.recused.isEmpty ? nil : row.recused.joined(separator: ", "),
                simulated: row.simulated,
                amount: ((try? Money(cents: defaultAmount)) ?? .zero).decimalString(separator: ","),
                outcome: row.staged?.outcome ?? "retained", motive: row.staged?.motive ?? "")
        }
        stagedCount = board.stagedCount
        themeOptionsHTML = HTMLWriter.options(
            [(value: "", label: "Toutes", selected: (theme ?? "").isEmpty)]
                + board.call.call.themes.map { (value: $0.code, label: $0.label, selected: $0.code == theme) })
        let groups = Set(board.groups).union([territory].compactMap { $0 }.filter { !$0.isEmpty })
        territoryOptionsHTML = HTMLWriter.options(
            [(value: "", label: "Tous", selected: (territory ?? "").isEmpty)]
                + groups.sorted().map { (value: $0, label: QueuePage.groupLabel($0), selected: $0 == territory) })
        recusals = board.recusals.map { "\($0.member) : \($0.dossiers.joined(separator: ", "))" }
        let (page, pageCount) = (board.page, board.pageCount)
        let window = board.offset..<(board.offset + board.rows.count)
        let base = SiteURL.committeeSession(id).path
        attendanceURL = SiteURL.committeeAttendance(id).path
        stageURL = SiteURL.committeeDecisions(id).path
        unstageURL = SiteURL.committeeDecisionWithdrawal(id).path
        applyURL = SiteURL.committeeApplication(id).path
        minutesURL = SiteURL.committeeMinutes(id).path
        proposalURL = SiteURL.committeeProposal(id).path
        filterURL = base
        func link(_ number: Int) -> String {
            var items: [URLQueryItem] = []
            if let theme, !theme.isEmpty { items.append(URLQueryItem(name: "theme", value: theme)) }
            if let territory, !territory.isEmpty { items.append(URLQueryItem(name: "territoire", value: territory)) }
            if number > 1 { items.append(URLQueryItem(name: "page", value: String(number))) }
            var components = URLComponents()
            components.path = base
            components.queryItems = items.isEmpty ? nil : items
            return components.string ?? base
        }
        pageInfo =
            total == 0
            ? "Aucun dossier."
            : "Dossiers \(window.lowerBound + 1) à \(window.upperBound) sur \(total) (page \(page) sur \(pageCount))"
        previousURL = page > 1 ? link(page - 1) : nil
        nextURL = page < pageCount ? link(page + 1) : nil
        currentURL = link(page)
        rowsHTML = Self.rowsHTML(
            rows,
            form: canStage
                ? StagingForm(csrf: csrf, stageURL: stageURL, unstageURL: unstageURL, returnURL: currentURL) : nil)
    }

    /// The envelope lines: label, amount in force, committed, proposed, what remains after the
    /// proposals (flagged when overspent).
    static func envelopesHTML(_ lines: [EnvelopeRow]) -> String {
        var w = HTMLWriter(capacity: lines.count * 260)
        for e in lines {
            w.raw("<tr><th scope=\"row\">")
            w.text(e.label)
            w.raw("</th><td class=\"money\">")
            w.text(e.current)
            w.raw("</td><td class=\"money\">")
            w.text(e.committed)
            w.raw("</td><td class=\"money\">")
            w.text(e.proposed)
            w.raw("</td><td class=\"money\">")
            w.text(e.remainingAfter)
            if e.over {
                w.raw(" <span class=\"fr-badge fr-badge--sm fr-badge--error fr-badge--no-icon\">dépassement</span>")
            }
            w.raw("</td></tr>")
        }
        return w.html
    }

    /// What a present member's staging form posts besides the row's own fields.
    struct StagingForm {
        let csrf: HTMLWriter.Escaped
        let stageURL: HTMLWriter.Escaped
        let unstageURL: HTMLWriter.Escaped
        let returnURL: HTMLWriter.Escaped

        /// The values are escaped once for the page's hundred forms.
        init(csrf: String, stageURL: String, unstageURL: String, returnURL: String) {
            self.csrf = HTMLWriter.Escaped(csrf)
            self.stageURL = HTMLWriter.Escaped(stageURL)
            self.unstageURL = HTMLWriter.Escaped(unstageURL)
            self.returnURL = HTMLWriter.Escaped(returnURL)
        }
    }

    /// The board's rows: rank, dossier, theme, territory, amount asked, score, the instruction's
    /// opinion, the staged decision, the running total and what remains in the envelope, and for a
    /// present member of an open session the form that stages (or withdraws) a decision.
    static func rowsHTML(_ rows: [Row], form: StagingForm?) -> String {
        var w = HTMLWriter(capacity: rows.count * (form == nil ? 700 : 2_400))
        for r in rows {
            w.raw(r.over ? "<tr class=\"over\">\n    <td>" : "<tr>\n    <td>")
            w.text(r.rank)
            w.raw("</td>\n    <th scope=\"row\">")
            w.text(r.number)
            w.raw(" — ")
            w.text(r.title)
            if r.simulated {
                w.raw(" ")
                w.raw(HTMLWriter.simulatedBadge)
            }
            w.raw("<br><small>")
            w.text(r.organisation)
            w.raw("</small>")
            if let recused = r.recused {
                w.raw("<br><small>Déport : ")
                w.text(recused)
                w.raw("</small>")
            }
            w.raw("</th>\n    <td>")
            w.text(r.theme)
            w.raw("</td><td>")
            w.text(r.territory)
            w.raw("</td><td class=\"money\">")
            w.text(r.requested)
            w.raw("</td><td>")
            w.text(r.score)
            w.raw("</td><td>")
            w.text(r.opinion)
            w.raw("</td>\n    <td>")
            w.text(r.staged ?? "—")
            w.raw("</td><td class=\"money\">")
            w.text(r.runningTotal)
            w.raw("</td><td class=\"money\">")
            w.text(r.remainingAfter)
            if r.over {
                w.raw(" <span class=\"fr-badge fr-badge--sm fr-badge--error fr-badge--no-icon\">dépassé</span>")
            }
            w.raw("</td>")
            if let form { stagingForm(r, form, into: &w) }
            w.raw("\n  </tr>")
        }
        return w.html
    }

    private static func stagingForm(_ r: Row, _ form: StagingForm, into w: inout HTMLWriter) {
        let id = HTMLWriter.Escaped(r.id)
        w.raw("\n    <td>\n      <form method=\"post\" action=\"")
        w.text(form.stageURL)
        w.raw("\" class=\"stage\">\n        <input type=\"hidden\" name=\"_csrf\" value=\"")
        w.text(form.csrf)
        w.raw("\"><input type=\"hidden\" name=\"dossier\" value=\"")
        w.text(id)
        w.raw("\"><input type=\"hidden\" name=\"retour\" value=\"")
        w.text(form.returnURL)
        w.raw("\">\n        <label class=\"fr-label\" for=\"outcome-")
        w.text(id)
        w.raw("\">Décision</label>\n        <select id=\"outcome-")
        w.text(id)
        w.raw("\" name=\"outcome\" class=\"fr-select\">")
        let outcomes: [(String, HTMLWriter.Markup)] = [
            ("retained", "Retenu"), ("waiting_list", "Liste d'attente"), ("rejected", "Rejeté"),
        ]
        for (value, label) in outcomes {
            w.raw("<option value=\"")
            w.text(value)
            w.raw(r.outcome == value ? "\" selected>" : "\">")
            w.raw(label)
            w.raw("</option>")
        }
        w.raw("</select>\n        <label class=\"fr-label\" for=\"amount-")
        w.text(id)
        w.raw("\">Montant accordé (€)</label><input class=\"fr-input\" id=\"amount-")
        w.text(id)
        w.raw("\" name=\"amount\" type=\"text\" inputmode=\"decimal\" size=\"10\" value=\"")
        w.text(r.amount)
        w.raw("\">\n        <label class=\"fr-label\" for=\"motive-")
        w.text(id)
        w.raw("\">Motif (si rejet)</label><input class=\"fr-input\" id=\"motive-")
        w.text(id)
        w.raw("\" name=\"motive\" type=\"text\" value=\"")
        w.text(r.motive)
        w.raw(
            "\">\n        <button type=\"submit\" class=\"fr-btn fr-btn--sm\">Préparer</button>\n      </form>\n      ")
        if r.staged != nil {
            w.raw("<form method=\"post\" action=\"")
            w.text(form.unstageURL)
            w.raw("\"><input type=\"hidden\" name=\"_csrf\" value=\"")
            w.text(form.csrf)
            w.raw("\"><input type=\"hidden\" name=\"retour\" value=\"")
            w.text(form.returnURL)
            w.raw("\"><input type=\"hidden\" name=\"dossier\" value=\"")
            w.text(id)
            w.raw(
                "\"><button type=\"submit\" class=\"fr-btn fr-btn--sm fr-btn--tertiary-no-outline\">Retirer la décision préparée</button></form>"
            )
        }
        w.raw("\n    </td>")
    }
}
