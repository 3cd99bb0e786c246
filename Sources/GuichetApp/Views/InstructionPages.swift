import Fluent
import Foundation
import GuichetDomain
import Vapor

/// The instructor's queue: filters, counts per status, one page of dossiers.
struct QueuePage: Encodable {
    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    /// A dossier's line, written by ``rowsHTML(_:)``.
    struct Row {
        let number: String
        let title: String
        let organisation: String
        let call: String
        let theme: String
        let territory: String
        let status: String
        let requested: String
        let filed: String
        let assignee: String
        let url: String
        let simulated: Bool
        let score: String
        let id: String
        let labels: [String]
    }

    /// What the queue shows besides the dossiers: their labels, the labels in use, the
    /// colleagues a selection can be given to, and the page to come back to after an action.
    struct Extras {
        let labels: [UUID: [String]]
        let labelsInUse: [String]
        let colleagues: [StaffDirectory.Person]
        let currentURL: String
        /// The themes of the calls, for the filter and the rows' labels.
        let themes: [Theme]
        /// The calls, for the filter and the rows' call column.
        let calls: [CallRepository.Catalog.Call]
    }

    struct Count: Encodable {
        let label: String
        let count: Int
        let url: String
    }

    let chrome: Chrome
    let total: Int
    let counts: [Count]
    /// The filters' `<option>` elements, written by ``HTMLWriter/options(_:)``: a national
    /// person's territory filter alone offers 120 of them, and each one encoded into Leaf's context
    /// cost more than the whole page's rows (docs/BENCHMARKS.md).
    let callOptionsHTML: String
    let statusOptionsHTML: String
    let themeOptionsHTML: String
    let territoryOptionsHTML: String
    let assignmentOptionsHTML: String
    let sortOptionsHTML: String
    /// The table's rows, written by ``rowsHTML(_:)``.
    let rowsHTML: String
    let pageInfo: String
    let previousURL: String?
    let nextURL: String?
    let exportURL: String
    /// The other exports of the same selection: scores, opinions, decisions; CSV and JSON.
    let exports: [Option]
    let noteMin: String
    let noteMax: String
    let labelOptionsHTML: String
    let labelsInUse: [String]
    let colleagueOptionsHTML: String
    let bulkURL: String
    let returnURL: String
    let csrf: String

    /// The `<option>` elements of these options.
    private static func html(_ options: [Option]) -> String {
        HTMLWriter.options(options.map { ($0.value, $0.label, $0.selected) })
    }

    /// `7 833` hundredths → `78,33`.
    static func scoreText(_ hundredths: Int) -> String {
        let rest = hundredths % 100
        return "\(hundredths / 100),\(rest < 10 ? "0" : "")\(rest)"
    }

