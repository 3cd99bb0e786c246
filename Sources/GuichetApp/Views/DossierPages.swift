import Foundation
import GuichetDomain
import Vapor

/// The dossier form page: the call's form drawn from its definition, with values and errors.
struct DossierFormPage: Encodable {
    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
        let id: String
    }

    struct Field: Encodable {
        let key: String
        let label: String
        let help: String?
        let required: Bool
        let error: String?
        /// `short_text`, `long_text`, `amount`, `integer`, `date`, `choice`, `multiple_choice`,
        /// `territory`, `yes_no`, `file`.
        let kind: String
        let value: String
        let options: [Option]
        let maxLength: Int?
        let attachment: AttachmentLine?
        let describedBy: String?
    }

    struct Section: Encodable {
        let title: String?
        let fields: [Field]
    }

    /// Where the applicant stands when a form with several sections is filled one section per
    /// page, drawn as the DSFR stepper. Each page posts only its own fields, and a draft keeps
    /// whatever was posted and valid (``ApplicationService/saveDraft(_:posted:user:)`` changes only
    /// the fields present in the post), so moving between steps never loses an answer: one
    /// `<form>` per step, no JavaScript, and the errors of a step are shown on that step.
    struct Stepper: Encodable {
        let current: Int
        let count: Int
        let title: String
        let nextTitle: String?
        let isFirst: Bool
        let isLast: Bool
    }

    let chrome: Chrome
    let title: String
    let callTitle: String
    let number: String?
    let csrf: String
    var action: String
    let sections: [Section]
    let errors: [FormPage.ErrorLink]
    let deadline: String
    let maxUpload: String
    /// The editor's address when an author previews the form (no button then sends it).
    var previewOf: String? = nil
    /// The step shown, when the form is filled section by section; `nil` for a one-page form.
    let stepper: Stepper?

    /// The address of the form's page that shows `key`, at that field: the summary's list of
    /// what is missing and the error summary link there.
    /// The field's step, checked: the page then says at the field what is wrong with it.
    static func editURL(_ id: UUID, form: FormDefinition, key: String) -> String {
        let step = form.sections.count > 1 ? form.step(of: key) : nil
        return SiteURL.editDossier(id).path + (step.map { "?etape=\($0)&verifier=1" } ?? "?verifier=1") + "#\(key)"
    }

    /// The form's page. `step` (1-based, clamped to the form's sections) shows one section of a
    /// form that has several; `nil` shows the whole form on one page (the author's preview).
    init(
        _ req: Request, dossier: DossierModel, call: CallModel, form: FormDefinition, answers: [String: FieldValue],
        raw: [String: [String]], errors: [String: String], attachments: [AttachmentModel], policy: AttachmentPolicy,
        step: Int? = nil
    ) throws {
        chrome = .make(req)
        title = dossier.title.isEmpty ? "Nouveau dossier" : dossier.title
        callTitle = call.title
        number = dossier.number
        csrf = CSRFMiddleware.token(for: req)
        let id = try dossier.requireID()
        action = SiteURL.editDossier(id).path
        deadline = ParisTime.longDateTime(call.deadlineDay)
        maxUpload = ByteSize.french(policy.maxBytes)
        let byID = Dictionary(
            attachments.compactMap { a in a.id.map { ($0.uuidString.lowercased(), a) } },
            uniquingKeysWith: { a, _ in a })
        let all = form.sections
        var shown = all
        if var step, all.count > 1 {
            // A refused post shows the step of its errors: the posted one when it has any (a
            // page posts its own fields), else the first that has one (a post from elsewhere).
            let stepsInError = form.fields.filter { errors[$0.key] != nil }.compactMap { form.step(of: $0.key) }
            if let first = stepsInError.first, !stepsInError.contains(step) { step = first }
            let current = min(max(step, 1), all.count)
            shown = [all[current - 1]]
            stepper = Stepper(
                current: current, count: all.count, title: Self.stepTitle(all[current - 1]),
                nextTitle: current < all.count ? Self.stepTitle(all[current]) : nil, isFirst: current == 1,
                isLast: current == all.count)
        } else {
            stepper = nil
        }
        sections = shown.map { section in
            Section(
                title: section.name,
                fields: Self.fields(
                    of: section, form: form, answers: answers, raw: raw, errors: errors,
                    territories: .france.within(call.callScope),
                    attachment: { ref in byID[ref].map { AttachmentLine($0, dossierID: id) } }))
        }
        let labels = Dictionary(form.fields.map { ($0.key, $0.label) }, uniquingKeysWith: { a, _ in a })
        let current = stepper?.current
        self.errors = form.fields.compactMap { field in
            errors[field.key].map {
                FormPage.ErrorLink(
                    href: current == nil || form.step(of: field.key) == current
                        ? "#\(field.key)" : Self.editURL(id, form: form, key: field.key),
                    message: "\(labels[field.key] ?? field.key) : \($0)")
            }
        }
    }

    private static func stepTitle(_ section: FormSection) -> String {
        section.name ?? "Autres informations"
    }

    /// A section's fields as the form's template draws them (`partials/form-field`): each with
    /// what was typed (a refused post) or saved, its error, its options.
    /// - Parameter attachment: the attached file a file answer names, if any.
    static func fields(
        of section: FormSection, form: FormDefinition, answers: [String: FieldValue], raw: [String: [String]],
        errors: [String: String], territories: TerritoryCatalog, attachment: (String) -> AttachmentLine? = { _ in nil }
    ) -> [Field] {
        let restored = form.submission(restoring: answers)
        return section.fields.map { field in
            let typed = raw[field.key]
            let text = typed?.first ?? restored.rawText(field.key)
            let chosen = Set(typed ?? answers[field.key]?.formValues ?? [])
            var options = field.type.options
            if case .territory = field.type {
                options = field.territoryOptions(territories: territories)
            }
            if case .yesNo = field.type {
                options = [
                    FormOption(value: FieldValue.yesFormValue, label: "Oui"),
                    FormOption(value: FieldValue.noFormValue, label: "Non"),
                ]
            }
            var maxLength: Int? = nil
            if case .shortText(let n) = field.type { maxLength = n }
            if case .longText(let n) = field.type { maxLength = n }
            var line: AttachmentLine? = nil
            if case .file(let ref)? = answers[field.key] { line = attachment(ref) }
            let error = errors[field.key]
            return Field(
                key: field.key, label: field.label, help: field.help, required: field.required, error: error,
                kind: field.type.kind, value: text,
                options: options.enumerated().map { index, option in
                    Option(
                        value: option.value, label: option.label, selected: chosen.contains(option.value),
                        id: "\(field.key)-\(index)")
                },
                maxLength: maxLength, attachment: line,
                describedBy: error != nil
                    ? "\(field.key)-erreur" : (field.help != nil ? "\(field.key)-aide" : nil))
        }
    }
}

