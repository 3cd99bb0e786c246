import Foundation
import GuichetDomain
import Vapor

/// A grant as the staff dossier page and the organisation's dossier page show it: the act, the
/// schedule, what was paid and claimed back, and the forms the viewer may use.
struct GrantView: Encodable {
    struct Instalment: Encodable {
        let label: String
        let amount: String
        let condition: String
    }

    struct Movement: Encodable {
        let day: String
        let amount: String
        let reference: String
        let by: String
        let simulated: Bool
    }

    /// The act's kind and title (`Arrêté attributif de subvention n° …`).
    let kind: String
    let title: String
    let amount: String
    let generated: String
    /// How and when it was signed; `nil` while it waits for the signature.
    let signed: String?
    let reportDue: String
    let actURL: String
    let pdfURL: String
    /// The signed copy the staff recorded (staff only).
    let signedCopyURL: String?
    let instalments: [Instalment]
    let payments: [Movement]
    let recoveries: [Movement]
    let paid: String
    let leftToPay: String
    let recovered: String
    let simulated: Bool
    /// The staff's forms, as the act's state and the viewer allow them.
    let regenerateURL: String?
    let signedCopyUploadURL: String?
    let paymentURL: String?
    let recoveryURL: String?
    /// The organisation's acceptance form (its representatives, before the signature).
    let acceptURL: String?
    /// The financial report: where it stands, and where to write it (the organisation) or read
    /// it (the staff, once filed).
    let reportStatus: String?
    let reportURL: String?
    let reportLate: Bool

    /// Who is looking: the staff of the dossier's territory, or the organisation's representatives.
    enum Viewer {
        case staff(conflicted: Bool)
        case organisation
    }

    init(_ grant: GrantService.Grant, dossierID: UUID, viewer: Viewer, report: GrantReportModel? = nil) {
        let act = grant.act
        kind = act.actKind.label
        title = (try? act.decodedDocument().title) ?? act.actKind.label
        amount = Money.text(cents: act.amountCents)
        generated = "Établi le \(ParisTime.longDate(act.generatedAt)) par \(act.generatedBy)"
        if let at = act.signedAt {
            let who = act.signedBy ?? ""
            signed =
                act.signedHow == GrantActModel.SignedHow.uploaded.rawValue
                ? "Exemplaire signé enregistré le \(ParisTime.longDate(at)) par \(who)"
                : "Accepté en ligne le \(ParisTime.longDate(at)) par \(who), au nom de l'organisme"
        } else {
            signed = nil
        }
        reportDue = ParisTime.longDate(act.reportDueOn)
        simulated = act.simulated
        instalments = grant.instalments.map {
            Instalment(
                label: $0.label, amount: Money.text(cents: $0.amountCents),
                condition: (try? $0.instalment().condition.label) ?? "")
        }
        func line(_ movement: GrantMovementModel) -> Movement {
            Movement(
                day: ParisTime.longDate(movement.day), amount: Money.text(cents: movement.amountCents),
                reference: movement.reference, by: movement.recordedBy, simulated: movement.simulated)
        }
        payments = grant.payments.map(line)
        recoveries = grant.recoveries.map(line)
        paid = grant.account.paid.formatted()
        leftToPay = grant.account.leftToPay.formatted()
        recovered = grant.account.recovered.formatted()
        let signedNow = act.signedAt != nil
        let reportState = report?.reportStatus
        reportStatus = signedNow ? (reportState?.label ?? "à remettre") : nil
        reportLate = signedNow && report?.filedAt == nil && act.reportDueOn < Date()
        switch viewer {
        case .staff(let conflicted):
            actURL = SiteURL.staffGrantAct(dossierID).path
            pdfURL = SiteURL.staffGrantActPDF(dossierID).path
            signedCopyURL = act.signedFileSHA256 == nil ? nil : SiteURL.staffGrantSignedCopy(dossierID).path
            regenerateURL = conflicted || signedNow ? nil : SiteURL.staffGrantActGeneration(dossierID).path
            signedCopyUploadURL = conflicted || signedNow ? nil : SiteURL.staffGrantSignedCopy(dossierID).path
            paymentURL =
                conflicted || !signedNow || grant.account.leftToPay == .zero
                ? nil : SiteURL.staffGrantPayments(dossierID).path
            recoveryURL =
                conflicted || grant.account.paid.remaining(after: grant.account.recovered) == .zero
                ? nil : SiteURL.staffGrantRecoveries(dossierID).path
            acceptURL = nil
            reportURL = report?.filedAt == nil ? nil : SiteURL.staffGrantReport(dossierID).path
        case .organisation:
            actURL = SiteURL.grantAct(dossierID).path
            pdfURL = SiteURL.grantActPDF(dossierID).path
            signedCopyURL = nil
            regenerateURL = nil
            signedCopyUploadURL = nil
            paymentURL = nil
            recoveryURL = nil
            acceptURL = signedNow ? nil : SiteURL.grantActAcceptance(dossierID).path
            reportURL = signedNow ? SiteURL.grantReport(dossierID).path : nil
        }
    }
}

