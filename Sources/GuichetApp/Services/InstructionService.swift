import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// Instructors' actions on a dossier: eligibility, requests for correction, review, opinions.
/// Each is checked by the domain and saved with its audit entry in one transaction.
struct InstructionService {
    let database: any Database
    let configuration: AppConfiguration
    let now: Date

    /// Every instruction action passes here first: a person linked to the dossier's organisation
    /// is refused, and the recusal recorded.
    private func recuse(_ user: UserModel, on dossier: DossierModel, action: String) async throws {
        try await StaffDirectory(database: database).checkNotConflicted(user, on: dossier, action: action, now: now)
    }

    static func agent(_ user: UserModel) -> Agent {
        Agent(id: user.id, name: user.displayName, role: Role(rawValue: user.role) ?? .instructor)
    }

    /// Declares a dossier eligible, or ineligible with a motive (mailed to its representatives).
    func decideEligibility(_ dossier: DossierModel, eligible: Bool, motive: String, by user: UserModel) async throws {
        try await recuse(user, on: dossier, action: "décider de la recevabilité de ce dossier")
        let action: DossierAction = eligible ? .declareEligible : .declareIneligible(motive: motive)
        try await DossierService(database: database).apply(
            action, to: dossier.requireID(), by: Self.agent(user), now: now)
        if !eligible {
            try await notifyMembers(
                of: dossier, subject: "Votre dossier \(dossier.number ?? "") est irrecevable",
                body: """
                    Bonjour,

                    Après examen, votre dossier « \(dossier.title) » (\(dossier.number ?? "")) a été déclaré irrecevable, pour le motif suivant :

                    \(motive.trimmingCharacters(in: .whitespacesAndNewlines))
                    """, kind: "ineligible")
        }
    }

    /// Sends the dossier back to its applicant with a message and a due day; it comes back when
    /// they refile it.
    func requestCorrection(_ dossier: DossierModel, message: String, dueOn: Date, by user: UserModel) async throws {
        try await recuse(user, on: dossier, action: "demander un complément sur ce dossier")
        try InstructionRules.checkCorrectionDue(dueOn, now: now)
        let id = try dossier.requireID()
        try await database.transaction { db in
            try await DossierService(database: db).apply(
                .requestCorrection(message: message), to: id, by: Self.agent(user), now: now)
            guard let fresh = try await DossierModel.find(id, on: db) else { return }
            fresh.correctionMessage = message.trimmingCharacters(in: .whitespacesAndNewlines)
            fresh.correctionDueOn = dueOn
            fresh.correctionRemindedAt = nil
            try await fresh.save(on: db)
            try await InstructionService(database: db, configuration: configuration, now: now).notifyMembers(
                of: fresh, subject: "Complément demandé pour votre dossier \(fresh.number ?? "")",
                body: """
                    Bonjour,

                    L'instruction de votre dossier « \(fresh.title) » (\(fresh.number ?? "")) demande un complément :

                    \(fresh.correctionMessage ?? "")

                    À faire avant le \(ParisTime.longDate(dueOn)) : \(configuration.publicURL)\(SiteURL.editDossier(id).path)
                    Une fois le dossier complété, déposez-le à nouveau ; il reviendra à l'instruction.
                    """, kind: "correction_request")
        }
    }

    /// Moves an eligible dossier into review, or a dossier under review to "reviewed".
    /// - Parameter confirmed: closing sends the dossier to the committee and freezes its scores, so
    ///   it must be confirmed (checked after who may act, so a stranger learns nothing more).
    /// - Returns: what happened, in the instructor's words.
    @discardableResult
    func advanceReview(_ dossier: DossierModel, by user: UserModel, confirmed: Bool) async throws -> String {
        try await recuse(user, on: dossier, action: "faire avancer l'instruction de ce dossier")
        let status = DossierStatus(rawValue: dossier.status) ?? .filed
        let closing = DossierLifecycle.statuses(from: .completeReview).contains(status)
        // Only someone allowed to close is asked to confirm; anyone else gets the lifecycle's refusal.
        if closing, DossierLifecycle.allows(.completeReview, from: status, by: Self.agent(user).role) {
            guard confirmed else {
                throw DomainError.invalidForm(errors: [
                    "confirmer":
                        "Cochez « Je confirme la clôture de l'instruction » : une fois close, l'instruction part au comité et ne se modifie plus."
                ])
            }
        }
        try await DossierService(database: database).apply(
            closing ? .completeReview : .startReview, to: dossier.requireID(), by: Self.agent(user), now: now)
        return closing
            ? "Instruction close : le dossier part au comité de sélection."
            : "Instruction commencée : la grille de notation et l'avis sont ouverts."
    }

