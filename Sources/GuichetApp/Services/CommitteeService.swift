import Fluent
import Foundation
import GuichetDomain
import Vapor

/// The selection committee's work: sessions, attendance, decisions staged then applied as a wave.
///
/// Who may do what: administrators and committee chairs open sessions; the members present
/// (chair included) stage decisions, except on the dossiers of an organisation they declared a
/// link with (recused, recorded); only the session's chair applies the wave, when the chair and
/// the quorum are present.
struct CommitteeService {
    let database: any Database
    let configuration: AppConfiguration
    let now: Date
    /// The request's kept values: the person's scopes (``SiteRevisions``).
    var keeping: Keeping? = nil

    /// The roles that sit in committees.
    static let committeeRoles: Set<Role> = [.committeeMember, .committeeChair]

    /// What the "new session" form posts.
    struct NewSession {
        var title = ""
        var heldOn: Date?
        var waveNumber: Int?
        var scope = ""
        var quorum: Int?
        var chairID: UUID?
        var memberIDs: [UUID] = []
    }

    /// Opens a session on an open wave of the call, for the dossiers of a scope.
    func create(_ input: NewSession, call: LoadedCall, by creator: UserModel) async throws -> CommitteeSessionModel {
        var errors: [String: String] = [:]
        let title = input.title.trimmingCharacters(in: .whitespaces)
        if title.isEmpty {
            errors["title"] = "Donnez un intitulé à la séance (par exemple « Comité régional du 16 avril »)."
        }
        if input.heldOn == nil { errors["held_on"] = "Indiquez la date de la séance." }
        let wave = call.waves.first { $0.number == input.waveNumber }
        if wave == nil { errors["wave"] = "Choisissez la vague dans laquelle les décisions seront prises." }
        if let wave, wave.publishedAt != nil {
            errors["wave"] =
                "La vague \(wave.number) est publiée : ses décisions sont figées. Choisissez une vague ouverte."
        }
        var scope: StaffScope?
        do { scope = try StaffScope(stored: input.scope) } catch { errors["scope"] = error.message }
        if let chosen = scope {
            do { try CommitteeTerritory.checkSessionScope(chosen, call: call.model.callScope) } catch {
                errors["scope"] = error.message
                scope = nil
            }
        }
        let directory = StaffDirectory(database: database, keeping: keeping)
        // Whoever opens the session holds its territory: an administrator of another region is
        // refused whatever the form says.
        if let scope {
            try CommitteeTerritory.checkMayAct(
                "ouvrir une séance du comité", scopes: try await directory.scopes(of: creator.requireID()),
                session: scope)
        }
        let people = try await UserModel.query(on: database).filter(
            \.$id ~~ (input.memberIDs + [input.chairID].compactMap { $0 })
        )
        .filter(\.$disabledAt == nil).all()
        let chair = people.first { $0.id == input.chairID && $0.role == Role.committeeChair.rawValue }
        if chair == nil { errors["chair"] = "Choisissez la présidence parmi les présidents de comité." }
        let members = people.filter {
            $0.id != input.chairID && Self.committeeRoles.contains(Role(rawValue: $0.role) ?? .applicant)
        }
        if members.count != Set(input.memberIDs).subtracting([input.chairID].compactMap { $0 }).count {
            errors["members"] = "Les membres sont choisis parmi les comptes du comité."
        }
        if let scope {
            if let chair, !CommitteeTerritory.covers(try await directory.scopes(of: chair.requireID()), session: scope)
            {
                errors["chair"] =
                    "\(chair.displayName) ne siège pas pour ce territoire : choisissez une présidence dont le périmètre le couvre."
            }
            var outside: [String] = []
            for member in members
            where !CommitteeTerritory.covers(try await directory.scopes(of: member.requireID()), session: scope) {
                outside.append(member.displayName)
            }
            if !outside.isEmpty {
                errors["members"] = "Ne siègent pas pour ce territoire : \(outside.joined(separator: ", "))."
            }
        }
        do { try CommitteeSession.checkQuorumRule(input.quorum ?? 0, members: members.count + 1) } catch {
            errors.merge(Self.fields(error)) { a, _ in a }
        }
        guard errors.isEmpty, let wave, let scope, let chair, let heldOn = input.heldOn else {
            throw DomainError.invalidForm(errors: errors)
        }
        let session = CommitteeSessionModel()
        session.id = UUID()
        session.$call.id = call.id
        session.$wave.id = try wave.requireID()
        session.title = title
        session.heldOn = heldOn
        session.scope = scope.stored
        session.quorum = input.quorum ?? 1
        session.status = CommitteeSessionModel.Status.open.rawValue
        session.createdBy = try creator.requireID()
        session.createdAt = now
        try await database.transaction { db in
            try await session.create(on: db)
            for (person, isChair) in [(chair, true)] + members.map({ ($0, false) }) {
                let member = CommitteeMemberModel()
                member.$session.id = try session.requireID()
                member.$user.id = try person.requireID()
                member.isChair = isChair
                member.present = false
                try await member.create(on: db)
            }
            try await audit(
                "open_session", session, by: creator, reason: "\(title) — \(scope.stored), vague \(wave.number)", on: db
            )
        }
        return session
    }