/// An attachment as listed on pages.
struct AttachmentLine: Encodable {
    let name: String
    let size: String
    let url: String
    let scan: String

    init(name: String, size: String, url: String, scan: String) {
        self.name = name
        self.size = size
        self.url = url
        self.scan = scan
    }

    init(_ model: AttachmentModel, dossierID: UUID) {
        name = model.fileName
        size = ByteSize.french(Int(model.sizeBytes))
        url = SiteURL.attachment(dossier: dossierID, attachment: model.id ?? UUID()).path
        scan =
            model.scanStatus == "clean"
            ? "analysé, sans virus"
            : (model.scanStatus == "infected" ? "en quarantaine" : "non analysé (aucun antivirus installé)")
    }
}

/// A read-only dossier: the summary before filing, the dossier page, the receipt.
struct DossierSummaryPage: Encodable {
    struct Answer: Encodable {
        let label: String
        let value: String
        let section: String?
    }

    private(set) var chrome: Chrome
    let title: String
    let callTitle: String
    let organisation: String
    let status: String
    let number: String?
    let filedAt: String?
    let digest: String?
    let answers: [Answer]
    let missing: [FormPage.ErrorLink]
    let attachments: [AttachmentLine]
    let csrf: String
    let editURL: String?
    let fileURL: String?
    let receiptURL: String?
    let withdrawURL: String?
    let deadline: String
    let filingClosed: Bool
    /// The instruction's pending request, shown to the applicant.
    let correction: String?
    /// The grant, once its act is generated (the dossier's page only).
    var grant: GrantView? = nil
    /// The conversation with the instruction, once the dossier is filed.
    let messagesURL: String?
    /// The instruction's messages not read yet.
    let unread: Int
    /// A draft never filed may be deleted.
    let deleteURL: String?
    /// The committee's letter, once it decided.
    let decisionURL: String?