    init(
        _ req: Request, selection: InstructionQueue.Selection, rows items: [InstructionQueue.Row],
        metadata: PageMetadata, assignees: [UUID: String], extras: Extras
    ) {
        let filters = selection.filters, counts = selection.counts, groups = selection.groups
        labelOptionsHTML = Self.html(
            [Option(value: "", label: "Toutes", selected: (filters.etiquette ?? "").isEmpty)]
                + extras.labelsInUse.map {
                    Option(value: $0, label: $0, selected: filters.etiquette?.lowercased() == $0.lowercased())
                })
        labelsInUse = extras.labelsInUse
        colleagueOptionsHTML = Self.html(
            extras.colleagues.map { Option(value: UUIDText.lowercased($0.id), label: $0.name, selected: false) })
        bulkURL = SiteURL.bulkActions.path
        returnURL = SiteURL.instruction.returning(extras.currentURL)
        noteMin = filters.note_min.map(String.init) ?? ""
        noteMax = filters.note_max.map(String.init) ?? ""
        chrome = .make(req)
        csrf = chrome.csrf ?? ""
        total = counts.values.reduce(0, +)
        self.counts = DossierStatus.allCases.compactMap { status in
            counts[status.rawValue].map {
                Count(label: status.label, count: $0, url: "\(SiteURL.instruction.path)?statut=\(status.rawValue)")
            }
        }
        callOptionsHTML = Self.html(
            [Option(value: "", label: "Tous", selected: (filters.appel ?? "").isEmpty)]
                + extras.calls.map {
                    Option(
                        value: $0.reference, label: "\($0.title) (\($0.reference))",
                        selected: filters.appel == $0.reference)
                })
        // Rows name the call by its reference (the filter gives each reference its title): a
        // call's title on every row would make each row several lines tall.
        let callTitles = Dictionary(extras.calls.map { ($0.id, $0.reference) }, uniquingKeysWith: { a, _ in a })
        statusOptionsHTML = Self.html(
            [Option(value: "", label: "Tous", selected: (filters.statut ?? "").isEmpty)]
                + DossierStatus.allCases.filter { $0 != .draft }.map {
                    Option(value: $0.rawValue, label: $0.label, selected: filters.statut == $0.rawValue)
                })
        themeOptionsHTML = Self.html(
            [Option(value: "", label: "Toutes", selected: (filters.theme ?? "").isEmpty)]
                + extras.themes.map { Option(value: $0.code, label: $0.label, selected: filters.theme == $0.code) })
        territoryOptionsHTML = Self.html(
            [Option(value: "", label: "Tous", selected: (filters.territoire ?? "").isEmpty)]
                + Self.groupChoices(groups).map {
                    Option(value: $0, label: Self.groupLabel($0), selected: filters.territoire == $0)
                })
        let people = extras.colleagues.map { (UUIDText.lowercased($0.id), $0.name) }
        assignmentOptionsHTML = Self.html(
            ([("", "Tous"), ("moi", "Les miens"), ("personne", "Non attribués")] + people).map {
                Option(value: $0.0, label: $0.1, selected: (filters.assignation ?? "").lowercased() == $0.0)
            })
        sortOptionsHTML = Self.html(
            [("numero", "Numéro"), ("depot", "Date de dépôt"), ("montant", "Montant demandé"), ("titre", "Titre")]
                .map { Option(value: $0.0, label: $0.1, selected: (filters.tri ?? "numero") == $0.0) })
        let themeLabels = Dictionary(extras.themes.map { ($0.code, $0.label) }, uniquingKeysWith: { a, _ in a })
        let rows = items.map { d in
            // A linked person never sees the scores of the dossiers of their organisations.
            let score = d.isLinked(selection.links) ? nil : d.score
            return Row(
                number: d.number ?? "", title: d.title, organisation: d.organisation, call: callTitles[d.callID] ?? "",
                theme: themeLabels[d.themeCode] ?? d.themeCode, territory: Self.groupLabel(d.instructorGroup ?? ""),
                status: (DossierStatus(rawValue: d.status) ?? .filed).label,
                requested: Money.text(cents: d.requestedCents),
                filed: d.filedAt.map(ParisTime.longDate) ?? "", assignee: d.assigneeID.flatMap { assignees[$0] } ?? "—",
                url: SiteURL.staffDossier(d.id).path, simulated: d.simulated,
                score: score.map { Self.scoreText($0.score) + " (±\(Self.scoreText($0.spread)), \($0.count))" } ?? "—",
                id: UUIDText.lowercased(d.id), labels: extras.labels[d.id] ?? [])
        }
        rowsHTML = Self.rowsHTML(rows)
        let first = metadata.total == 0 ? 0 : (metadata.page - 1) * metadata.per + 1
        pageInfo =
            "Dossiers \(first) à \(min(metadata.page * metadata.per, metadata.total)) sur \(metadata.total) (page \(metadata.page) sur \(max(metadata.pageCount, 1)))"
        func link(_ number: Int) -> String {
            var items = [URLQueryItem]()
            for (key, value) in [
                ("appel", filters.appel), ("statut", filters.statut), ("theme", filters.theme),
                ("territoire", filters.territoire),
                ("assignation", filters.assignation), ("etiquette", filters.etiquette), ("tri", filters.tri),
                ("note_min", filters.note_min.map(String.init)), ("note_max", filters.note_max.map(String.init)),
            ] {
                if let value, !value.isEmpty { items.append(URLQueryItem(name: key, value: value)) }
            }
            items.append(URLQueryItem(name: "page", value: String(number)))
            var components = URLComponents()
            components.path = SiteURL.instruction.path
            components.queryItems = items
            return components.string ?? SiteURL.instruction.path
        }
        exportURL = link(1).replacingOccurrences(
            of: SiteURL.instruction.path + "?", with: SiteURL.instructionCSV.path + "?")
        let query = link(1).components(separatedBy: "?").dropFirst().first.map { "?" + $0 } ?? ""
        exports = [("dossiers", "dossiers"), ("notes", "notes"), ("avis", "avis"), ("decisions", "décisions")].flatMap {
            dataset, label in
            ["csv", "json"].map { format in
                Option(
                    value: SiteURL.instructionExport("\(dataset).\(format)").path + query,
                    label: "\(label) (\(format.uppercased()))", selected: false)
            }
        }
        previousURL = metadata.page > 1 ? link(metadata.page - 1) : nil
        nextURL = metadata.page < metadata.pageCount ? link(metadata.page + 1) : nil
    }

