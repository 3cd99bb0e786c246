import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// Staff accounts and what each may see.
struct StaffDirectory {
    let database: any Database
    /// The request's revisions and kept values: scopes, links and colleagues are then read once
    /// per change of the staff, not at every page (``SiteRevisions``).
    var keeping: Keeping? = nil

    /// The directory as a request reads it, keeping what it may.
    init(_ req: Request) {
        self.init(database: req.db, keeping: req.keeping)
    }

    init(database: any Database, keeping: Keeping? = nil) {
        self.database = database
        self.keeping = keeping
    }

    /// An open instructing account, as lists of colleagues show it.
    struct Person: Sendable, Hashable {
        let id: UUID
        let name: String
    }

    /// The roles that instruct dossiers (see them in a queue).
    static let instructingRoles: Set<Role> = [.instructor, .administrator]

    /// The roles of the committee's area (its sessions, envelopes, proposals).
    static let committeeRoles: Set<Role> = [.committeeMember, .committeeChair, .administrator]

    /// A filed dossier the person's scopes cover, or 404: the staff pages, actions and API of a
    /// dossier reach it only through here.
    func filedDossier(_ rawID: String?, for user: UserModel) async throws -> DossierModel {
        let notFound = AppError.notFound("dossier_not_found", "Dossier introuvable.")
        // With its organisation, in the same query: the pages and actions all name it, and the
        // conflict-of-interest check reads its identifiers.
        guard let id = rawID.flatMap(UUID.init(uuidString:)),
            let (dossier, organisation) = try await ModelRows.allWithParent(
                DossierModel.self, OrganisationModel.self, on: "organisation_id", "WHERE m.id = \(bind: id) LIMIT 1",
                on: database
            ).first,
            dossier.filedAt != nil, let scope = try? dossier.domain().scope
        else { throw notFound }
        dossier.$organisation.value = organisation
        guard try await scopes(of: user.requireID()).contains(where: { $0.covers(scope) }) else { throw notFound }
        return dossier
    }

    /// The display names of these people, by id.
    static func names(_ ids: Set<UUID>, on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.sql().raw(
            "SELECT id, display_name FROM \(ident: UserModel.schema) WHERE id IN (\(binds: Array(ids)))"
        ).all()
        return Dictionary(
            try rows.map { (try $0.decodeUUID(column: "id"), try $0.decode(column: "display_name", as: String.self)) },
            uniquingKeysWith: { a, _ in a })
    }

    /// The instructors whose scopes cover the dossier (open accounts only).
    ///
    /// Only the people holding a scope that covers the dossier are read: the stored scopes that
    /// may cover it (national, its region, its département) are those the domain says cover it
    /// (``StaffScope/covers(_:territories:)``), looked up through `staff_scopes_scope` — a
    /// national deployment's hundreds of instructors are not all read for each dossier page.
    func instructors(covering dossier: DossierModel) async throws -> [UserModel] {
        try await instructors(covering: Self.coveringScopes(of: dossier))
    }

    /// The same people by name, for the dossier page's "give to" list: kept under the staff's
    /// revision, per set of covering scopes.
    func instructorNames(covering dossier: DossierModel) async throws -> [Person] {
        let covering = try Self.coveringScopes(of: dossier)
        return try await keeping.kept(
            \.instructors, "covering:" + covering.joined(separator: ","), revision: \.staff, on: database
        ) {
            try await instructors(covering: covering).compactMap { person in
                person.id.map { Person(id: $0, name: person.displayName) }
            }
        }
    }

    /// The stored scopes that cover the dossier: national, its region, its département.
    private static func coveringScopes(of dossier: DossierModel) throws -> [String] {
        let scope = try dossier.domain().scope
        var candidates: [StaffScope] = [.national]
        switch scope {
        case .national: break
        case .regional(let region): candidates.append(.region(region))
        case .departemental(let departement):
            candidates.append(.departement(departement))
            if let region = try? TerritoryCatalog.france.departement(departement).regionCode {
                candidates.append(.region(region))
            }
        }
        return candidates.filter { $0.covers(scope) }.map(\.stored)
    }

