import Foundation
import GuichetDomain
import Vapor

/// The confirmation before a session's decisions are applied: what the wave will decide, what it
/// leaves in each envelope, and who will be told by mail — then one ticked box and one button.
///
/// Applying is definitive (decisions, envelopes, mails), so it is never one click from the board:
/// the chair reads the totals first. The page is computed from the same board as the meeting's,
/// so its figures are the board's.
struct ApplyWavePage: Encodable {
    struct EnvelopeLine: Encodable {
        let label: String
        let count: Int
        let amount: String
        let remainingAfter: String
        let over: Bool
    }

    let chrome: Chrome
    let csrf: String
    let title: String
    let sessionURL: String
    let applyURL: String
    let retainedCount: Int
    let retainedAmount: String
    let waitingCount: Int
    let rejectedCount: Int
    let stagedCount: Int
    let envelopes: [EnvelopeLine]
    let overBudget: Bool
    let mailedCount: Int
    let unreachable: [String]
    let simulatedCount: Int
    /// Why the form is not offered, when it is not.
    let blocked: String?

    init(_ req: Request, board: CommitteeBoard, user: UserModel, membersOf: Set<UUID>) {
        let session = board.session
        let id = session.id ?? UUID()
        chrome = .make(req)
        csrf = chrome.csrf ?? ""
        title = session.title
        sessionURL = SiteURL.committeeSession(id).path
        applyURL = SiteURL.committeeApplication(id).path
        let staged = board.rows.filter { $0.staged != nil }
        stagedCount = staged.count
        let retained = staged.filter { $0.staged?.outcome == "retained" }
        retainedCount = retained.count
        retainedAmount = Money.text(cents: retained.reduce(0) { $0 + ($1.staged?.grantedCents ?? 0) })
        waitingCount = staged.filter { $0.staged?.outcome == "waiting_list" }.count
        rejectedCount = staged.filter { $0.staged?.outcome == "rejected" }.count
        // Per envelope: the board's running total after its last row is what the wave commits.
        var lastRow: [UUID: CommitteeBoard.Row] = [:]
        var counts: [UUID: Int] = [:]
        for row in retained {
            lastRow[row.envelope.id] = row
            counts[row.envelope.id, default: 0] += 1
        }
        for row in board.rows where lastRow[row.envelope.id] != nil { lastRow[row.envelope.id] = row }
        envelopes = lastRow.values.map { row in
            EnvelopeLine(
                label: row.envelope.label, count: counts[row.envelope.id] ?? 0,
                amount: row.runningTotal.formatted(), remainingAfter: row.remainingAfter.formatted(),
                over: row.overBudget)
        }.sorted { $0.label < $1.label }
        overBudget = envelopes.contains(where: \.over)
        mailedCount = staged.filter { membersOf.contains($0.dossier.$organisation.id) }.count
        unreachable = staged.filter { !membersOf.contains($0.dossier.$organisation.id) }
            .map { $0.dossier.number ?? $0.dossier.title }.sorted()
        simulatedCount = staged.filter(\.dossier.simulated).count
        let userID = user.id
        if !session.isOpen {
            blocked = "Les décisions de cette séance sont déjà appliquées."
        } else if !session.members.contains(where: { $0.$user.id == userID && $0.isChair }) {
            blocked = "Seule la présidence de la séance applique ses décisions."
        } else if staged.isEmpty {
            blocked = "Aucune décision n'est préparée dans cette séance : préparez-les depuis le tableau de séance."
        } else {
            blocked = nil
        }
    }
}
