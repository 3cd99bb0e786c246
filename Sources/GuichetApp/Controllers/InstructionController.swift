import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// A dossier's instruction page and its actions (taking it, eligibility, corrections, review,
/// opinion, scores, handing it over), for instructors and administrators whose scopes cover it.
/// Anyone else gets 404: the pages do not exist for them.
struct InstructionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(LoginRequired(), StaffRequired(roles: StaffDirectory.instructingRoles))
        staff.get(.staffDossier(.pattern), use: show)
        staff.post(.takeDossier(.pattern), use: take)
        staff.post(.staffEligibility(.pattern), use: eligibility)
        staff.post(.staffCorrection(.pattern), use: correction)
        staff.post(.staffReview(.pattern), use: review)
        staff.post(.staffOpinion(.pattern), use: opinion)
        staff.post(.staffScores(.pattern), use: score)
        staff.post(.staffAssignment(.pattern), use: reassign)
        staff.get(.staffAttachment(dossier: .pattern, attachment: .pattern), use: download)
    }

    /// An attachment of a dossier in the instructor's scope, served with its detected type.
    @Sendable
    func download(req: Request) async throws -> Response {
        let (_, dossier) = try await load(req)
        return try await AttachmentResponse.make(req, dossier: dossier)
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
            try await service(req).decideEligibility(
                dossier, eligible: input.decision == "recevable", motive: input.motive ?? "", by: user)
            return input.decision == "recevable"
                ? "Dossier déclaré recevable." : "Dossier déclaré irrecevable ; le porteur est prévenu."
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
        let confirmed = try PostedForm.read(req).fields["confirmer"]?.first == "oui"
        return try await act(req, dossier) {
            try await service(req).advanceReview(dossier, by: user, confirmed: confirmed)
        }
    }

    @Sendable
    func opinion(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        let input = try req.content.decode(OpinionInput.self)
        let typed = ["kind": input.kind ?? "", "amount": input.amount ?? "", "motive": input.motive ?? ""]
        return try await act(req, dossier, keeping: typed) {
            guard let kind = input.kind.flatMap(OpinionKind.init(rawValue:)) else {
                throw DomainError.invalidForm(errors: ["kind": "Choisissez un avis."])
            }
            let amount =
                (input.amount ?? "").trimmingCharacters(in: .whitespaces).isEmpty
                ? Money.zero : try Money.parse(input.amount ?? "")
            try await service(req).giveOpinion(
                dossier, kind: kind, proposed: amount, motive: input.motive ?? "", by: user)
            return "Avis enregistré."
        }
    }

    /// Scores the dossier on the call's grid: `note_<criterion>` (0…max) and `commentaire_<criterion>`.
    @Sendable
    func score(req: Request) async throws -> Response {
        let (user, dossier) = try await load(req)
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        return try await act(req, dossier, keeping: fields) {
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

    private func act(
        _ req: Request, _ dossier: DossierModel, keeping fields: [String: String] = [:],
        _ work: () async throws -> String
    ) async throws -> Response {
        try await Refusal.onStaffDossier(req, dossier, keeping: fields, work)
    }

    private func service(_ req: Request) -> InstructionService {
        InstructionService(database: req.db, configuration: req.application.guichetConfiguration, now: Date())
    }

    @Sendable
    func show(req: Request) async throws -> View {
        let (_, dossier) = try await load(req)
        // This page's reads are written as plain SQL (``ModelRows``): it is the staff's most
        // visited page after the queue.
        var organisation = dossier.$organisation.value
        if organisation == nil {
            organisation = try await ModelRows.find(OrganisationModel.self, dossier.$organisation.id, on: req.db)
        }
        guard let callModel = try await ModelRows.find(CallModel.self, dossier.$call.id, on: req.db),
            let organisation
        else { throw AppError.notFound("dossier_not_found", "Dossier introuvable.") }
        dossier.$organisation.value = organisation
        let call = try await CallRepository(database: req.db).load(callModel)
        let form = try await CallRepository(database: req.db).form(call.id, version: dossier.formVersion ?? 1)
        var assignee: UserModel? = nil
        if let assigneeID = dossier.assigneeID {
            assignee = try await ModelRows.find(UserModel.self, assigneeID, on: req.db)
        }
        // A linked person sees neither the others' opinions, scores and notes, nor what the
        // history says of them (expert answers included).
        let conflicted = try await StaffDirectory(req).isConflicted(
            req.auth.require(UserModel.self).requireID(), on: dossier)
        let dossierID = try dossier.requireID()
        let history = StaffDirectory.readableHistory(
            try await ModelRows.all(
                AuditEntryModel.self, "WHERE m.entity_id = \(bind: dossierID) ORDER BY m.at", on: req.db),
            conflicted: conflicted)
        // Authors and reviewers come in the same query (a join), not in a second one as `with`
        // reads them: each query is a round trip to the database's thread.
        let opinions =
            conflicted
            ? []
            : try await ModelRows.all(
                OpinionModel.self, with: \.$author, "WHERE m.dossier_id = \(bind: dossierID) ORDER BY m.created_at",
                on: req.db)
        let reviews =
            conflicted
            ? []
            : try await ModelRows.all(
                ReviewModel.self, with: \.$reviewer, "WHERE m.dossier_id = \(bind: dossierID) ORDER BY m.created_at",
                on: req.db)
        let teamwork = Teamwork(database: req.db, now: Date())
        let section = TeamworkSection(
            dossierID: dossierID,
            messages: try await CorrespondenceService.thread(dossierID, on: req.db),
            labels: try await teamwork.labels(of: [dossierID])[dossierID] ?? [],
            notes: conflicted ? [] : try await teamwork.annotations(of: dossierID), conflicted: conflicted)
        var page = try await StaffDossierPage(
            req, dossier: dossier, call: call, form: form,
            organisation: organisation, history: history,
            assignee: assignee, opinions: opinions,
            conflicted: conflicted, reviews: reviews,
            colleagues: StaffDirectory(req).instructorNames(covering: dossier),
            expertRequests: ModelRows.all(
                ExpertRequestModel.self, "WHERE m.dossier_id = \(bind: dossierID) ORDER BY m.created_at", on: req.db),
            services: ExpertService(database: req.db, configuration: req.application.guichetConfiguration, now: Date())
                .services(keeping: req.keeping),
            attachments: ModelRows.all(AttachmentModel.self, "WHERE m.dossier_id = \(bind: dossierID)", on: req.db))
        page.teamwork = section
        // After the decision: the grant, or its act to establish. Only a laureate reads the table.
        if let status = DossierStatus(rawValue: dossier.status), status.isLaureate {
            if let grant = try await GrantService(database: req.db, now: Date()).grant(of: dossierID) {
                let report = try await GrantReportModel.query(on: req.db).filter(\.$dossierID == dossierID).first()
                page.grant = GrantView(
                    grant, dossierID: dossierID, viewer: .staff(conflicted: conflicted), report: report)
            } else if status == .retained, !conflicted {
                page.grantGenerateURL = SiteURL.staffGrantActGeneration(dossierID).path
            }
        }
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
                throw DomainError.invalidForm(errors: [
                    "assignee": "Choisissez une personne qui instruit ce territoire."
                ])
            }
            try await Teamwork(database: req.db, now: Date()).assign([dossier], to: colleague, by: user)
            return "Dossier attribué à \(colleague.displayName)."
        }
    }

    /// The dossier, if the instructor's scopes cover it; 404 otherwise.
    private func load(_ req: Request) async throws -> (UserModel, DossierModel) {
        let user = try req.auth.require(UserModel.self)
        return (user, try await StaffDirectory(req).filedDossier(req.parameters.get("dossier"), for: user))
    }

}