    private func instructors(covering: [String]) async throws -> [UserModel] {
        // One query: the holders of a covering scope are picked by a subquery.
        try await ModelRows.all(
            UserModel.self,
            """
            WHERE m.id IN (SELECT user_id FROM \(ident: StaffScopeModel.schema) WHERE scope IN (\(binds: covering)))
              AND m.role IN (\(binds: Self.instructingRoles.map(\.rawValue))) AND m.disabled_at IS NULL
            ORDER BY m.display_name
            """, on: database)
    }

    /// The open instructor accounts working on at least one of the groups (all when `nil`), for
    /// the queue's "give to" list, by name: kept under the staff's revision.
    func instructorNames(sharing groups: Set<String>?) async throws -> [Person] {
        let key = groups.map { $0.sorted().joined(separator: ",") } ?? "*"
        return try await keeping.kept(\.instructors, key, revision: \.staff, on: database) {
            try await instructors(sharing: groups).compactMap { person in
                person.id.map { Person(id: $0, name: person.displayName) }
            }
        }
    }

    /// The open instructor accounts working on at least one of the groups (all when `nil`), for
    /// the queue's "give to" list; each assignment still checks the dossier's territory.
    func instructors(sharing groups: Set<String>?) async throws -> [UserModel] {
        let people = try await UserModel.query(on: database).filter(\.$role ~~ Self.instructingRoles.map(\.rawValue))
            .filter(\.$disabledAt == nil).sort(\.$displayName).all()
        guard let groups else { return people }
        let scopes = try await scopes(of: people.compactMap(\.id))
        return people.filter { person in
            let theirs = Self.visibleGroups(person.id.flatMap { scopes[$0] } ?? [])
            return theirs == nil || !(theirs ?? []).isDisjoint(with: groups)
        }
    }

    /// What a role requires of its scopes: an instructor works somewhere, an expert in a service.
    static func scopeProblem(role: Role, scopes: [StaffScope]) -> String? {
        let territorial = scopes.contains { if case .service = $0 { false } else { true } }
        let service = scopes.contains { if case .service = $0 { true } else { false } }
        switch role {
        case .instructor where !territorial:
            return "Un instructeur a au moins un périmètre (departement:02, region:32, national)."
        case .administrator where !territorial:
            return "Un administrateur a au moins un périmètre (national, ou sa région)."
        case .committeeMember where !territorial, .committeeChair where !territorial:
            return
                "Un membre ou une présidence de comité siège pour un territoire (national, region:32 ou departement:02)."
        case .expert where !service:
            return "Un expert est rattaché à un service (service:DRAAF ou service:ARS:alimentation)."
        default: return nil
        }
    }

    /// The person's declared links, as the domain reads them.
    func links(of userID: UUID) async throws -> [DeclaredLink] {
        try await keeping.kept(\.links, userID, revision: \.staff, on: database) {
            try await ModelRows.all(StaffLinkModel.self, "WHERE m.user_id = \(bind: userID)", on: database)
                .map { DeclaredLink(siret: $0.siret, rna: $0.rna) }
        }
    }

    /// Whether the person is linked to the dossier's organisation.
    func isConflicted(_ userID: UUID, on dossier: DossierModel) async throws -> Bool {
        let organisation = try await dossier.$organisation.get(on: database)
        return ConflictOfInterest.isConflicted(
            links: try await links(of: userID), organisationSiret: organisation.siret,
            organisationRNA: organisation.rna)
    }

    /// Among these dossiers (their organisation loaded), those whose organisation the person
    /// declared a link with: every read of scores, opinions, notes and expert answers leaves them
    /// out for that person (queue, score filter, history, exports, API).
    func linkedDossiers(_ userID: UUID, among dossiers: [DossierModel]) async throws -> Set<UUID> {
        let links = try await links(of: userID)
        guard !links.isEmpty else { return [] }
        return Set(
            dossiers.compactMap { dossier in
                ConflictOfInterest.isConflicted(
                    links: links, organisationSiret: dossier.organisation.siret,
                    organisationRNA: dossier.organisation.rna)
                    ? dossier.id : nil
            })
    }