    /// The session, if the person sits in it or administers its territory; 404 otherwise.
    func session(_ id: UUID, for user: UserModel) async throws -> CommitteeSessionModel {
        let notFound = AppError.notFound("session_not_found", "Séance introuvable.")
        // Plain SQL (``ModelRows``): every board page starts here.
        guard
            let (session, members) = try await ModelRows.find(
                CommitteeSessionModel.self, id, withChildren: CommitteeMemberModel.self, on: "session_id", on: database)
        else { throw notFound }
        session.$members.value = members
        let userID = try user.requireID()
        if session.members.contains(where: { $0.$user.id == userID }) { return session }
        if user.role == Role.administrator.rawValue, let scope = try? StaffScope(stored: session.scope) {
            let mine = try await StaffDirectory(database: database, keeping: keeping).scopes(of: userID)
            if mine.contains(where: { $0.encloses(scope) }) { return session }
        }
        throw notFound
    }

    /// The sessions a person sits in or administers, latest first.
    func sessions(for user: UserModel) async throws -> [CommitteeSessionModel] {
        let all = try await CommitteeSessionModel.query(on: database).with(\.$members).with(\.$wave).with(\.$call)
            .sort(\.$heldOn, .descending).all()
        var visible: [CommitteeSessionModel] = []
        for session in all where (try? await self.session(session.requireID(), for: user)) != nil {
            visible.append(session)
        }
        return visible
    }

    /// Records who is present (the chair or an administrator, while the session is open).
    func setAttendance(_ session: CommitteeSessionModel, present: Set<UUID>, by user: UserModel) async throws {
        try checkOpen(session)
        try checkChairOrAdministrator(session, user)
        try await checkCoversSession(session, user, action: "tenir la feuille de présence")
        let seated = Set(session.members.map { $0.$user.id })
        guard present.isSubset(of: seated) else {
            throw DomainError.invalidForm(errors: [
                "present":
                    "Seuls les membres de la séance peuvent être notés présents : la feuille de présence n'est pas modifiée."
            ])
        }
        try await database.transaction { db in
            for member in session.members {
                member.present = present.contains(member.$user.id)
                try await member.save(on: db)
            }
            let names = try await UserModel.query(on: db).filter(\.$id ~~ Array(present)).all().map(\.displayName)
                .sorted()
            try await audit(
                "attendance", session, by: user,
                reason: "Présents : " + (names.isEmpty ? "aucun" : names.joined(separator: ", ")), on: db)
        }
    }

    /// Stages (or replaces) a decision on a dossier of the session's scope.
    func stage(
        _ session: CommitteeSessionModel, dossier: DossierModel, outcome: DecisionOutcome, by user: UserModel
    ) async throws {
        try await stageAll(session, decisions: [(dossier, outcome)], by: user)
    }

