import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// Requests for expert opinions: an instructor asks a service (DRAAF, ARS) a question with a due
/// day; the service's experts answer with a typed opinion; the instructor may revoke the request.
struct ExpertService {
    let database: any Database
    let configuration: AppConfiguration
    let now: Date

    /// The expert services that exist (some staff member has their scope), by name; kept under the
    /// staff's revision when a request gives it (``SiteRevisions``).
    func services(keeping: Keeping? = nil) async throws -> [String] {
        try await keeping.kept(\.services, 0, revision: \.staff, on: database) {
            let scopes = try await database.sql().raw(
                "SELECT DISTINCT scope FROM \(ident: StaffScopeModel.schema) WHERE scope LIKE 'service:%'"
            ).all().map { try $0.decode(column: "scope", as: String.self) }
            return Array(
                Set(
                    scopes.compactMap { stored -> String? in
                        if case .service(let name, _)? = try? StaffScope(stored: stored) { return name }
                        return nil
                    })
            ).sorted()
        }
    }

    /// The service a call proposes for a theme (`alimentation` → `DRAAF`).
    static func proposedService(call: CallModel, theme: String) -> String? {
        guard let json = call.expertServices,
            let map = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))
        else { return nil }
        return map[theme]
    }

    func request(
        _ dossier: DossierModel, service: String, question: String, dueOn: Date, by user: UserModel
    ) async throws {
        try await StaffDirectory(database: database).checkNotConflicted(
            user, on: dossier, action: "demander l'avis d'un expert sur ce dossier", now: now)
        var errors: [String: String] = [:]
        if !(try await services()).contains(service) { errors["service"] = "Choisissez un service expert existant." }
        let text = question.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { errors["question"] = "Posez la question à l'expert." }
        do { try InstructionRules.checkCorrectionDue(dueOn, now: now) } catch {
            errors["due_on"] = "Choisissez une échéance entre demain et dans 60 jours."
        }
        guard errors.isEmpty else { throw DomainError.invalidForm(errors: errors) }
        guard let status = DossierStatus(rawValue: dossier.status), InstructionRules.expertStatuses.contains(status)
        else {
            throw DomainError.transitionNotAllowed(
                action: "demander un avis d'expert", from: DossierStatus(rawValue: dossier.status) ?? .draft)
        }
        let id = try dossier.requireID()
        try await database.transaction { db in
            let request = ExpertRequestModel()
            request.$dossier.id = id
            request.service = service
            request.question = String(text.prefix(2_000))
            request.dueOn = dueOn
            request.$requestedBy.id = try user.requireID()
            request.status = ExpertRequestModel.Status.pending.rawValue
            try await request.create(on: db)
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: InstructionService.agent(user), action: "request_expert_opinion",
                    entityType: "dossier", entityID: id, from: nil, to: service, reason: request.question)
            ).create(on: db)
            for expert in try await ExpertService(database: db, configuration: configuration, now: now).experts(
                of: service, theme: dossier.themeCode)
            {
                try await Mailer(database: db).enqueue(
                    to: expert.email, subject: "Avis demandé sur le dossier \(dossier.number ?? "")",
                    body: """
                        Bonjour,

                        L'instruction demande l'avis de votre service (\(service)) sur le dossier « \(dossier.title) » (\(dossier.number ?? "")), avant le \(ParisTime.longDate(dueOn)) :

                        \(request.question)

                        Répondre : \(configuration.publicURL)\(SiteURL.expertRequest(try request.requireID()).path)
                        """, kind: "expert_request", now: now)
            }
        }
    }

    func revoke(_ request: ExpertRequestModel, by user: UserModel) async throws {
        try await StaffDirectory(database: database).checkNotConflicted(
            user, on: try await request.$dossier.get(on: database),
            action: "retirer une demande d'avis d'expert", now: now)
        try InstructionRules.checkAnswerable(request.status)
        try await database.transaction { db in
            request.status = ExpertRequestModel.Status.revoked.rawValue
            request.revokedAt = now
            try await request.save(on: db)
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: InstructionService.agent(user), action: "revoke_expert_request",
                    entityType: "dossier", entityID: request.$dossier.id, from: "pending", to: "revoked",
                    reason: request.service)
            ).create(on: db)
        }
    }

    func answer(_ request: ExpertRequestModel, kind: OpinionKind, text: String, by user: UserModel) async throws {
        try InstructionRules.checkAnswerable(request.status)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DomainError.invalidForm(errors: ["answer_text": "Motivez votre avis."]) }
        let dossier = try await request.$dossier.get(on: database)
        try await StaffDirectory(database: database).checkNotConflicted(
            user, on: dossier, action: "donner un avis d'expert sur ce dossier", now: now)
        try await database.transaction { db in
            request.status = ExpertRequestModel.Status.answered.rawValue
            request.answerKind = kind.rawValue
            request.answerText = String(trimmed.prefix(4_000))
            request.answeredBy = try user.requireID()
            request.answeredAt = now
            try await request.save(on: db)
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: Agent(id: user.id, name: user.displayName, role: .expert),
                    action: "expert_opinion", entityType: "dossier", entityID: request.$dossier.id,
                    from: "pending", to: kind.rawValue, reason: request.answerText)
            ).create(on: db)
        }
    }

    /// Mails the service's experts once about every pending request due within two days; safe
    /// with several instances (the reminder is claimed by a conditional update).
    /// - Returns: how many requests were reminded.
    @discardableResult
    func sendReminders() async throws -> Int {
        let due = try await ExpertRequestModel.query(on: database)
            .filter(\.$status == ExpertRequestModel.Status.pending.rawValue)
            .filter(\.$remindedAt == nil)
            .filter(\.$dueOn <= now.addingTimeInterval(InstructionService.reminderLead))
            .with(\.$dossier).all()
        var sent = 0
        for request in due {
            guard let id = request.id else { continue }
            let claimed = try await database.transaction { db -> Bool in
                let sql = try db.sql()
                let rows = try await sql.update(ExpertRequestModel.schema).set("reminded_at", to: SQLBind(now))
                    .where("id", .equal, SQLBind(id)).where("reminded_at", .is, SQLLiteral.null)
                    .returning("id").all()
                guard rows.count == 1 else { return false }
                let dossier = request.dossier
                for expert in try await ExpertService(database: db, configuration: configuration, now: now)
                    .experts(of: request.service, theme: dossier.themeCode)
                {
                    try await Mailer(database: db).enqueue(
                        to: expert.email, subject: "Rappel : avis attendu sur le dossier \(dossier.number ?? "")",
                        body: """
                            Bonjour,

                            L'instruction attend l'avis de votre service (\(request.service)) sur le dossier « \(dossier.title) » (\(dossier.number ?? "")), avant le \(ParisTime.longDate(request.dueOn)) :

                            \(request.question)

                            Répondre : \(configuration.publicURL)\(SiteURL.expertRequest(id).path)
                            """, kind: "expert_reminder", now: now)
                }
                return true
            }
            if claimed { sent += 1 }
        }
        return sent
    }

    /// The experts of a service whose themes cover the theme.
    func experts(of service: String, theme: String) async throws -> [UserModel] {
        let scopes = try await StaffScopeModel.query(on: database).filter(
            \.$scope, .custom("LIKE"), "service:\(service)%"
        ).with(\.$user).all()
        return scopes.filter { model in
            (try? StaffScope(stored: model.scope)).map { InstructionRules.expert($0, covers: service, theme: theme) }
                ?? false
        }.map(\.user)
    }

    /// The request, if the expert's scopes cover it; 404 otherwise.
    func requireRequest(_ id: UUID, for user: UserModel) async throws -> (ExpertRequestModel, DossierModel) {
        let notFound = AppError.notFound("expert_request_not_found", "Demande d'avis introuvable.")
        guard let request = try await ExpertRequestModel.find(id, on: database) else { throw notFound }
        let dossier = try await request.$dossier.get(on: database)
        let scopes = try await StaffDirectory(database: database).scopes(of: user.requireID())
        guard scopes.contains(where: { InstructionRules.expert($0, covers: request.service, theme: dossier.themeCode) })
        else { throw notFound }
        return (request, dossier)
    }
}