    /// Records an instruction opinion: never above the request, never on a withdrawn dossier.
    func giveOpinion(
        _ dossier: DossierModel, kind: OpinionKind, proposed: Money, motive: String, by user: UserModel
    ) async throws {
        try await recuse(user, on: dossier, action: "donner un avis sur ce dossier")
        guard let status = DossierStatus(rawValue: dossier.status) else { return }
        try InstructionRules.checkOpinionAllowed(on: status)
        let opinion = try Opinion(
            kind: kind, proposedAmount: proposed, motive: motive, requested: try Money(cents: dossier.requestedCents))
        let id = try dossier.requireID()
        try await database.transaction { db in
            try await OpinionModel(opinion, dossier: id, author: try user.requireID(), simulated: false).create(on: db)
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: Self.agent(user), action: "give_opinion", entityType: "dossier",
                    entityID: id, from: nil, to: opinion.kind.rawValue,
                    reason: "\(opinion.proposedAmount.formatted()) — \(opinion.motive)")
            ).create(on: db)
        }
    }

    /// How long before a correction's due day its reminder leaves.
    static let reminderLead: TimeInterval = 2 * 86_400

    /// Mails a reminder for every pending correction due within two days, once each; safe when
    /// several instances run it (the reminder is claimed by a conditional update).
    /// - Returns: how many reminders were queued.
    @discardableResult
    func sendCorrectionReminders() async throws -> Int {
        let due = try await DossierModel.query(on: database)
            .filter(\.$status == DossierStatus.incomplete.rawValue)
            .filter(\.$correctionRemindedAt == nil)
            .filter(\.$correctionDueOn <= now.addingTimeInterval(Self.reminderLead))
            .all()
        var sent = 0
        for dossier in due {
            guard let id = dossier.id else { continue }
            let claimed = try await database.transaction { db -> Bool in
                let sql = try db.sql()
                let rows = try await sql.update(DossierModel.schema).set("correction_reminded_at", to: SQLBind(now))
                    .where("id", .equal, SQLBind(id)).where("correction_reminded_at", .is, SQLLiteral.null)
                    .returning("id").all()
                guard rows.count == 1 else { return false }
                try await InstructionService(database: db, configuration: configuration, now: now).notifyMembers(
                    of: dossier, subject: "Rappel : complément attendu pour votre dossier \(dossier.number ?? "")",
                    body: """
                        Bonjour,

                        L'instruction attend toujours le complément demandé pour votre dossier « \(dossier.title) » (\(dossier.number ?? "")), avant le \(dossier.correctionDueOn.map(ParisTime.longDate) ?? "") :

                        \(dossier.correctionMessage ?? "")

                        Compléter le dossier : \(configuration.publicURL)\(SiteURL.editDossier(id).path)
                        """, kind: "correction_reminder")
                return true
            }
            if claimed { sent += 1 }
        }
        return sent
    }

    /// Records a reviewer's marks on the call's grid (replacing their earlier ones), with a
    /// comment per criterion; never by a linked person, only during review.
    func score(
        _ dossier: DossierModel, marks: [String: Int], comments: [String: String], by user: UserModel
    ) async throws {
        try await recuse(user, on: dossier, action: "noter ce dossier")
        guard let status = DossierStatus(rawValue: dossier.status) else { return }
        try InstructionRules.checkOpinionAllowed(on: status)
        let call = try await dossier.$call.get(on: database)
        guard let json = call.scoringGrid, let grid = try? JSONDecoder().decode(ScoringGrid.self, from: Data(json.utf8))
        else {
            throw DomainError.missingData(field: "grille", reason: "cet appel n'a pas de grille de notation.")
        }
        let score = try grid.weightedScore(marks)
        let id = try dossier.requireID()
        let userID = try user.requireID()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let cleaned = comments.mapValues { String($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(1_000)) }
            .filter { !$0.value.isEmpty }
        try await database.transaction { db in
            let review =
                try await ReviewModel.query(on: db).filter(\.$dossier.$id == id).filter(\.$reviewer.$id == userID)
                .first()
                ?? {
                    let fresh = ReviewModel()
                    fresh.$dossier.id = id
                    fresh.$reviewer.id = userID
                    fresh.simulated = false
                    return fresh
                }()
            review.marks = String(decoding: try encoder.encode(marks), as: UTF8.self)
            review.comments = String(decoding: try encoder.encode(cleaned), as: UTF8.self)
            review.score = score
            try await review.save(on: db)
            try await DossierScores.refresh([id], on: db)
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: Self.agent(user), action: "score", entityType: "dossier", entityID: id,
                    from: nil, to: String(score), reason: nil)
            ).create(on: db)
        }
    }

    /// Each dossier's aggregate score and spread, as its call's grid combines them.
    ///
    /// Boards and queues aggregate thousands of dossiers per request: the scores and their call
    /// are read with one join, column by column, rather than as whole models (whose marks and
    /// comments nobody needs here).
    static func aggregates(
        _ dossierIDs: [UUID], on db: any Database
    ) async throws -> [UUID: (score: Int, spread: Int, count: Int)] {
        guard !dossierIDs.isEmpty else { return [:] }
        let sql = try db.sql()
        let r = ReviewModel.schema, d = DossierModel.schema
        var scores: [UUID: [Int]] = [:]
        var callOf: [UUID: UUID] = [:]
        // Bound lists stay well under SQLite's and PostgreSQL's parameter limits.
        for chunk in dossierIDs.chunked(5_000) {
            let rows = try await sql.select()
                .column(SQLColumn("dossier_id", table: r)).column(SQLColumn("score", table: r)).column(
                    SQLColumn("call_id", table: d)
                )
                .from(r)
                .join(d, on: SQLColumn("dossier_id", table: r), .equal, SQLColumn("id", table: d))
                .where(SQLColumn("dossier_id", table: r), .in, SQLBind.group(chunk))
                .all()
            for row in rows {
                let id = try row.decode(column: "dossier_id", as: UUID.self)
                scores[id, default: []].append(try row.decode(column: "score", as: Int.self))
                callOf[id] = try row.decode(column: "call_id", as: UUID.self)
            }
        }
        // Each call chooses mean or median in its own grid.
        let calls = try await CallModel.query(on: db).filter(\.$id ~~ Array(Set(callOf.values))).all()
        let grids = Dictionary(
            calls.compactMap { call -> (UUID, ScoringGrid)? in
                guard let id = call.id, let json = call.scoringGrid,
                    let grid = try? JSONDecoder().decode(ScoringGrid.self, from: Data(json.utf8))
                else { return nil }
                return (id, grid)
            }, uniquingKeysWith: { a, _ in a })
        var result: [UUID: (score: Int, spread: Int, count: Int)] = [:]
        for (id, values) in scores {
            guard let callID = callOf[id], let grid = grids[callID], let aggregate = grid.aggregate(values) else {
                continue
            }
            result[id] = (aggregate.score, aggregate.spread, values.count)
        }
        return result
    }

    /// Emails every representative of the dossier's organisation, through the outbox.
    /// - Returns: how many addresses were mailed (0 when the organisation has no account here).
    @discardableResult
    func notifyMembers(of dossier: DossierModel, subject: String, body: String, kind: String) async throws -> Int {
        let userIDs = try await OrganisationMemberModel.query(on: database).filter(
            \.$organisation.$id == dossier.$organisation.id
        ).all(\.$user.$id)
        guard !userIDs.isEmpty else { return 0 }
        let users = try await UserModel.query(on: database).filter(\.$id ~~ userIDs).all()
        for user in users {
            try await Mailer(database: database).enqueue(
                to: user.email, subject: subject, body: body, kind: kind, now: now)
        }
        return users.count
    }
}