    /// The audit actions whose details are assessments (marks, opinions, expert answers, notes,
    /// committee deliberations): a linked person reads that they happened, not what they say.
    static let assessmentActions: Set<String> = [
        "score", "give_opinion", "expert_opinion", "annotation", "stage_decision", "unstage_decision",
    ]

    /// A dossier's history as a person may read it: a linked person gets the assessments' details
    /// withheld.
    static func readableHistory(_ entries: [AuditEntryModel], conflicted: Bool) -> [AuditEntryModel] {
        guard conflicted else { return entries }
        for entry in entries where assessmentActions.contains(entry.action) {
            entry.reason = "Contenu réservé : vous avez déclaré un lien avec l'organisation."
            entry.toState = nil
        }
        return entries
    }

    /// Refuses an action to a linked person, and records the recusal in the audit log (kept even
    /// though the action is refused: a recusal is a fact to remember).
    func checkNotConflicted(_ user: UserModel, on dossier: DossierModel, action: String, now: Date) async throws {
        let userID = try user.requireID()
        guard try await isConflicted(userID, on: dossier) else { return }
        try await AuditEntryModel(
            AuditEntry(
                at: now,
                actor: Agent(id: userID, name: user.displayName, role: Role(rawValue: user.role) ?? .instructor),
                action: "recusal", entityType: "dossier", entityID: try dossier.requireID(),
                from: nil, to: nil, reason: "Lien déclaré avec l'organisation : \(action) refusé")
        ).create(on: database)
        throw DomainError.conflictOfInterest(action: action)
    }

    /// Declares a link to an organisation by SIRET and/or RNA.
    func declareLink(_ user: UserModel, siret rawSiret: String, rna rawRNA: String, description: String) async throws {
        var errors: [String: String] = [:]
        var siret: Siret?
        var rna: RNA?
        if !rawSiret.trimmingCharacters(in: .whitespaces).isEmpty {
            do { siret = try Siret(rawSiret) } catch { errors["siret"] = error.message }
        }
        if !rawRNA.trimmingCharacters(in: .whitespaces).isEmpty {
            do { rna = try RNA(rawRNA) } catch { errors["rna"] = error.message }
        }
        if siret == nil, rna == nil, errors.isEmpty { errors["siret"] = DomainError.missingIdentifier.message }
        let text = description.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { errors["description"] = "Décrivez le lien (par exemple : membre du bureau)." }
        guard errors.isEmpty else { throw DomainError.invalidForm(errors: errors) }
        let link = StaffLinkModel()
        link.$user.id = try user.requireID()
        link.siret = siret?.value
        link.rna = rna?.value
        link.description = String(text.prefix(300))
        try await link.create(on: database)
    }

    /// The staff member's scopes.
    /// The scopes of several people, in one query.
    func scopes(of userIDs: [UUID]) async throws -> [UUID: [StaffScope]] {
        guard !userIDs.isEmpty else { return [:] }
        var scopes: [UUID: [StaffScope]] = [:]
        for chunk in userIDs.chunked(5_000) {
            let rows = try await database.sql().raw(
                "SELECT user_id, scope FROM \(ident: StaffScopeModel.schema) WHERE user_id IN (\(binds: chunk))"
            ).all()
            for row in rows {
                guard let scope = try? StaffScope(stored: row.decode(column: "scope", as: String.self)) else {
                    continue
                }
                scopes[try row.decode(column: "user_id", as: UUID.self), default: []].append(scope)
            }
        }
        return scopes
    }

    func scopes(of userID: UUID) async throws -> [StaffScope] {
        try await keeping.kept(\.scopes, userID, revision: \.staff, on: database) {
            try await database.sql().raw(
                "SELECT scope FROM \(ident: StaffScopeModel.schema) WHERE user_id = \(bind: userID)"
            ).all().compactMap { try? StaffScope(stored: $0.decode(column: "scope", as: String.self)) }
        }
    }