    init(
        _ req: Request, dossier: DossierModel, call: LoadedCall, organisation: OrganisationModel, form: FormDefinition,
        attachments: [AttachmentModel], now: Date, unread: Int = 0
    ) throws {
        let id = try dossier.requireID()
        let answers = try ApplicationService.answers(dossier)
        let status = DossierStatus(rawValue: dossier.status) ?? .draft
        chrome = .make(req)
        title = dossier.title.isEmpty ? "Dossier sans titre" : dossier.title
        callTitle = call.model.title
        self.organisation = organisation.name
        self.status = status.label
        number = dossier.number
        filedAt = dossier.filedAt.map { ParisTime.longDateTime($0) }
        digest = dossier.receiptDigest
        messagesURL = dossier.filedAt == nil ? nil : SiteURL.dossierMessages(id).path
        self.unread = unread
        deleteURL =
            status == .draft && dossier.filedAt == nil && dossier.number == nil ? SiteURL.deleteDraft(id).path : nil
        decisionURL = DossierStatus.decided.contains(status) ? SiteURL.decisionLetter(id).path : nil
        var described: [String: String] = [:]
        for attachment in attachments {
            if let key = attachment.id?.uuidString.lowercased() {
                described[key] = "\(attachment.fileName) (\(ByteSize.french(Int(attachment.sizeBytes))))"
            }
        }
        self.answers = form.fields.compactMap { field in
            guard let value = answers[field.key], !value.isEmpty else { return nil }
            return Answer(
                label: field.label, value: field.displayText(value, attachments: described), section: field.section)
        }
        let editable = status.isEditableByApplicant
        missing =
            editable
            ? form.validateForFiling(answers, territories: .france.within(call.model.callScope)).sorted {
                $0.key < $1.key
            }.map { key, message in
                FormPage.ErrorLink(
                    href: DossierFormPage.editURL(id, form: form, key: key),
                    message: "\(form.field(key)?.label ?? key) : \(message)")
            } : []
        let used = Set(
            answers.values.compactMap { value -> String? in
                if case .file(let ref) = value { return ref }
                return nil
            })
        self.attachments = attachments.filter { used.contains($0.id?.uuidString.lowercased() ?? "") }.map {
            AttachmentLine($0, dossierID: id)
        }
        csrf = CSRFMiddleware.token(for: req)
        filingClosed = now >= call.call.closesAt
        editURL = editable ? SiteURL.editDossier(id).path : nil
        fileURL = editable && missing.isEmpty && !filingClosed ? SiteURL.fileDossier(id).path : nil
        receiptURL = dossier.filedAt != nil ? SiteURL.dossierReceipt(id).path : nil
        // A draft never filed is deleted rather than withdrawn (``deleteURL``).
        withdrawURL =
            DossierLifecycle.allows(.withdraw, from: status, by: .applicant) && dossier.filedAt != nil
            ? SiteURL.withdrawDossier(id).path : nil
        deadline = ParisTime.longDateTime(call.call.deadlineDay)
        correction =
            status == .incomplete
            ? dossier.correctionMessage.map { message in
                "L'instruction demande un complément avant le \(dossier.correctionDueOn.map(ParisTime.longDate) ?? "—") : \(message) Complétez le dossier puis déposez-le à nouveau."
            } : nil
    }

    /// The same page with a notice at the top (why an action was refused).
    func with(notice: String) -> DossierSummaryPage {
        var copy = self
        copy.chrome = chrome.with(notice: notice)
        return copy
    }
}

/// The applicant's dashboard: organisations, dossiers, open calls.
struct DashboardPage: Encodable {
    struct DossierRow: Encodable {
        let title: String
        let number: String?
        let call: String
        let organisation: String
        let status: String
        let created: String
        let filed: String?
        let url: String
        /// The instruction's messages not read yet.
        let unread: Int
        /// What the organisation has to do on the grant (accept the act, file the report…).
        let grantTask: String?
    }

    struct OrganisationRow: Encodable {
        let name: String
        let url: String
    }

    struct CallRow: Encodable {
        let title: String
        let url: String
        let deadline: String
    }

    let chrome: Chrome
    let userName: String
    let email: String
    let organisations: [OrganisationRow]
    let dossiers: [DossierRow]
    let openCalls: [CallRow]
    /// The staff's work pages, by role (empty for applicants).
    let staffLinks: [FormPage.Link]

    static func staffLinks(for role: Role) -> [FormPage.Link] {
        var links: [FormPage.Link] = []
        if StaffDirectory.instructingRoles.contains(role) {
            links.append(.init(href: SiteURL.instruction.path, label: "Dossiers à instruire"))
        }
        if role == .expert { links.append(.init(href: SiteURL.expertRequests.path, label: "Demandes d'avis d'expert")) }
        if StaffDirectory.committeeRoles.contains(role) {
            links.append(.init(href: SiteURL.committee.path, label: "Comité de sélection"))
        }
        if role == .administrator {
            links.append(
                .init(href: SiteURL.adminCalls.path, label: "Appels à projets : créer, dupliquer, modifier, publier"))
            links.append(.init(href: SiteURL.adminStaff.path, label: "Comptes du personnel"))
            links.append(.init(href: SiteURL.publications.path, label: "Publication des résultats, import de dossiers"))
            links.append(.init(href: SiteURL.webhooks.path, label: "Webhooks"))
        }
        if StaffDirectory.instructingRoles.contains(role) {
            links.append(.init(href: SiteURL.apiTokens.path, label: "Jetons d'API"))
        }
        if role != .applicant, role != .system {
            links.append(.init(href: SiteURL.staffLinks.path, label: "Mes liens d'intérêt"))
        }
        return links
    }
}