    /// The rows of the queue's table: a box to choose the dossier for the bulk actions; the
    /// dossier (number, title with its labels, organisation, in one cell to keep the table within
    /// a 1 280 px screen); its call, theme, territory, status, amount, filing date, instructor and score.
    static func rowsHTML(_ rows: [Row]) -> String {
        var w = HTMLWriter(capacity: rows.count * 900)
        for r in rows {
            w.raw("<tr><td class=\"select\"><input type=\"checkbox\" name=\"dossiers\" value=\"")
            w.text(r.id)
            w.raw("\" form=\"bulk\" id=\"choix-")
            w.text(r.id)
            w.raw("\" aria-label=\"Choisir le dossier ")
            w.text(r.number)
            w.raw("\"></td><th scope=\"row\"><span class=\"fr-text--xs fr-mb-0 queue-number\">")
            w.text(r.number)
            w.raw("</span> <a href=\"")
            w.text(r.url)
            w.raw("\">")
            w.text(r.title)
            w.raw("</a>")
            if r.simulated {
                w.raw(" ")
                w.raw(HTMLWriter.simulatedBadge)
            }
            if !r.labels.isEmpty {
                w.raw("<ul class=\"fr-tags-group\" aria-label=\"Étiquettes\">")
                for label in r.labels {
                    w.raw("<li><span class=\"fr-tag fr-tag--sm\">")
                    w.text(label)
                    w.raw("</span></li>")
                }
                w.raw("</ul>")
            }
            w.raw("<span class=\"queue-holder\">")
            w.text(r.organisation)
            w.raw("</span></th><td>")
            w.text(r.call)
            w.raw("</td><td>")
            w.text(r.theme)
            w.raw("</td><td>")
            w.text(r.territory)
            w.raw("</td><td>")
            w.badge(r.status)
            w.raw("</td><td class=\"money\">")
            w.text(r.requested)
            w.raw("</td><td class=\"day\">")
            w.text(r.filed)
            w.raw("</td><td>")
            w.text(r.assignee)
            w.raw("</td><td>")
            w.text(r.score)
            w.raw("</td></tr>")
        }
        return w.html
    }

    /// `departement:02` → `Aisne (02)`, `region:32` → `Hauts-de-France (région)`.
    /// The instruction groups a territory filter offers: the person's visible groups, or every
    /// region, département and the national level when they see all.
    static func groupChoices(_ groups: Set<String>?) -> [String] {
        let catalog = TerritoryCatalog.france
        return
            (groups.map { Array($0) }
            ?? (catalog.regions.map { StaffScope.region($0.code).stored }
                + catalog.departements.map { StaffScope.departement($0.code).stored } + [StaffScope.national.stored]))
            .sorted()
    }

    static func groupLabel(_ stored: String) -> String {
        knownGroupLabels[stored] ?? label(of: stored)
    }

    /// The labels of every region and département, and of the national scope, worked out once:
    /// a national board or queue names a territory on each of its rows and filter options.
    private static let knownGroupLabels: [String: String] = {
        let catalog = TerritoryCatalog.france
        let stored =
            [StaffScope.national.stored] + catalog.regions.map { StaffScope.region($0.code).stored }
            + catalog.departements.map { StaffScope.departement($0.code).stored }
        return Dictionary(stored.map { ($0, label(of: $0)) }, uniquingKeysWith: { first, _ in first })
    }()

    private static func label(of stored: String) -> String {
        guard let scope = try? StaffScope(stored: stored) else { return stored }
        switch scope {
        case .national: return "National"
        case .region(let code): return "\((try? TerritoryCatalog.france.region(code).name) ?? code) (région)"
        case .departement(let code): return "\((try? TerritoryCatalog.france.departement(code).name) ?? code) (\(code))"
        case .service(let name, _): return name
        }
    }
}

