import Fluent
import Foundation
import GuichetDomain
import Vapor

/// After the decision: the grant act (printable, as PDF when Chromium is installed), its
/// acceptance by the organisation, the signed copy, payments and recoveries (``GrantService``).
///
/// Staff reach a dossier through ``StaffDirectory/filedDossier(_:for:)`` (their territory, 404
/// otherwise); the organisation's representatives through ``Membership``. Every staff action
/// comes back to the dossier's page with its outcome, as the instruction's actions do.
struct GrantController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let applicant = routes.grouped(LoginRequired())
        applicant.get(.grantAct(.pattern), use: applicantAct)
        applicant.get(.grantActPDF(.pattern), use: applicantPDF)
        applicant.post(.grantActAcceptance(.pattern), use: accept)
        applicant.get(.grantReport(.pattern), use: reportForm)
        applicant.post(.grantReport(.pattern), use: saveReport)
        let staff = routes.grouped(LoginRequired(), StaffRequired(roles: StaffDirectory.instructingRoles))
        staff.get(.staffGrantAct(.pattern), use: staffAct)
        staff.get(.staffGrantActPDF(.pattern), use: staffPDF)
        staff.post(.staffGrantActGeneration(.pattern), use: generate)
        staff.get(.staffGrantSignedCopy(.pattern), use: signedCopy)
        staff.post(
            .staffGrantSignedCopy(.pattern), body: .collect(maxSize: RequestLimits.uploadRouteCeiling), use: upload
        )
        .takingFiles()
        staff.post(.staffGrantPayments(.pattern), use: payment)
        staff.post(.staffGrantRecoveries(.pattern), use: recovery)
        staff.get(.grantFollowUp, use: followUp)
        staff.get(.grantFollowUpCSV, use: followUpCSV)
        staff.get(.staffGrantReport(.pattern), use: staffReport)
        staff.post(.staffGrantReportValidation(.pattern), use: validateReport)
        staff.post(.staffGrantReportCorrection(.pattern), use: reportCorrection)
    }

    private func reports(_ req: Request) -> GrantReportService {
        GrantReportService(database: req.db, configuration: req.application.guichetConfiguration, now: Date())
    }

    // MARK: - The follow-up

    @Sendable
    func followUp(req: Request) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        let filters = try req.queryParameters(GrantFollowUp.Filters.self)
        let now = Date()
        let (rows, total, groups) = try await GrantFollowUp(database: req.db, now: now).page(
            for: user, keeping: req.keeping, filters: filters)
        let catalog = try await CallRepository(database: req.db).catalog(keeping: req.keeping)
        return try await req.view.render(
            "grants/follow-up",
            GrantFollowUpPage(
                req, filters: filters, rows: rows, total: total, groups: groups, calls: catalog.calls, now: now))
    }

    /// The follow-up as CSV (UTF-8), with its filters: one row per grant, figures in euros.
    @Sendable
    func followUpCSV(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let filters = try req.queryParameters(GrantFollowUp.Filters.self)
        let now = Date()
        let rows = try await GrantFollowUp(database: req.db, now: now).all(
            for: user, keeping: req.keeping, filters: filters)
        func euros(_ cents: Int64) -> String { (try? Money(cents: max(cents, 0)).decimalString) ?? "0" }
        var table: [[String]] = [
            [
                "numero", "titre", "organisme", "appel", "territoire", "montant_accorde", "acte", "acte_signe_le",
                "verse", "reverse", "versement_du", "compte_rendu_du", "compte_rendu", "a_faire", "simule",
            ]
        ]
        for row in rows {
            let act: String = row.actKind.flatMap(GrantActKind.init(rawValue:))?.label ?? ""
            let signed: String = row.signedAt.map(ParisTime.isoDay) ?? ""
            let due: String = row.reportDue.map(ParisTime.isoDay) ?? ""
            let report: String = row.reportStatus.flatMap(FinancialReport.Status.init(rawValue:))?.label ?? ""
            let tasks: String = row.tasks(now: now).map(\.label).joined(separator: " ; ")
            var line: [String] = [row.number, row.title, row.organisation, row.call, row.group, euros(row.granted)]
            line += [act, signed, euros(row.paid), euros(row.recovered), euros(row.due), due, report, tasks]
            line.append(row.simulated ? "oui" : "non")
            table.append(line)
        }
        let response = Response(status: .ok, body: .init(string: CSV.write(table)))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"suivi.csv\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }

    // MARK: - The financial report

    @Sendable
    func reportForm(req: Request) async throws -> Response {
        let (_, dossier) = try await memberDossier(req)
        return try await reportPage(req, dossier, raw: [:], errors: [:], status: .ok)
    }

    @Sendable
    func saveReport(req: Request) async throws -> Response {
        let (user, dossier) = try await memberDossier(req)
        let posted = try PostedForm.read(req)
        let file = posted.fields["next"]?.first == "file"
        let id = try dossier.requireID()
        do {
            let outcome = try await reports(req).save(dossier, posted: posted.fields, file: file, by: user)
            guard outcome.errors.isEmpty else {
                return try await reportPage(
                    req, dossier, raw: outcome.raw, errors: outcome.errors, status: .unprocessableEntity)
            }
            Flash.set(
                outcome.filed
                    ? "Compte rendu financier remis : l'instruction l'examine et vous écrira s'il faut le corriger."
                    : "Brouillon du compte rendu enregistré.", on: req)
            return req.redirect(to: outcome.filed ? SiteURL.dossier(id).path : SiteURL.grantReport(id).path)
        } catch let error as DomainError {
            Flash.set(error.message, on: req)
            let response = req.redirect(to: SiteURL.dossier(id).path)
            response.headers.replaceOrAdd(name: "X-Guichet-Error", value: error.code)
            return response
        }
    }

    private func reportPage(
        _ req: Request, _ dossier: DossierModel, raw: [String: [String]], errors: [String: String], status: HTTPStatus
    ) async throws -> Response {
        let id = try dossier.requireID()
        guard let grant = try await service(req).grant(of: id), grant.isSigned else {
            throw AppError.notFound(
                "grant_report_not_open", "Le compte rendu financier s'ouvre une fois l'acte attributif signé.")
        }
        let report = try await reports(req).report(of: id)
        let form = try await reports(req).form(report, act: grant.act)
        let page = GrantReportPage(
            req, dossier: dossier, grant: grant, report: report, form: form, raw: raw, errors: errors)
        return try await req.view.render("grants/report", page).encodeResponse(status: status, for: req)
    }

    @Sendable
    func staffReport(req: Request) async throws -> View {
        let (user, dossier) = try await staffDossier(req)
        let id = try dossier.requireID()
        guard let grant = try await service(req).grant(of: id), let report = try await reports(req).report(of: id),
            report.filedAt != nil
        else {
            throw AppError.notFound(
                "grant_report_not_found", "Aucun compte rendu financier n'a été remis pour ce dossier.")
        }
        let conflicted = try await StaffDirectory(req).isConflicted(user.requireID(), on: dossier)
        return try await req.view.render(
            "grants/report-review",
            GrantReportReviewPage(req, dossier: dossier, grant: grant, report: report, conflicted: conflicted))
    }

    @Sendable
    func validateReport(req: Request) async throws -> Response {
        let (user, dossier) = try await staffDossier(req)
        let confirmed = try PostedForm.read(req).fields["confirmer"]?.first == "oui"
        return try await Refusal.onStaffDossier(req, dossier) {
            guard confirmed else {
                throw DomainError.invalidForm(errors: [
                    "confirmer":
                        "Cochez « Je valide ce compte rendu » : une fois validé, le solde peut être versé et ce qui n'a pas été employé est à reverser."
                ])
            }
            let settlement = try await reports(req).validate(dossier, by: user)
            var text = "Compte rendu validé : subvention employée \(settlement.spent.formatted())."
            if settlement.toRecover > .zero {
                text +=
                    " À reverser : \(settlement.toRecover.formatted()) (enregistrez le titre de recette ci-dessous)."
            }
            if settlement.leftToPay > .zero { text += " Reste à verser : \(settlement.leftToPay.formatted())." }
            return text
        }
    }

    @Sendable
    func reportCorrection(req: Request) async throws -> Response {
        let (user, dossier) = try await staffDossier(req)
        let fields = try PostedForm.read(req).fields
        let message = fields["message"]?.first ?? ""
        let due = fields["due_on"]?.first ?? ""
        return try await Refusal.onStaffDossier(
            req, dossier, keeping: ["report_message": message, "report_due_on": due]
        ) {
            guard let day = ParisTime.day(due) else {
                throw DomainError.invalidForm(errors: ["due_on": "Indiquez une échéance (jour existant)."])
            }
            try await reports(req).requestCorrection(dossier, message: message, dueOn: day, by: user)
            return "Correction demandée ; l'organisme est prévenu par courriel."
        }
    }

    private func service(_ req: Request) -> GrantService { GrantService(database: req.db, now: Date()) }

    // MARK: - The organisation

    private func memberDossier(_ req: Request) async throws -> (UserModel, DossierModel) {
        let user = try req.auth.require(UserModel.self)
        guard let id = req.parameters.get("dossier").flatMap(UUID.init(uuidString:)) else {
            throw AppError.notFound("dossier_not_found", "Dossier introuvable.")
        }
        return (user, try await Membership(database: req.db).requireDossier(id, for: user.requireID()))
    }

    @Sendable
    func applicantAct(req: Request) async throws -> View {
        let (_, dossier) = try await memberDossier(req)
        return try await actPage(req, dossier, back: SiteURL.dossier(try dossier.requireID()).path, staff: false)
    }

    @Sendable
    func applicantPDF(req: Request) async throws -> Response {
        let (_, dossier) = try await memberDossier(req)
        return try await pdf(req, dossier)
    }

    @Sendable
    func accept(req: Request) async throws -> Response {
        let (user, dossier) = try await memberDossier(req)
        let confirmed = try PostedForm.read(req).fields["confirmer"]?.first == "oui"
        let page = SiteURL.dossier(try dossier.requireID()).path
        return try await Refusal.redirecting(req, success: page, refused: page) {
            try await service(req).accept(dossier, by: user, confirmed: confirmed)
            return "L'acte est accepté au nom de l'organisme : les versements suivent l'échéancier qu'il prévoit."
        }
    }

    // MARK: - The staff

    private func staffDossier(_ req: Request) async throws -> (UserModel, DossierModel) {
        let user = try req.auth.require(UserModel.self)
        return (user, try await StaffDirectory(req).filedDossier(req.parameters.get("dossier"), for: user))
    }

    @Sendable
    func staffAct(req: Request) async throws -> View {
        let (_, dossier) = try await staffDossier(req)
        return try await actPage(req, dossier, back: SiteURL.staffDossier(try dossier.requireID()).path, staff: true)
    }

    @Sendable
    func staffPDF(req: Request) async throws -> Response {
        let (_, dossier) = try await staffDossier(req)
        return try await pdf(req, dossier)
    }

    @Sendable
    func generate(req: Request) async throws -> Response {
        let (user, dossier) = try await staffDossier(req)
        return try await Refusal.onStaffDossier(req, dossier) {
            let act = try await service(req).generateAct(dossier, by: user)
            return
                "L'acte est établi (\(act.actKind.label)) : l'organisme peut l'accepter dans son espace, ou vous enregistrez l'exemplaire qu'il a signé."
        }
    }

    @Sendable
    func upload(req: Request) async throws -> Response {
        let (user, dossier) = try await staffDossier(req)
        let posted = try PostedForm.read(req)
        let file = posted.files["fichier"]
        return try await Refusal.onStaffDossier(req, dossier) {
            try await service(req).recordSignedCopy(
                dossier, fileName: file?.fileName ?? "", data: file?.data ?? Data(),
                store: AttachmentStore.configured(req.application, on: req.db),
                policy: AttachmentPolicy(
                    maxBytes: req.application.guichetConfiguration.maxUploadBytes,
                    allowed: AttachmentPolicy.defaultAllowed),
                by: user)
            return "Exemplaire signé enregistré : l'acte est signé, les versements peuvent suivre."
        }
    }

    @Sendable
    func signedCopy(req: Request) async throws -> Response {
        let (_, dossier) = try await staffDossier(req)
        guard let grant = try await service(req).grant(of: dossier.requireID()),
            let sha256 = grant.act.signedFileSHA256
        else {
            throw AppError.notFound("signed_copy_not_found", "Aucun exemplaire signé n'est enregistré pour cet acte.")
        }
        let data = try await AttachmentStore.configured(req.application, on: req.db, scanning: false)
            .read(sha256: sha256)
        let name = grant.act.signedFileName ?? "acte-signe.pdf"
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: FileKind.detect(data).mimeType)
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: AttachmentPolicy.contentDisposition(fileName: name))
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }

    struct MovementInput: Content {
        var day: String?
        var amount: String?
        var reference: String?
    }

    @Sendable
    func payment(req: Request) async throws -> Response {
        try await movement(req, .payment)
    }

    @Sendable
    func recovery(req: Request) async throws -> Response {
        try await movement(req, .recovery)
    }

    private func movement(_ req: Request, _ kind: GrantMovementModel.Kind) async throws -> Response {
        let (user, dossier) = try await staffDossier(req)
        let input = (try? req.content.decode(MovementInput.self)) ?? MovementInput()
        let prefix = kind == .payment ? "versement" : "reversement"
        let typed = [
            "\(prefix)_day": input.day ?? "", "\(prefix)_amount": input.amount ?? "",
            "\(prefix)_reference": input.reference ?? "",
        ]
        return try await Refusal.onStaffDossier(req, dossier, keeping: typed) {
            var errors: [String: String] = [:]
            let day = (input.day ?? "").isEmpty ? nil : ParisTime.day(input.day ?? "")
            if day == nil { errors["day"] = "Indiquez le jour du \(prefix) (jour existant, AAAA-MM-JJ)." }
            let amount = try? Money.parse(input.amount ?? "")
            if amount == nil {
                errors["amount"] = "Indiquez le montant du \(prefix) en euros (exemple : 12 500 ou 12 500,50)."
            }
            guard errors.isEmpty, let day, let amount else { throw DomainError.invalidForm(errors: errors) }
            try await service(req).record(
                kind, on: dossier, day: day, amount: amount, reference: input.reference ?? "", by: user)
            return kind == .payment
                ? "Versement de \(amount.formatted()) enregistré."
                : "Reversement de \(amount.formatted()) enregistré : la somme revient à l'enveloppe."
        }
    }

    // MARK: - The act's pages

    private func actPage(_ req: Request, _ dossier: DossierModel, back: String, staff: Bool) async throws -> View {
        let id = try dossier.requireID()
        guard let grant = try await service(req).grant(of: id) else {
            throw AppError.notFound("grant_act_not_found", "L'acte attributif de ce dossier n'est pas encore établi.")
        }
        let view = GrantView(grant, dossierID: id, viewer: staff ? .staff(conflicted: false) : .organisation)
        var page = GrantActPage(
            chrome: .make(req), backURL: back, pdfURL: view.pdfURL, document: try grant.act.decodedDocument(),
            signed: view.signed, simulated: grant.act.simulated, draft: grant.act.signedAt == nil)
        page.number = grant.act.number
        page.staff = staff
        return try await req.view.render("grants/act", page)
    }

    /// The act printed by Chromium from its standalone document (nothing fetched).
    private func pdf(_ req: Request, _ dossier: DossierModel) async throws -> Response {
        guard let grant = try await service(req).grant(of: dossier.requireID()) else {
            throw AppError.notFound("grant_act_not_found", "L'acte attributif de ce dossier n'est pas encore établi.")
        }
        guard let printer = PressKitPDF.locate(configured: req.application.guichetConfiguration.chromiumPath) else {
            throw AppError(
                status: .notFound, code: "pdf_unavailable",
                message:
                    "Le PDF n'est pas disponible sur ce serveur (Chromium n'y est pas installé) : ouvrez l'acte et imprimez-le depuis votre navigateur."
            )
        }
        let view = GrantView(grant, dossierID: try dossier.requireID(), viewer: .organisation)
        let page = GrantActPage(
            chrome: .anonymous(req.application.guichetConfiguration), backURL: "", pdfURL: "",
            document: try grant.act.decodedDocument(), signed: view.signed, simulated: grant.act.simulated,
            draft: grant.act.signedAt == nil)
        let html = try await req.view.render("grants/act-print", page).get()
        let actID = try grant.act.requireID()
        let pdf = try await PrintQueue.shared.run(for: actID) {
            try await printer.render(html: String(buffer: html.data))
        }
        let response = Response(status: .ok, body: .init(data: pdf))
        response.headers.replaceOrAdd(name: .contentType, value: "application/pdf")
        response.headers.replaceOrAdd(
            name: .contentDisposition,
            value: AttachmentPolicy.contentDisposition(fileName: "\(grant.act.number)-\(grant.act.kind).pdf"))
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }
}