    /// Stages decisions (one, or a proposal adopted), all or nothing: each is checked first
    /// (status, amount, motive, recusal; envelopes are checked when the wave is applied), then all
    /// are written in one transaction.
    func stageAll(
        _ session: CommitteeSessionModel, decisions: [(DossierModel, DecisionOutcome)], by user: UserModel
    ) async throws {
        try checkOpen(session)
        let userID = try user.requireID()
        guard session.members.contains(where: { $0.$user.id == userID && $0.present }) else {
            throw DomainError.actorNotAllowed(
                action: "préparer une décision (cochez-vous parmi les présents)",
                role: Role(rawValue: user.role) ?? .committeeMember)
        }
        try await checkCoversSession(session, user, action: "préparer une décision")
        guard !decisions.isEmpty else {
            throw DomainError.invalidForm(errors: ["session": "La proposition ne retient aucun dossier."])
        }
        let call = try await CallRepository(database: database).load(session.$call.get(on: database))
        let agent = InstructionService.agent(user)
        for (dossier, outcome) in decisions {
            _ = try DossierLifecycle.transition(
                try dossier.domain(), .decide(outcome), by: agent, call: call.call, now: now)
            try await StaffDirectory(database: database, keeping: keeping).checkNotConflicted(
                user, on: dossier, action: "délibérer sur ce dossier", now: now)
        }
        let sessionID = try session.requireID()
        try await database.transaction { db in
            for (dossier, outcome) in decisions {
                let dossierID = try dossier.requireID()
                try await StagedDecisionModel.query(on: db).filter(\.$session.$id == sessionID).filter(
                    \.$dossier.$id == dossierID
                ).delete()
                let staged = StagedDecisionModel()
                staged.$session.id = sessionID
                staged.$dossier.id = dossierID
                staged.outcome = outcome.kind
                staged.grantedCents = outcome.grantedAmount.cents
                if case .rejected(let motive) = outcome {
                    staged.motive = motive.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                staged.stagedBy = userID
                staged.stagedAt = now
                try await staged.create(on: db)
                try await AuditEntryModel(
                    AuditEntry(
                        at: now, actor: agent, action: "stage_decision", entityType: "dossier", entityID: dossierID,
                        from: nil, to: outcome.kind,
                        reason: "\(session.title) : \(Self.describe(outcome))")
                ).create(on: db)
            }
        }
    }

    /// Withdraws a staged decision: a present member of the session's territory who is not linked
    /// to the dossier's organisation, like staging it; recorded.
    func unstage(_ session: CommitteeSessionModel, dossierID: UUID, by user: UserModel) async throws {
        try checkOpen(session)
        let userID = try user.requireID()
        guard session.members.contains(where: { $0.$user.id == userID && $0.present }) else {
            throw DomainError.actorNotAllowed(
                action: "retirer une décision préparée", role: Role(rawValue: user.role) ?? .committeeMember)
        }
        try await checkCoversSession(session, user, action: "retirer une décision préparée")
        let sessionID = try session.requireID()
        guard
            let staged = try await StagedDecisionModel.query(on: database).filter(\.$session.$id == sessionID)
                .filter(\.$dossier.$id == dossierID).with(\.$dossier).first()
        else {
            throw DomainError.invalidForm(errors: [
                "dossier": "Aucune décision n'est préparée sur ce dossier dans cette séance."
            ])
        }
        try await StaffDirectory(database: database, keeping: keeping).checkNotConflicted(
            user, on: staged.dossier, action: "retirer la décision préparée sur ce dossier", now: now)
        let agent = InstructionService.agent(user)
        try await database.transaction { db in
            try await staged.delete(on: db)
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: agent, action: "unstage_decision", entityType: "dossier", entityID: dossierID,
                    from: staged.outcome, to: nil, reason: "\(session.title) : décision préparée retirée")
            ).create(on: db)
        }
    }

    /// Opens the call's next wave: an administrator of the call's territory, once the latest wave
    /// is published.
    /// - Returns: the new wave's number.
    func openNextWave(_ call: LoadedCall, label: String, announcedOn: Date?, by user: UserModel) async throws -> Int {
        try await CallAuthoringService(database: database, now: now).checkMayAuthor(call.model.callScope, by: user)
        var errors: [String: String] = [:]
        let label = label.trimmingCharacters(in: .whitespaces)
        if label.isEmpty { errors["label"] = "Nommez la vague (par exemple « Troisième vague — septembre 2021 »)." }
        if announcedOn == nil { errors["announced_on"] = "Indiquez la date d'annonce prévue (jour existant)." }
        guard errors.isEmpty, let announcedOn else { throw DomainError.invalidForm(errors: errors) }
        let agent = InstructionService.agent(user)
        let now = self.now
        return try await SerializedWrite.run(on: database, call: call.id) { db in
            // Read again under the lock: two administrators clicking at once open one wave.
            let waves = try await WaveModel.query(on: db).filter(\.$call.$id == call.id).all()
            try CommitteeTerritory.checkCanOpenNextWave(
                after: waves.map {
                    Wave(number: $0.number, label: $0.label, announcedOn: $0.announcedOn, publishedAt: $0.publishedAt)
                })
            let number = (waves.map(\.number).max() ?? 0) + 1
            try await WaveModel(
                callID: call.id, number: number, label: label, announcedOn: announcedOn, publishedAt: nil
            ).create(on: db)
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: agent, action: "open_wave", entityType: "call",
                    entityID: call.id, from: nil, to: String(number), reason: label)
            ).create(on: db)
            return number
        }
    }

    /// The decision in words (`retenu pour 12 000 €`).
    static func describe(_ outcome: DecisionOutcome) -> String {
        switch outcome {
        case .retained(let amount): "retenu pour \(amount.formatted())"
        case .waitingList: "liste d'attente"
        case .rejected(let motive): "rejeté : \(motive)"
        }
    }

    func checkOpen(_ session: CommitteeSessionModel) throws {
        guard session.isOpen else {
            throw DomainError.invalidForm(errors: [
                "session": "La séance est close : ses décisions sont appliquées. Ouvrez une nouvelle séance."
            ])
        }
    }

    /// Checks that the person still holds the session's territory (scopes can change after a
    /// session is set up): attending, staging and applying all pass through here.
    func checkCoversSession(_ session: CommitteeSessionModel, _ user: UserModel, action: String) async throws {
        guard let scope = try? StaffScope(stored: session.scope) else {
            throw AppError.notFound("session_not_found", "Séance introuvable.")
        }
        try CommitteeTerritory.checkMayAct(
            action, scopes: try await StaffDirectory(database: database, keeping: keeping).scopes(of: user.requireID()),
            session: scope)
    }

    func checkChairOrAdministrator(_ session: CommitteeSessionModel, _ user: UserModel) throws {
        let userID = try user.requireID()
        guard
            user.role == Role.administrator.rawValue
                || session.members.contains(where: { $0.$user.id == userID && $0.isChair })
        else {
            throw DomainError.actorNotAllowed(
                action: "tenir la feuille de présence", role: Role(rawValue: user.role) ?? .committeeMember)
        }
    }

    func audit(
        _ action: String, _ session: CommitteeSessionModel, by user: UserModel, reason: String?, on db: any Database
    ) async throws {
        try await AuditEntryModel(
            AuditEntry(
                at: now, actor: InstructionService.agent(user), action: action, entityType: "committee_session",
                entityID: try session.requireID(), from: nil, to: nil, reason: reason)
        ).create(on: db)
    }

    static func fields(_ error: DomainError) -> [String: String] {
        if case .invalidForm(let errors) = error { return errors }
        return ["form": error.message]
    }
}