/// A dossier as instructors see it: everything filed, its history, who instructs it.
struct StaffDossierPage: Encodable {
    struct Event: Encodable {
        let at: String
        let who: String
        let what: String
        let reason: String?
    }

    let chrome: Chrome
    /// The queue the person came from, with its filters (``QueueReturn``).
    let backURL: String
    let title: String
    let number: String
    let organisation: String
    let identifiers: String
    let callTitle: String
    let status: String
    let group: String
    let assignee: String?
    let answers: [DossierSummaryPage.Answer]
    /// The history table's rows (``HTMLWriter``, as the score form below).
    let historyHTML: String
    let csrf: String
    /// Offered unless the person already instructs the dossier.
    let takeURL: String?
    let simulated: Bool
    let actions: Actions
    let opinions: [OpinionLine]
    let correction: String?
    let requested: String
    /// The viewer declared a link with the organisation: no action, no others' opinions.
    let conflicted: Bool
    /// The criteria, named in the sentence that opens the instruction.
    let grid: [GridRow]
    /// The score form's fieldsets, a criterion each with its marks as radio buttons: written by
    /// ``scoreFieldsHTML(_:)`` rather than by nested Leaf loops, which copy the page's whole context
    /// for every mark (a fifth of the page's CPU time with a five-criterion grid).
    let scoreFieldsHTML: String
    let scoreURL: String?
    /// What a refused opinion held, shown again (``Flash/keep(_:on:)``).
    let kept: KeptOpinion
    /// What any refused form of the page held (a payment's day, amount and reference…).
    let keptForm: [String: String]
    /// The grant once its act is generated; the act's generation offered to a laureate without one.
    var grant: GrantView? = nil
    var grantGenerateURL: String? = nil
    /// Whether any instruction form is offered (the "Instruction" heading).
    let hasWork: Bool
    let reassignURL: String

    struct KeptOpinion: Encodable {
        let kind: String
        let amount: String
        let motive: String
    }
    let colleagues: [Colleague]
    let expertURL: String?
    let services: [Colleague]
    let expertRequests: [ExpertLine]

    struct ExpertLine: Encodable {
        let service: String
        let question: String
        let due: String
        let status: String
        let answer: String?
        let revokeURL: String?
    }

    struct Colleague: Encodable {
        let id: String
        let name: String
        let current: Bool
    }
    let reviews: [ReviewLine]
    let aggregate: String?

    struct GridRow: Encodable {
        let label: String
        let weight: Int
    }

    /// A criterion of the score form, with the viewer's mark and comment.
    struct ScoreField {
        let code: String
        let label: String
        let weight: Int
        let marks: [String]
        let selected: Int?
        let comment: String
    }

    struct ReviewLine: Encodable {
        let reviewer: String
        let score: String
        let detail: String
    }
    let attachments: [AttachmentLine]
    /// Messages, labels and internal notes, filled in by the controller.
    var teamwork: TeamworkSection? {
        didSet { thread = teamwork?.messages ?? [] }
    }
    /// The conversation with the applicant (the shared thread partial reads `thread`).
    private(set) var thread: [MessageLine] = []

    /// The audit log's actions, as the history reads them.
    static let actionLabels = [
        "create_draft": "Brouillon créé", "file": "Dépôt", "request_correction": "Demande de complément",
        "declare_eligible": "Recevabilité", "declare_ineligible": "Irrecevabilité",
        "start_review": "Début de l'instruction",
        "complete_review": "Fin de l'instruction", "decide": "Décision", "withdraw": "Retrait", "assign": "Attribution",
        "recusal": "Déport", "message": "Message", "label_added": "Étiquette ajoutée",
        "label_removed": "Étiquette retirée",
        "annotation": "Note interne", "give_opinion": "Avis d'instruction", "score": "Notation",
        "request_expert_opinion": "Demande d'avis d'expert", "expert_opinion": "Avis d'expert",
        "revoke_expert_request": "Demande d'avis révoquée", "create_staff": "Ouverture du compte",
        "update_staff": "Rôle ou périmètres modifiés", "close_staff": "Fermeture du compte",
        "reopen_staff": "Réouverture du compte", "generate_grant_act": "Acte attributif établi",
        "sign_agreement": "Acte signé", "record_payment": "Premier versement", "grant_payment": "Versement",
        "grant_recovery": "Reversement", "record_report": "Compte rendu remis", "file_report": "Compte rendu financier",
        "report_correction": "Correction du compte rendu demandée", "validate_report": "Compte rendu validé",
    ]

