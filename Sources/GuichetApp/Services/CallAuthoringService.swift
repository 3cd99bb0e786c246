import Fluent
import Foundation
import GuichetDomain

/// Who authors which call, decided once for the web editor, the API and their previews: an
/// administrator whose scopes cover the call's territory (``CallAuthoring``). Anyone else is told
/// the call does not exist when it is a draft (a draft is nobody else's business), and is refused
/// with the territory named when it is public.
struct CallAuthoringService {
    let database: any Database
    let now: Date

    init(database: any Database, now: Date = Date()) {
        self.database = database
        self.now = now
    }

    /// The calls this person may author, newest first.
    func authorable(by user: UserModel) async throws -> [CallModel] {
        let role = Role(rawValue: user.role) ?? .applicant
        guard role == .administrator else { return [] }
        let scopes = try await StaffDirectory(database: database).scopes(of: user.requireID())
        return try await CallModel.query(on: database).sort(\.$opensAt, .descending).sort(\.$reference).all()
            .filter { CallAuthoring.mayAuthor($0.callScope, role: role, scopes: scopes) }
    }

    /// A call this person may author.
    /// - Throws: 404 for a draft they may not author (or no call), ``DomainError/outsideScope(action:territory:)``
    ///   for a public call outside their territory.
    func authorableCall(_ key: String, by user: UserModel) async throws -> CallModel {
        let model = try await CallRepository(database: database).findAny(key)
        try await checkMayAuthor(model.callScope, by: user, hiding: model.callStatus == .draft)
        return model
    }

    /// Checks that this person may author a call of this scope (a new one, or one they change).
    /// - Parameter hiding: answer 404 rather than name the territory (for drafts).
    func checkMayAuthor(_ scope: CallScope, by user: UserModel, hiding: Bool = false) async throws {
        let role = Role(rawValue: user.role) ?? .applicant
        let scopes = try await StaffDirectory(database: database).scopes(of: user.requireID())
        do {
            try CallAuthoring.checkMayAuthor(scope, role: role, scopes: scopes)
        } catch {
            if hiding { throw AppError.notFound("call_not_found", "Appel à projets introuvable.") }
            throw error
        }
    }

    /// A call's definition as the staff API reads it: a public call's for any staff member, a
    /// draft's for its authors only.
    func readableDefinition(_ key: String, by user: UserModel) async throws -> CallDefinition {
        let model = try await CallRepository(database: database).findAny(key)
        if model.callStatus == .draft { try await checkMayAuthor(model.callScope, by: user, hiding: true) }
        return try await CallDefinitionStore(database: database, now: now).definition(of: model)
    }

    // MARK: - Actions

    /// Creates a call as a draft, for an administrator of its territory.
    @discardableResult
    func create(_ definition: CallDefinition, by user: UserModel) async throws -> CallModel {
        try await checkMayAuthor(definition.scope, by: user)
        try definition.check()
        if try await CallModel.query(on: database).filter(\.$reference == definition.reference).count() > 0 {
            throw DomainError.invalidCallDefinition(issues: [
                CallDefinitionIssue("reference", "la référence « \(definition.reference) » est déjà celle d'un appel.")
            ])
        }
        return try await CallDefinitionStore(database: database, now: now).save(
            definition, status: .draft, by: Self.agent(user)
        ).call
    }

    /// A copy of a call (any public call, or a draft the person authors) as a new draft of the
    /// person's territory.
    func duplicate(
        _ source: String, reference: String, title: String, scope: CallScope, by user: UserModel
    ) async throws -> CallDefinition {
        let model = try await CallRepository(database: database).findAny(source)
        if model.callStatus == .draft { try await checkMayAuthor(model.callScope, by: user, hiding: true) }
        let copy = try await CallDefinitionStore(database: database, now: now).definition(of: model)
            .duplicated(reference: reference, title: title, scope: scope)
        try await create(copy, by: user)
        return copy
    }

    /// Saves a changed definition of a call the person authors; a new scope must be theirs too.
    /// - Returns: what changed.
    func amend(_ model: CallModel, to definition: CallDefinition, by user: UserModel) async throws -> [CallChange] {
        try await checkMayAuthor(model.callScope, by: user, hiding: model.callStatus == .draft)
        if definition.scope != model.callScope { try await checkMayAuthor(definition.scope, by: user) }
        guard definition.reference == model.reference else {
            throw DomainError.invalidCallDefinition(issues: [
                CallDefinitionIssue(
                    "reference",
                    "la référence d'un appel ne change pas (« \(model.reference) ») : dupliquez l'appel pour en créer un autre."
                )
            ])
        }
        return try await CallDefinitionStore(database: database, now: now).save(definition, by: Self.agent(user))
            .changes
    }

    /// Publishes a draft: its page becomes public, filing opens on its opening day.
    func publish(_ key: String, by user: UserModel) async throws -> CallModel {
        let model = try await authorableCall(key, by: user)
        let next = try model.callStatus.publishing()
        try await CallDefinitionStore(database: database, now: now).definition(of: model).check()
        try await CallDefinitionStore(database: database, now: now).setStatus(model, to: next, by: Self.agent(user))
        return model
    }

    /// Archives a published call whose deadline has passed.
    func archive(_ key: String, by user: UserModel) async throws -> CallModel {
        let model = try await authorableCall(key, by: user)
        let next = try model.callStatus.archiving(closesAt: model.closesAt, now: now)
        try await CallDefinitionStore(database: database, now: now).setStatus(model, to: next, by: Self.agent(user))
        return model
    }

    static func agent(_ user: UserModel) -> Agent {
        Agent(id: user.id, name: user.displayName, role: Role(rawValue: user.role) ?? .administrator)
    }
}
