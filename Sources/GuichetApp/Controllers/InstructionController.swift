import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// The instructors' side: the queue of the dossiers routed to their territory, a dossier's page
/// with its history, taking a dossier. Anyone else gets 404: the pages do not exist for them.
struct InstructionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(LoginRequired(), StaffRequired(roles: StaffDirectory.instructingRoles))
        staff.get("instruction", use: queue)
        staff.get("instruction", "export.csv", use: export)
        staff.get("instruction", "exports", ":dataset", use: exportDataset)
        staff.get("instruction", "dossiers", ":dossier", use: show)
        staff.post("instruction", "dossiers", ":dossier", "prendre", use: take)
        staff.post("instruction", "dossiers", ":dossier", "recevabilite", use: eligibility)
        staff.post("instruction", "dossiers", ":dossier", "complement", use: correction)
        staff.post("instruction", "dossiers", ":dossier", "instruction", use: review)
        staff.post("instruction", "dossiers", ":dossier", "avis", use: opinion)
        staff.post("instruction", "dossiers", ":dossier", "notes", use: score)
        staff.post("instruction", "dossiers", ":dossier", "attribuer", use: reassign)
        staff.get("instruction", "dossiers", ":dossier", "pieces", ":attachment", use: download)
        let anyStaff = routes.grouped(LoginRequired(), StaffRequired(roles: Set(Role.allCases).subtracting([.applicant, .system])))
        anyStaff.get("liens-d-interet", use: links)
        anyStaff.post("liens-d-interet", use: declareLink)
    }

    /// An attachment of a dossier in the instructor's scope, served with its detected type.
    @Sendable
    func download(req: Request) async throws -> Response {
        let (_, dossier) = try await load(req)
        return try await AttachmentResponse.make(req, dossier: dossier)
    }

    struct LinkInput: Content {
        var siret: String?
        var rna: String?
        var description: String?
    }

    @Sendable
    func links(req: Request) async throws -> Response {
        try await linksPage(req, input: LinkInput(), errors: [:], status: .ok)
    }

    @Sendable
    func declareLink(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let input = try req.content.decode(LinkInput.self)
        do {
            try await StaffDirectory(database: req.db).declareLink(user, siret: input.siret ?? "", rna: input.rna ?? "",
                                                                   description: input.description ?? "")
        } catch DomainError.invalidForm(let errors) {
            return try await linksPage(req, input: input, errors: errors, status: .unprocessableEntity)
        }
        Flash.set("Lien déclaré : vous serez déporté des dossiers de cette organisation.", on: req)
        return req.redirect(to: SiteURL.staffLinks.path)
    }

    private func linksPage(_ req: Request, input: LinkInput, errors: [String: String], status: HTTPStatus) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let declared = try await StaffLinkModel.query(on: req.db).filter(\.$user.$id == user.requireID()).sort(\.$createdAt).all()
        let intro = declared.isEmpty ? "Aucun lien déclaré." : "Liens déclarés : " + declared.map { link in
            "\(link.description) (\([link.siret.map { "SIRET \($0)" }, link.rna.map { "RNA \($0)" }].compactMap { $0 }.joined(separator: ", ")))"
        }.joined(separator: " ; ") + "."
        let fields = [
            FieldView(name: "siret", label: "SIRET de l'organisation", value: input.siret ?? "", error: errors["siret"], required: false),
            FieldView(name: "rna", label: "Numéro RNA de l'organisation", value: input.rna ?? "", error: errors["rna"], required: false),
            FieldView(name: "description", label: "Nature du lien", value: input.description ?? "", error: errors["description"],
                      help: "Par exemple : membre du conseil d'administration, salarié, bénévole, parent d'un dirigeant."),
        ]
        return try await req.view.render("form", FormPage(req, title: "Mes liens d'intérêt", intro: intro, action: SiteURL.staffLinks.path,
                                                          submitLabel: "Déclarer ce lien", fields: fields))
            .encodeResponse(status: status, for: req)
    }

    struct EligibilityInput: Content {
        var decision: String?
        var motive: String?
    }

    struct CorrectionInput: Content {
        var message: String?
        var due_on: String?
    }

    struct OpinionInput: Content {
        var kind: String?
        var amount: String?
        var motive: String?
    }

    @Sendable
    func eligibility(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        let input = try req.content.decode(EligibilityInput.self)
        return try await act(req, dossier) {
            try await service(req).decideEligibility(dossier, eligible: input.decision == "recevable", motive: input.motive ?? "", by: user)
            return input.decision == "recevable" ? "Dossier déclaré recevable." : "Dossier déclaré irrecevable ; le porteur est prévenu."
        }
    }

    @Sendable
    func correction(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        let input = try req.content.decode(CorrectionInput.self)
        return try await act(req, dossier) {
            guard let due = (input.due_on).flatMap(ParisTime.day) else {
                throw DomainError.invalidForm(errors: ["due_on": "Indiquez une échéance (jour existant)."])
            }
            try await service(req).requestCorrection(dossier, message: input.message ?? "", dueOn: due, by: user)
            return "Complément demandé ; le porteur est prévenu par courriel."
        }
    }

    @Sendable
    func review(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        return try await act(req, dossier) {
            try await service(req).advanceReview(dossier, by: user)
            return "Statut mis à jour."
        }
    }

    @Sendable
    func opinion(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        let input = try req.content.decode(OpinionInput.self)
        return try await act(req, dossier) {
            guard let kind = input.kind.flatMap(OpinionKind.init(rawValue:)) else {
                throw DomainError.invalidForm(errors: ["kind": "Choisissez un avis."])
            }
            let amount = (input.amount ?? "").trimmingCharacters(in: .whitespaces).isEmpty ? Money.zero : try Money.parse(input.amount ?? "")
            try await service(req).giveOpinion(dossier, kind: kind, proposed: amount, motive: input.motive ?? "", by: user)
            return "Avis enregistré."
        }
    }

    /// Scores the dossier on the call's grid: `note_<criterion>` (0…max) and `commentaire_<criterion>`.
    @Sendable
    func score(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        return try await act(req, dossier) {
            var marks: [String: Int] = [:]
            var comments: [String: String] = [:]
            for (key, value) in fields {
                if key.hasPrefix("note_") {
                    guard let mark = Int(value.trimmingCharacters(in: .whitespaces)) else {
                        throw DomainError.invalidForm(errors: [String(key.dropFirst(5)): "Choisissez une note."])
                    }
                    marks[String(key.dropFirst(5))] = mark
                }
                if key.hasPrefix("commentaire_") { comments[String(key.dropFirst(12))] = value }
            }
            try await service(req).score(dossier, marks: marks, comments: comments, by: user)
            return "Notation enregistrée."
        }
    }

    private func act(_ req: Request, _ dossier: DossierModel, _ work: () async throws -> String) async throws -> Response {
        try await Self.respond(req, dossier, work)
    }

    /// Runs an action; a refusal comes back on the dossier's page as a notice, nothing stored.
    static func respond(_ req: Request, _ dossier: DossierModel, _ work: () async throws -> String) async throws -> Response {
        let page = SiteURL.staffDossier(try dossier.requireID()).path
        return try await Refusal.redirecting(req, success: page, refused: page, work)
    }

    private func service(_ req: Request) -> InstructionService {
        InstructionService(database: req.db, configuration: req.application.guichetConfiguration, now: Date())
    }

    /// The queue's filters, as query parameters (French, as they appear in the address bar).
    struct Filters: Content {
        var statut: String?
        var theme: String?
        var territoire: String?
        var assignation: String?
        var etiquette: String?
        var tri: String?
        var page: Int?
        /// Aggregate score bounds, out of 100.
        var note_min: Int?
        var note_max: Int?
    }

    static let pageSize = 50

    @Sendable
    func queue(req: Request) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        let filters = (try? req.query.decode(Filters.self)) ?? Filters()
        let (query, groups, counts) = try await Self.queueQuery(req, user: user, filters: filters)
        let pageNumber = max(1, min(filters.page ?? 1, 100_000))
        let page = try await query.paginate(PageRequest(page: pageNumber, per: Self.pageSize))
        let assignees = try await Self.names(Set(page.items.compactMap(\.assigneeID)), req.db)
        // A linked person never sees the scores of the dossiers of their organisations.
        let linked = try await StaffDirectory(database: req.db).linkedDossiers(user.requireID(), among: page.items)
        let scores = try await InstructionService.aggregates(page.items.compactMap(\.id).filter { !linked.contains($0) }, on: req.db)
        let teamwork = Teamwork(database: req.db, now: Date())
        let extras = QueuePage.Extras(labels: try await teamwork.labels(of: page.items.compactMap(\.id)),
                                      labelsInUse: try await teamwork.labelsInUse(groups: groups),
                                      colleagues: try await StaffDirectory(database: req.db).instructors(sharing: groups),
                                      currentURL: req.url.string,
                                      themes: try await CallRepository(database: req.db).themeCatalog())
        return try await req.view.render("instruction/queue", QueuePage(req, filters: filters, page: page, counts: counts,
                                                                        assignees: assignees, groups: groups, scores: scores,
                                                                        extras: extras))
    }

    @Sendable
    func show(req: Request) async throws -> View {
        let (_, dossier) = try await load(req)
        let call = try await CallRepository(database: req.db).load(dossier.$call.get(on: req.db))
        let form = try await CallRepository(database: req.db).form(call.id, version: dossier.formVersion ?? 1)
        let organisation = try await dossier.$organisation.get(on: req.db)
        var assignee: UserModel? = nil
        if let assigneeID = dossier.assigneeID { assignee = try await UserModel.find(assigneeID, on: req.db) }
        // A linked person sees neither the others' opinions, scores and notes, nor what the
        // history says of them (expert answers included).
        let conflicted = try await StaffDirectory(database: req.db).isConflicted(req.auth.require(UserModel.self).requireID(), on: dossier)
        let history = StaffDirectory.readableHistory(
            try await AuditEntryModel.query(on: req.db).filter(\.$entityID == dossier.requireID()).sort(\.$at).all(), conflicted: conflicted)
        let opinions = conflicted ? [] : try await OpinionModel.query(on: req.db).filter(\.$dossier.$id == dossier.requireID())
            .with(\.$author).sort(\.$createdAt).all()
        let reviews = conflicted ? [] : try await ReviewModel.query(on: req.db).filter(\.$dossier.$id == dossier.requireID())
            .with(\.$reviewer).sort(\.$createdAt).all()
        let teamwork = Teamwork(database: req.db, now: Date())
        let dossierID = try dossier.requireID()
        let section = TeamworkSection(dossierID: dossierID,
                                      messages: try await CorrespondenceService.thread(dossierID, on: req.db),
                                      labels: try await teamwork.labels(of: [dossierID])[dossierID] ?? [],
                                      notes: conflicted ? [] : try await teamwork.annotations(of: dossierID), conflicted: conflicted)
        var page = try await StaffDossierPage(req, dossier: dossier, call: call, form: form,
                                                                                 organisation: organisation, history: history,
                                                                                 assignee: assignee, opinions: opinions,
                                                                                 conflicted: conflicted, reviews: reviews,
                                                                                 colleagues: StaffDirectory(database: req.db).instructors(covering: dossier),
                                                                                 expertRequests: ExpertRequestModel.query(on: req.db)
                                                                                     .filter(\.$dossier.$id == dossier.requireID()).sort(\.$createdAt).all(),
                                                                                 services: ExpertService(database: req.db, configuration: req.application.guichetConfiguration, now: Date()).services(),
                                                                                 attachments: AttachmentModel.query(on: req.db)
                                                                                     .filter(\.$dossier.$id == dossier.requireID()).all())
        page.teamwork = section
        return try await req.view.render("instruction/dossier", page)
    }

    @Sendable
    func take(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        return try await act(req, dossier) {
            try await Teamwork(database: req.db, now: Date()).assign([dossier], to: user, by: user)
            return "Vous instruisez ce dossier."
        }
    }

    /// Hands the dossier to a colleague whose scopes cover it and who has no declared link with
    /// its organisation; the change is in the history.
    @Sendable
    func reassign(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        let target = (try? req.content.get(String.self, at: "assignee")).flatMap(UUID.init(uuidString:))
        return try await act(req, dossier) {
            guard let target, let colleague = try await UserModel.find(target, on: req.db) else {
                throw DomainError.invalidForm(errors: ["assignee": "Choisissez une personne qui instruit ce territoire."])
            }
            try await Teamwork(database: req.db, now: Date()).assign([dossier], to: colleague, by: user)
            return "Dossier attribué à \(colleague.displayName)."
        }
    }

    /// The dossier, if the instructor's scopes cover it; 404 otherwise.
    private func load(_ req: Request) async throws -> (UserModel, DossierModel) {
        let user = try req.auth.require(UserModel.self)
        return (user, try await Self.loadDossier(req, user))
    }

    /// The dossier named in the path, if the user's scopes cover it; 404 otherwise.
    static func loadDossier(_ req: Request, _ user: UserModel) async throws -> DossierModel {
        let notFound = AppError.notFound("dossier_not_found", "Dossier introuvable.")
        guard let id = req.parameters.get("dossier").flatMap(UUID.init(uuidString:)),
              let dossier = try await DossierModel.find(id, on: req.db), dossier.filedAt != nil else { throw notFound }
        let scopes = try await StaffDirectory(database: req.db).scopes(of: user.requireID())
        guard scopes.contains(where: { $0.covers((try? dossier.domain().scope) ?? .national(regions: [])) }) else { throw notFound }
        return dossier
    }

    /// The dossiers a user may see, narrowed by the filters; with the groups visible and the
    /// counts per status (before the status filter). The page and the CSV export share it.
    static func queueQuery(_ req: Request, user: UserModel, filters: Filters) async throws
        -> (QueryBuilder<DossierModel>, Set<String>?, [String: Int]) {
        let groups = StaffDirectory.visibleGroups(try await StaffDirectory(database: req.db).scopes(of: user.requireID()))
        func visible() -> QueryBuilder<DossierModel> {
            let query = DossierModel.query(on: req.db).filter(\.$filedAt != nil)
            if let groups { query.filter(\.$instructorGroup ~~ Array(groups)) }
            return query
        }
        let counts = try await countsByStatus(groups: groups, on: req.db)
        let query = visible().with(\.$organisation)
        if let status = filters.statut.flatMap(DossierStatus.init(rawValue:)) { query.filter(\.$status == status.rawValue) }
        if let theme = filters.theme, !theme.isEmpty { query.filter(\.$themeCode == theme) }
        if let territory = filters.territoire, !territory.isEmpty { query.filter(\.$instructorGroup == territory) }
        if let raw = filters.etiquette, !raw.isEmpty {
            let key = (try? DossierLabel(raw).key) ?? raw.lowercased()
            query.join(DossierLabelModel.self, on: \DossierModel.$id == \DossierLabelModel.$dossier.$id)
                .filter(DossierLabelModel.self, \.$labelKey == key)
        }
        switch filters.assignation {
        case "moi": query.filter(\.$assigneeID == user.id)
        case "personne": query.filter(\.$assigneeID == nil)
        case let value?:
            // A colleague's dossiers; an unknown value narrows to nothing rather than failing.
            if let id = UUID(uuidString: value) { query.filter(\.$assigneeID == id) } else if !value.isEmpty { query.filter(\.$id == UUID()) }
        default: break
        }
        if filters.note_min != nil || filters.note_max != nil {
            // Scores are aggregated per call's grid, so the range is applied to the computed values.
            // A linked person's dossiers never match a score range: their presence would reveal it.
            let candidates = try await visible().with(\.$organisation).all()
            let linked = try await StaffDirectory(database: req.db).linkedDossiers(user.requireID(), among: candidates)
            let ids = candidates.compactMap(\.id).filter { !linked.contains($0) }
            let aggregates = try await InstructionService.aggregates(ids, on: req.db)
            let low = (filters.note_min ?? 0) * 100, high = (filters.note_max ?? 100) * 100
            let matching = aggregates.filter { (low...max(low, high)).contains($0.value.score) }.map(\.key)
            query.filter(\.$id ~~ matching)
        }
        switch filters.tri {
        case "montant": query.sort(\.$requestedCents, .descending)
        case "titre": query.sort(\.$title)
        case "depot": query.sort(\.$filedAt)
        default: query.sort(\.$number)
        }
        return (query, groups, counts)
    }

    /// The queue as CSV (UTF-8), with the filters applied: the dossiers dataset of the exports.
    @Sendable
    func export(req: Request) async throws -> Response {
        try await exportResponse(req, dataset: .dossiers, format: "csv")
    }

    /// `/instruction/exports/{dataset}.{csv|json}`: dossiers, scores (`notes`), opinions (`avis`)
    /// or decisions of the dossiers the person may see, with the queue's filters.
    @Sendable
    func exportDataset(req: Request) async throws -> Response {
        let name = req.parameters.get("dataset") ?? ""
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let dataset = ExportService.Dataset(rawValue: parts[0]), ["csv", "json"].contains(parts[1]) else {
            throw AppError.notFound("unknown_export", "Export inconnu : choisissez dossiers, notes, avis ou decisions, en .csv ou .json.")
        }
        return try await exportResponse(req, dataset: dataset, format: parts[1])
    }

    private func exportResponse(_ req: Request, dataset: ExportService.Dataset, format: String) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let filters = (try? req.query.decode(Filters.self)) ?? Filters()
        let (query, _, _) = try await Self.queueQuery(req, user: user, filters: filters)
        let table = try await ExportService(database: req.db).table(dataset, dossiers: try await query.all(), user: user)
        let response: Response
        if format == "json" {
            response = Response(status: .ok, body: .init(data: try table.json()))
            response.headers.replaceOrAdd(name: .contentType, value: "application/json")
        } else {
            // The byte-order mark lets spreadsheets read UTF-8.
            response = Response(status: .ok, body: .init(string: "\u{FEFF}" + table.csv))
            response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        }
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(dataset.rawValue).\(format)\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }

    /// Filed dossiers per status among the visible groups, counted by the database.
    ///
    /// Reading every visible dossier's status to count it in Swift cost most of the queue's time at
    /// 2 610 dossiers (docs/BENCHMARKS.md); `GROUP BY` returns six rows.
    static func countsByStatus(groups: Set<String>?, on db: any Database) async throws -> [String: Int] {
        let sql = try db.sql()
        if let groups, groups.isEmpty { return [:] }
        let query = sql.select().column("status").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(DossierModel.schema).where("filed_at", .isNot, SQLLiteral.null)
        if let groups { query.where("instructor_group", .in, Array(groups)) }
        let rows = try await query.groupBy("status").all()
        return try rows.reduce(into: [:]) { counts, row in
            counts[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
    }

    static func names(_ ids: Set<UUID>, _ db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let users = try await UserModel.query(on: db).filter(\.$id ~~ Array(ids)).all()
        return Dictionary(users.compactMap { u in u.id.map { ($0, u.displayName) } }, uniquingKeysWith: { a, _ in a })
    }
}

/// Pages for staff of the given roles; everyone else gets 404.
struct StaffRequired: AsyncMiddleware {
    let roles: Set<Role>

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let user = request.auth.get(UserModel.self), let role = Role(rawValue: user.role), roles.contains(role) else {
            throw AppError.notFound()
        }
        return try await next.respond(to: request)
    }
}