    /// The lifecycle's actions the page has a form for, offered as the domain allows them in the
    /// dossier's status to the person's role (``DossierLifecycle/actions(from:by:)``), never restated.
    struct Actions: Encodable {
        /// The actions this page can take.
        static let forms: [DossierAction.Kind] = [
            .declareEligible, .declareIneligible, .requestCorrection, .startReview, .completeReview,
        ]

        let eligibilityURL: String?
        let correctionURL: String?
        let reviewURL: String?
        let reviewLabel: String?
        /// The review form closes the instruction (asks for a confirmation) rather than starts it.
        let closing: Bool
        let opinionURL: String?
        /// What is offered (for tests and the page's reading order).
        let offered: [DossierAction.Kind]

        init(status: DossierStatus, role: Role, dossier: UUID) {
            let offered = DossierLifecycle.actions(from: status, by: role).filter(Self.forms.contains)
            self.offered = offered
            // One form decides eligibility either way.
            eligibilityURL =
                offered.contains(.declareEligible) || offered.contains(.declareIneligible)
                ? SiteURL.staffEligibility(dossier).path : nil
            correctionURL = offered.contains(.requestCorrection) ? SiteURL.staffCorrection(dossier).path : nil
            reviewURL =
                offered.contains(.startReview) || offered.contains(.completeReview)
                ? SiteURL.staffReview(dossier).path : nil
            reviewLabel =
                offered.contains(.startReview)
                ? "Commencer l'instruction" : (offered.contains(.completeReview) ? "Clore l'instruction" : nil)
            closing = !offered.contains(.startReview) && offered.contains(.completeReview)
            opinionURL = InstructionRules.opinionStatuses.contains(status) ? SiteURL.staffOpinion(dossier).path : nil
        }

        enum CodingKeys: String, CodingKey {
            case eligibilityURL, correctionURL, reviewURL, reviewLabel, closing, opinionURL
        }
    }

    struct OpinionLine: Encodable {
        let author: String
        let kind: String
        let amount: String
        let motive: String
        let at: String
    }