/// The printable act (`grants/act`), for the staff and the organisation alike.
struct GrantActPage: Encodable {
    let chrome: Chrome
    let backURL: String
    let pdfURL: String
    let document: GrantActDocument
    let signed: String?
    let simulated: Bool
    /// The act can still change (generated again before its signature).
    let draft: Bool
    /// The dossier's number, and whether a staff member reads it (the breadcrumb's first step).
    var number: String = ""
    var staff: Bool = false
}

/// The financial report's form, as the organisation fills it (`grants/report`).
struct GrantReportPage: Encodable {
    let chrome: Chrome
    let csrf: String
    let title: String
    let number: String?
    let backURL: String
    let action: String
    let granted: String
    let due: String
    let late: Bool
    let status: String
    /// The instructor's request, when the report was sent back.
    let correction: String?
    let editable: Bool
    let sections: [DossierFormPage.Section]
    let errors: [FormPage.ErrorLink]
    let answers: [DossierSummaryPage.Answer]
    let maxUpload: String
    let simulated: Bool

    init(
        _ req: Request, dossier: DossierModel, grant: GrantService.Grant, report: GrantReportModel?,
        form: FormDefinition, raw: [String: [String]], errors: [String: String]
    ) {
        chrome = .make(req)
        csrf = chrome.csrf ?? ""
        title = dossier.title
        number = dossier.number
        let id = dossier.id ?? UUID()
        backURL = SiteURL.dossier(id).path
        action = SiteURL.grantReport(id).path
        granted = Money.text(cents: grant.act.amountCents)
        due = ParisTime.longDate(grant.act.reportDueOn)
        let state = report?.reportStatus ?? .draft
        late = report?.filedAt == nil && grant.act.reportDueOn < Date()
        status = state.label
        correction =
            state == .correctionRequested
            ? "\(report?.correctionMessage ?? "") (à corriger avant le \(report?.correctionDueOn.map(ParisTime.longDate) ?? ""))"
            : nil
        editable = state.isEditable
        let answers = (try? report?.values()) ?? [:]
        sections = form.sections.map { section in
            DossierFormPage.Section(
                title: section.name,
                fields: DossierFormPage.fields(
                    of: section, form: form, answers: answers, raw: raw, errors: errors, territories: .france))
        }
        let labels = Dictionary(form.fields.map { ($0.key, $0.label) }, uniquingKeysWith: { a, _ in a })
        self.errors = form.fields.compactMap { field in
            errors[field.key].map {
                FormPage.ErrorLink(href: "#\(field.key)", message: "\(labels[field.key] ?? field.key) : \($0)")
            }
        }
        self.answers = GrantReportReviewPage.answers(form: form, values: answers)
        maxUpload = ""
        simulated = grant.act.simulated
    }
}

/// A filed financial report as the instructor reads it, with what it settles and the two
/// actions (`grants/report-review`).
struct GrantReportReviewPage: Encodable {
    let chrome: Chrome
    let csrf: String
    let title: String
    let number: String?
    let backURL: String
    let status: String
    let filedAt: String?
    let answers: [DossierSummaryPage.Answer]
    let granted: String
    let paid: String
    let spent: String
    let toRecover: String
    let leftToPay: String
    let cancelled: String
    let validateURL: String?
    let correctionURL: String?
    let correction: String?
    let keptMessage: String
    let keptDue: String
    let simulated: Bool

    init(
        _ req: Request, dossier: DossierModel, grant: GrantService.Grant, report: GrantReportModel, conflicted: Bool
    ) {
        chrome = .make(req)
        csrf = chrome.csrf ?? ""
        title = dossier.title
        number = dossier.number
        let id = dossier.id ?? UUID()
        backURL = SiteURL.staffDossier(id).path
        status = report.reportStatus.label
        filedAt = report.filedAt.map(ParisTime.longDateTime)
        let form = (try? report.definition()) ?? FinancialReport.standardForm
        answers = Self.answers(form: form, values: (try? report.values()) ?? [:])
        let spentMoney = (try? Money(cents: report.spentCents ?? grant.act.amountCents)) ?? .zero
        let settlement = FinancialReport.Settlement(account: grant.account, spent: spentMoney)
        granted = grant.account.granted.formatted()
        paid = grant.account.paid.formatted()
        spent = settlement.spent.formatted()
        toRecover = settlement.toRecover.formatted()
        leftToPay = settlement.leftToPay.formatted()
        cancelled = settlement.cancelled.formatted()
        let open = report.reportStatus == .filed && !conflicted
        validateURL = open ? SiteURL.staffGrantReportValidation(id).path : nil
        correctionURL = open ? SiteURL.staffGrantReportCorrection(id).path : nil
        correction =
            report.reportStatus == .correctionRequested
            ? "\(report.correctionMessage ?? "") (avant le \(report.correctionDueOn.map(ParisTime.longDate) ?? ""))"
            : nil
        let kept = Flash.takeForm(req)
        keptMessage = kept["report_message"] ?? ""
        keptDue = kept["report_due_on"] ?? ""
        simulated = report.simulated
    }

