import Foundation
import GuichetDomain
import Vapor

/// A decision letter, printable: to the organisation, from the committee, with the outcome.
struct LetterPage: Encodable {
    let chrome: Chrome
    let programme: String
    let callTitle: String
    let date: String
    let organisation: String
    let address: [String]
    let object: String
    let paragraphs: [String]
    let signature: String
    let simulated: Bool
    /// A staged decision not yet applied: the letter is a draft.
    let draft: Bool
    let backURL: String

    init(
        _ req: Request, call: LoadedCall, dossier: DossierModel, organisation: OrganisationModel,
        outcome: DecisionOutcome,
        wave: String, decidedAt: Date, signedBy: String, simulated: Bool, draft: Bool, backURL: String
    ) {
        chrome = .make(req)
        programme = call.model.programme
        callTitle = call.model.title
        date = ParisTime.longDate(decidedAt)
        self.organisation = organisation.name
        address = [
            organisation.address, [organisation.postcode, organisation.city].compactMap { $0 }.joined(separator: " "),
        ]
        .compactMap { $0 }.filter { !$0.isEmpty }
        object = "Décision sur votre demande de subvention — dossier \(dossier.number ?? "") « \(dossier.title) »"
        let requested = Money.text(cents: dossier.requestedCents)
        var body = [
            "Madame, Monsieur,",
            "Vous avez déposé le dossier « \(dossier.title) » en réponse à l'appel à projets « \(call.model.title) », pour un montant demandé de \(requested).",
        ]
        switch outcome {
        case .retained(let amount):
            body.append(
                "Le comité de sélection, réuni pour la \(wave.lowercased()), a retenu votre projet et vous accorde une subvention de \(amount.formatted())."
            )
            body.append(
                "Une convention précisant les conditions de versement et le compte rendu attendu vous sera adressée prochainement."
            )
        case .waitingList:
            body.append(
                "Le comité de sélection, réuni pour la \(wave.lowercased()), a placé votre projet sur liste d'attente. Il pourra être retenu lors d'une vague suivante, dans la limite des crédits disponibles ; vous en serez informé."
            )
        case .rejected(let motive):
            body.append(
                "Le comité de sélection, réuni pour la \(wave.lowercased()), n'a pas retenu votre projet, pour le motif suivant : \(motive)"
            )
            body.append(
                "Cette décision peut faire l'objet d'un recours gracieux auprès du service instructeur, ou d'un recours contentieux devant le tribunal administratif, dans un délai de deux mois."
            )
        }
        body.append("Je vous prie d'agréer, Madame, Monsieur, l'expression de mes salutations distinguées.")
        paragraphs = body
        signature = signedBy
        self.simulated = simulated
        self.draft = draft
        self.backURL = backURL
    }
}

/// The minutes of a session: members, recusals, decisions, totals per theme and territory.
struct MinutesPage: Encodable {
    struct Line: Encodable {
        let number: String
        let title: String
        let organisation: String
        let theme: String
        let territory: String
        let outcome: String
        let amount: String
        let simulated: Bool
    }

    struct Total: Encodable {
        let label: String
        let count: Int
        let amount: String
    }

    let chrome: Chrome
    let title: String
    let call: String
    let wave: String
    let heldOn: String
    let scope: String
    let quorum: Int
    let present: String
    let absent: String
    let recusals: [String]
    let lines: [Line]
    let byTheme: [Total]
    let byTerritory: [Total]
    let retainedCount: Int
    let retainedAmount: String
    let draft: Bool
    let appliedAt: String?
    let backURL: String