    init(
        _ req: Request, dossier: DossierModel, call: LoadedCall, form: FormDefinition, organisation: OrganisationModel,
        history: [AuditEntryModel], assignee: UserModel?, opinions: [OpinionModel], conflicted: Bool,
        reviews: [ReviewModel],
        colleagues: [StaffDirectory.Person], expertRequests: [ExpertRequestModel], services: [String],
        attachments: [AttachmentModel]
    ) throws {
        self.conflicted = conflicted
        chrome = .make(req)
        backURL = QueueReturn.url(req)
        title = dossier.title
        number = dossier.number ?? ""
        self.organisation = organisation.name
        identifiers = [organisation.siret.map { "SIRET \($0)" }, organisation.rna.map { "RNA \($0)" }].compactMap { $0 }
            .joined(separator: " — ")
        callTitle = call.model.title
        status = (DossierStatus(rawValue: dossier.status) ?? .filed).label
        group = QueuePage.groupLabel(dossier.instructorGroup ?? "")
        self.assignee = assignee?.displayName
        let values = try ApplicationService.answers(dossier)
        if values.isEmpty {
            // Dossiers loaded from elsewhere (the demo's history) have no form answers.
            answers = [
                DossierSummaryPage.Answer(label: "Résumé", value: dossier.summary, section: nil),
                DossierSummaryPage.Answer(
                    label: "Montant demandé", value: Money.text(cents: dossier.requestedCents), section: nil),
            ]
        } else {
            var described: [String: String] = [:]
            for attachment in attachments {
                if let key = attachment.id?.uuidString.lowercased() {
                    described[key] = "\(attachment.fileName) (\(ByteSize.french(Int(attachment.sizeBytes))))"
                }
            }
            answers = form.fields.compactMap { field in
                guard let value = values[field.key], !value.isEmpty else { return nil }
                return DossierSummaryPage.Answer(
                    label: field.label, value: field.displayText(value, attachments: described), section: field.section)
            }
        }
        historyHTML = Self.historyHTML(
            history.map { entry in
                let action = Self.actionLabels[entry.action] ?? entry.action
                let what: String
                switch (
                    entry.fromState.flatMap(DossierStatus.init(rawValue:)),
                    entry.toState.flatMap(DossierStatus.init(rawValue:))
                ) {
                case (let from?, let to?): what = "\(action) : \(from.label) → \(to.label)"
                case (nil, let to?): what = "\(action) : \(to.label)"
                default: what = action
                }
                // A recused person sees that opinions were given, not what they say.
                let hidden = conflicted && entry.action == "give_opinion"
                return Event(
                    at: ParisTime.longDateTime(entry.at), who: entry.actorName, what: what,
                    reason: hidden ? "(masqué : vous êtes déporté)" : entry.reason)
            })
        csrf = CSRFMiddleware.token(for: req)
        let id = try dossier.requireID()
        self.attachments = attachments.map { attachment in
            let line = AttachmentLine(attachment, dossierID: id)
            return AttachmentLine(
                name: line.name, size: line.size,
                url: SiteURL.staffAttachment(dossier: id, attachment: attachment.id ?? UUID()).path, scan: line.scan)
        }
        let me = req.auth.get(UserModel.self)?.id
        takeURL = me != nil && dossier.assigneeID == me ? nil : SiteURL.takeDossier(id).path
        reassignURL = SiteURL.staffAssignment(id).path

        self.colleagues = colleagues.map {
            Colleague(id: UUIDText.lowercased($0.id), name: $0.name, current: $0.id == dossier.assigneeID)
        }
        simulated = dossier.simulated
        let current = DossierStatus(rawValue: dossier.status) ?? .filed
        let role = req.auth.get(UserModel.self).flatMap { Role(rawValue: $0.role) } ?? .instructor
        actions = Actions(status: current, role: role, dossier: id)
        expertURL =
            InstructionRules.expertStatuses.contains(current) && !services.isEmpty
            ? SiteURL.staffExpertRequests(id).path : nil
        let proposed = ExpertService.proposedService(call: call.model, theme: dossier.themeCode)
        self.services = services.map {
            Colleague(
                id: $0, name: $0 == proposed ? "\($0) (proposé pour cette thématique)" : $0, current: $0 == proposed)
        }
        self.expertRequests =
            conflicted
            ? []
            : expertRequests.map { request in
                let line = ExpertRequestView(request, dossier: dossier)
                return ExpertLine(
                    service: line.service, question: line.question, due: line.due, status: line.status,
                    answer: line.answer,
                    revokeURL: request.status == "pending"
                        ? request.id.map { SiteURL.staffExpertRevocation(dossier: id, request: $0).path } : nil)
            }
        self.opinions = opinions.map { o in
            OpinionLine(
                author: o.author.displayName, kind: OpinionKind(rawValue: o.kind)?.label ?? o.kind,
                amount: Money.text(cents: o.proposedCents), motive: o.motive,
                at: o.createdAt.map(ParisTime.longDateTime) ?? "")
        }
        correction = dossier.correctionMessage.map { message in
            "Complément demandé (échéance : \(dossier.correctionDueOn.map(ParisTime.longDate) ?? "—")) : \(message)"
        }
        requested = Money.text(cents: dossier.requestedCents)
        let grid = call.model.scoringGrid.flatMap { try? JSONDecoder().decode(ScoringGrid.self, from: Data($0.utf8)) }
        let viewerID = req.auth.get(UserModel.self)?.id
        let mine = reviews.first { $0.$reviewer.id == viewerID }
        var myMarks = (mine.flatMap { try? JSONDecoder().decode([String: Int].self, from: Data($0.marks.utf8)) }) ?? [:]
        var myComments =
            (mine.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.comments.utf8)) }) ?? [:]
        // A refused score or opinion comes back with what was typed.
        let typed = Flash.takeForm(req)
        for (key, value) in typed {
            if key.hasPrefix("note_"), let mark = Int(value) { myMarks[String(key.dropFirst(5))] = mark }
            if key.hasPrefix("commentaire_") { myComments[String(key.dropFirst(12))] = value }
        }
        kept = KeptOpinion(kind: typed["kind"] ?? "", amount: typed["amount"] ?? "", motive: typed["motive"] ?? "")
        keptForm = typed
        self.grid = grid?.criteria.map { GridRow(label: $0.label, weight: $0.weight) } ?? []
        scoreURL =
            grid != nil && InstructionRules.opinionStatuses.contains(current) && !conflicted
            ? SiteURL.staffScores(id).path : nil
        scoreFieldsHTML =
            scoreURL == nil
            ? ""
            : Self.scoreFieldsHTML(
                grid?.criteria.map { criterion in
                    ScoreField(
                        code: criterion.code, label: criterion.label, weight: criterion.weight,
                        marks: grid?.scale ?? [], selected: myMarks[criterion.code],
                        comment: myComments[criterion.code] ?? "")
                } ?? [])
        hasWork =
            [
                actions.eligibilityURL, actions.correctionURL, actions.reviewURL, actions.opinionURL, scoreURL,
                expertURL,
            ].contains { $0 != nil }
        // Comments under their criterion's label, in the grid's order (a criterion the grid no
        // longer has keeps its code).
        let criteria = grid?.criteria ?? []
        self.reviews = reviews.map { review in
            let comments = (try? JSONDecoder().decode([String: String].self, from: Data(review.comments.utf8))) ?? [:]
            let order = { (code: String) in criteria.firstIndex { $0.code == code } ?? criteria.count }
            return ReviewLine(
                reviewer: review.reviewer.displayName, score: QueuePage.scoreText(review.score) + " / 100",
                detail: comments.filter { !$0.value.isEmpty }.sorted {
                    (order($0.key), $0.key) < (order($1.key), $1.key)
                }
                .map { comment in
                    "\(criteria.first { $0.code == comment.key }?.label ?? comment.key) : \(comment.value)"
                }
                .joined(separator: " ; "))
        }
        aggregate = grid.flatMap { $0.aggregate(reviews.map(\.score)) }.map { value in
            "\(QueuePage.scoreText(value.score)) / 100 (\(grid?.aggregation == .median ? "médiane" : "moyenne") de \(reviews.count) notation\(reviews.count > 1 ? "s" : ""), écart \(QueuePage.scoreText(value.spread)))"
        }
    }
}