    /// The answers given, for people, in the form's order.
    static func answers(form: FormDefinition, values: [String: FieldValue]) -> [DossierSummaryPage.Answer] {
        form.fields.compactMap { field in
            guard let value = values[field.key], !value.isEmpty else { return nil }
            return DossierSummaryPage.Answer(
                label: field.label, value: field.displayText(value), section: field.section)
        }
    }
}

/// The follow-up of grants (`grants/follow-up`): filters, a page of grants, what each waits for.
struct GrantFollowUpPage: Encodable {
    struct Row: Encodable {
        let url: String
        let number: String
        let title: String
        let organisation: String
        let call: String
        let territory: String
        let granted: String
        let act: String
        let paid: String
        let due: String
        let report: String
        let tasks: [String]
        let late: Bool
        let simulated: Bool
    }

    let chrome: Chrome
    let total: Int
    let rows: [Row]
    let callOptionsHTML: String
    let territoryOptionsHTML: String
    let taskOptionsHTML: String
    let csvURL: String
    let previousURL: String?
    let nextURL: String?
    let range: String

    init(
        _ req: Request, filters: GrantFollowUp.Filters, rows: [GrantFollowUp.Row], total: Int, groups: Set<String>?,
        calls: [CallRepository.Catalog.Call], now: Date
    ) {
        chrome = .make(req)
        self.total = total
        self.rows = rows.map { row in
            let tasks = row.tasks(now: now)
            let act: String
            if let kind = row.actKind.flatMap(GrantActKind.init(rawValue:)) {
                act =
                    row.signedAt.map { "\(kind.label), signé(e) le \(ParisTime.longDate($0))" }
                    ?? "\(kind.label), à signer"
            } else {
                act = "à établir"
            }
            return Row(
                url: SiteURL.staffDossier(row.dossierID).path, number: row.number, title: row.title,
                organisation: row.organisation, call: row.call, territory: QueuePage.groupLabel(row.group),
                granted: Money.text(cents: row.granted), act: act, paid: Money.text(cents: row.paid),
                due: Money.text(cents: max(row.due, 0)),
                report: row.reportStatus.flatMap(FinancialReport.Status.init(rawValue:))?.label
                    ?? row.reportDue.map { "dû le \(ParisTime.longDate($0))" } ?? "—",
                tasks: tasks.map(\.label), late: tasks.contains(.reportLate), simulated: row.simulated)
        }
        callOptionsHTML = HTMLWriter.options(
            [("", "Tous", (filters.appel ?? "").isEmpty)]
                + calls.map { ($0.reference, $0.title, filters.appel == $0.reference) })
        territoryOptionsHTML = HTMLWriter.options(
            [("", "Tous", (filters.territoire ?? "").isEmpty)]
                + QueuePage.groupChoices(groups).map { ($0, QueuePage.groupLabel($0), filters.territoire == $0) })
        taskOptionsHTML = HTMLWriter.options(
            [("", "Tout", (filters.a_faire ?? "").isEmpty)]
                + GrantFollowUp.Task.allCases.map { ($0.rawValue, $0.label, filters.a_faire == $0.rawValue) })
        var query: [String] = []
        for (name, value) in [
            ("appel", filters.appel), ("territoire", filters.territoire), ("a_faire", filters.a_faire),
        ] {
            if let value, !value.isEmpty,
                let encoded = value.addingPercentEncoding(
                    withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "=", "+"]))
            {
                query.append("\(name)=\(encoded)")
            }
        }
        let base = query.joined(separator: "&")
        csvURL = SiteURL.grantFollowUpCSV.path + (base.isEmpty ? "" : "?" + base)
        let page = max(1, min(filters.page ?? 1, 100_000))
        func url(_ number: Int) -> String {
            SiteURL.grantFollowUp.path + "?" + (base.isEmpty ? "" : base + "&") + "page=\(number)"
        }
        previousURL = page > 1 ? url(page - 1) : nil
        nextURL = page * GrantFollowUp.pageSize < total ? url(page + 1) : nil
        let first = total == 0 ? 0 : (page - 1) * GrantFollowUp.pageSize + 1
        range = "Subventions \(first) à \(min(page * GrantFollowUp.pageSize, total)) sur \(total)"
    }
}