    /// The instructor groups a person's scopes cover: `nil` means every group (national scope).
    ///
    /// A region's services see their region's dossiers and those of its départements; a
    /// département's see only their own (``StaffScope/covers(_:territories:)`` states the same rule
    /// for one dossier).
    static func visibleGroups(_ scopes: [StaffScope], territories: TerritoryCatalog = .france) -> Set<String>? {
        var groups = Set<String>()
        for scope in scopes {
            switch scope {
            case .national: return nil
            case .region(let code):
                groups.insert(StaffScope.region(code).stored)
                for departement in territories.departements(in: code) {
                    groups.insert(StaffScope.departement(departement.code).stored)
                }
            case .departement(let code): groups.insert(StaffScope.departement(code).stored)
            case .service: break
            }
        }
        return groups
    }

    /// Creates a staff account (confirmed: an administrator vouches for the address) with its
    /// scopes, or refuses with the reason.
    ///
    /// Without a password the account is locked until its owner sets one through the link an
    /// administrator's invitation mails (see ``StaffAdmin``).
    func createStaff(
        email: String, name: String, role: Role, scopes: [String], password: String?,
        hasher: AsyncPasswordHasher, now: Date, by actor: Agent = .system("Ligne de commande"),
        welcome: (@Sendable (UserModel, any Database) async throws -> Void)? = nil
    ) async throws -> UserModel {
        var errors: [String: String] = [:]
        let address = try? EmailAddress(email)
        if address == nil { errors["email"] = "Adresse électronique invalide." }
        if name.trimmingCharacters(in: .whitespaces).isEmpty { errors["name"] = "Indiquez le nom." }
        guard role != .applicant, role != .system else {
            throw DomainError.invalidForm(errors: [
                "role":
                    "Rôle du personnel attendu : instructor, expert, committee_member, committee_chair ou administrator."
            ])
        }
        var parsed: [StaffScope] = []
        for scope in scopes {
            do { parsed.append(try StaffScope(stored: scope)) } catch { errors["scope"] = error.message }
        }
        if let problem = Self.scopeProblem(role: role, scopes: parsed) { errors["scope"] = problem }
        if let password {
            do { try PasswordPolicy.check(password, confirmation: password) } catch {
                errors.merge(AccountService.fieldErrors(error)) { a, _ in a }
            }
        }
        guard errors.isEmpty, let address else { throw DomainError.invalidForm(errors: errors) }
        // No password: a value no bcrypt hash ever equals, so nobody logs in before choosing one.
        let hash: String
        if let password { hash = try await hasher.hash(password) } else { hash = "!locked-" + SecretToken.make() }
        let scopes = parsed
        return try await database.transaction { db in
            guard try await UserModel.query(on: db).filter(\.$email == address.value).count() == 0 else {
                throw DomainError.invalidForm(errors: ["email": "Un compte existe déjà avec cette adresse."])
            }
            let user = UserModel(
                email: address.value, passwordHash: hash, displayName: name.trimmingCharacters(in: .whitespaces),
                role: role.rawValue)
            user.emailVerifiedAt = now
            try await user.create(on: db)
            for scope in scopes {
                try await StaffScopeModel(userID: user.requireID(), scope: scope.stored).create(on: db)
            }
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: actor, action: "create_staff", entityType: "user",
                    entityID: try user.requireID(), from: nil, to: role.rawValue,
                    reason: scopes.map(\.stored).joined(separator: ", "))
            ).create(on: db)
            try await welcome?(user, db)
            return user
        }
    }
}

extension Optional where Wrapped == Keeping {
    /// The value kept under the request's revision, or the one `read` reads, kept; without a
    /// revision (no session: a command, a background round), `read` alone.
    func kept<Key, Value>(
        _ store: KeyPath<SiteKept, KeptByRevision<Key, Value>>, _ key: Key, revision: KeyPath<SiteRevisions, Int>,
        on database: any Database, read: () async throws -> Value
    ) async throws -> Value {
        guard let keeping = self else { return try await read() }
        return try await keeping.kept[keyPath: store].value(
            of: key, revision: keeping.revisions[keyPath: revision], on: database, read: read)
    }
}