extension StaffDossierPage {
    /// The history table's rows: when, who, what, why.
    static func historyHTML(_ events: [Event]) -> String {
        var w = HTMLWriter(capacity: events.count * 160)
        for e in events {
            w.raw("<tr><td>")
            w.text(e.at)
            w.raw("</td><td>")
            w.text(e.who)
            w.raw("</td><td>")
            w.text(e.what)
            w.raw("</td><td>")
            w.text(e.reason ?? "")
            w.raw("</td></tr>")
        }
        return w.html
    }

    /// The score form's fieldsets: for each criterion, its marks as DSFR radio buttons (the
    /// viewer's mark checked) and a comment field.
    static func scoreFieldsHTML(_ fields: [ScoreField]) -> String {
        var w = HTMLWriter(capacity: fields.count * 1_600)
        for field in fields {
            let code = HTMLWriter.Escaped(field.code)
            w.raw("<fieldset class=\"fr-fieldset\"><legend class=\"fr-fieldset__legend\">")
            w.text(field.label)
            w.raw(" (coefficient ")
            w.text(field.weight)
            w.raw(")</legend>")
            for (value, label) in field.marks.enumerated() {
                w.raw("<div class=\"fr-fieldset__element fr-fieldset__element--inline\"><div class=\"fr-radio-group\">")
                w.raw("<input type=\"radio\" id=\"note-")
                w.text(code)
                w.raw("-")
                w.text(value)
                w.raw("\" name=\"note_")
                w.text(code)
                w.raw("\" value=\"")
                w.text(value)
                w.raw(
                    field.selected == value
                        ? "\" checked><label class=\"fr-label\" for=\"note-"
                        : "\"><label class=\"fr-label\" for=\"note-")
                w.text(code)
                w.raw("-")
                w.text(value)
                w.raw("\">")
                w.text(label)
                w.raw("</label></div></div>")
            }
            w.raw(
                "<div class=\"fr-fieldset__element\"><div class=\"fr-input-group\"><label class=\"fr-label\" for=\"commentaire-"
            )
            w.text(code)
            w.raw("\">Commentaire</label><input class=\"fr-input\" id=\"commentaire-")
            w.text(code)
            w.raw("\" name=\"commentaire_")
            w.text(code)
            w.raw("\" type=\"text\" value=\"")
            w.text(field.comment)
            w.raw("\"></div></div></fieldset>")
        }
        return w.html
    }
}