    init(_ req: Request, board: CommitteeBoard, names: [UUID: String], decisions: [(DossierModel, DecisionOutcome)]) {
        let session = board.session
        chrome = .make(req)
        title = session.title
        call = board.call.model.title
        wave = board.call.waves.first { $0.id == session.$wave.id }?.label ?? ""
        heldOn = ParisTime.longDate(session.heldOn)
        scope = QueuePage.groupLabel(session.scope)
        quorum = session.quorum
        func name(_ member: CommitteeMemberModel) -> String {
            (names[member.$user.id] ?? "") + (member.isChair ? " (présidence)" : "")
        }
        let here = session.members.filter(\.present).map(name).sorted()
        let away = session.members.filter { !$0.present }.map(name).sorted()
        present = here.isEmpty ? "aucun" : here.joined(separator: ", ")
        absent = away.isEmpty ? "aucun" : away.joined(separator: ", ")
        recusals = board.recusals.map { "\($0.member) : \($0.dossiers.joined(separator: ", "))" }
        let themes = Dictionary(board.call.call.themes.map { ($0.code, $0.label) }, uniquingKeysWith: { a, _ in a })
        lines = decisions.map { dossier, outcome in
            Line(
                number: dossier.number ?? "", title: dossier.title, organisation: dossier.organisation.name,
                theme: themes[dossier.themeCode] ?? dossier.themeCode,
                territory: QueuePage.groupLabel(dossier.instructorGroup ?? ""),
                outcome: CommitteeService.describe(outcome), amount: outcome.grantedAmount.formatted(),
                simulated: dossier.simulated)
        }
        func totals(_ key: (DossierModel) -> String) -> [Total] {
            var grouped: [String: (Int, Int64)] = [:]
            for (dossier, outcome) in decisions {
                guard case .retained(let amount) = outcome else { continue }
                let k = key(dossier)
                grouped[k] = ((grouped[k]?.0 ?? 0) + 1, (grouped[k]?.1 ?? 0) + amount.cents)
            }
            return grouped.sorted { $0.key < $1.key }.map {
                Total(label: $0.key, count: $0.value.0, amount: Money.text(cents: $0.value.1))
            }
        }
        byTheme = totals { themes[$0.themeCode] ?? $0.themeCode }
        byTerritory = totals { QueuePage.groupLabel($0.instructorGroup ?? "") }
        let retained = decisions.compactMap { if case .retained(let amount) = $0.1 { amount.cents } else { nil } }
        retainedCount = retained.count
        retainedAmount = Money.text(cents: retained.reduce(0, +))
        draft = session.isOpen
        appliedAt = session.appliedAt.map(ParisTime.longDateTime)
        backURL = SiteURL.committeeSession(session.id ?? UUID()).path
    }
}

/// The envelope tree with, per wave, committed amounts, proposals and what remains.
struct EnvelopesPage: Encodable {
    struct Row: Encodable {
        let id: String
        let label: String
        let indent: String
        let initial: String
        let current: String
        let waves: [String]
        let committed: String
        let proposed: String
        let remaining: String
        let remainingAfter: String
        let over: Bool
        let revisions: [String]
        /// After the decision: paid, left to pay, claimed back (returned to the room).
        let paid: String
        let leftToPay: String
        let recovered: String
    }

    let chrome: Chrome
    let csrf: String
    let call: String
    let waves: [String]
    let rows: [Row]
    let revisionURL: String?
    let waveURL: String
    let today: String

    init(_ req: Request, call: LoadedCall, statement: EnvelopeStatement, canRevise: Bool) {
        chrome = .make(req)
        csrf = chrome.csrf ?? ""
        self.call = call.model.title
        waves = statement.waves.map { $0.label + ($0.publishedAt == nil ? " (ouverte)" : " (publiée)") }
        rows = statement.lines.map { line in
            Row(
                id: line.envelope.id.uuidString.lowercased(), label: line.envelope.label,
                indent: String(repeating: "— ", count: line.depth),
                initial: line.envelope.initialAmount.formatted(), current: line.envelope.currentAmount.formatted(),
                waves: statement.waves.map { wave in
                    guard let f = line.byWave[wave.number] else { return "—" }
                    let grants =
                        f.paid == .zero && f.recovered == .zero
                        ? ""
                        : " ; versé \(f.paid.formatted()) ; reste à verser \(f.leftToPay.formatted()) ; reversé \(f.recovered.formatted())"
                    return
                        "en vigueur \(f.amountInForce.formatted()) ; engagé \(f.committed.formatted()) ; proposé \(f.proposed.formatted()) ; reste \(f.remaining.formatted())"
                        + grants
                },
                committed: line.committed.formatted(), proposed: line.proposed.formatted(),
                remaining: line.remaining.formatted(),
                remainingAfter: line.remainingAfterProposals.formatted(), over: line.isOverProposed,
                revisions: line.envelope.revisions.map {
                    "\(ParisTime.longDate($0.effectiveOn)) : \($0.amount.formatted()) — \($0.reason)"
                }, paid: line.paid.formatted(), leftToPay: line.leftToPay.formatted(),
                recovered: line.recovered.formatted())
        }
        revisionURL = canRevise ? SiteURL.envelopeRevisions(call.model.reference).path : nil
        waveURL = SiteURL.envelopeWaves(call.model.reference).path
        today = ParisTime.isoDay(Date())
    }
}
