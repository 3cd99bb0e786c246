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

    static func agent(_ user: UserModel) -> Agent {
        Agent(id: user.id, name: user.displayName, role: Role(rawValue: user.role) ?? .administrator)
    }
}
