import Fluent
import Foundation
import GuichetDomain
import Vapor

/// The administrators' management of staff accounts: invite, change role and scopes, close and
/// reopen. An administrator manages only the people inside their own scopes
/// (``GuichetDomain/StaffAdministration``); every change is in the audit log.
struct StaffAdmin {
    let database: any Database
    let configuration: AppConfiguration
    let hasher: AsyncPasswordHasher
    let now: Date

    /// A staff account and its scopes.
    struct Person {
        let user: UserModel
        let scopes: [StaffScope]
    }

    /// The staff accounts the administrator manages, by name.
    func people(managedBy admin: UserModel) async throws -> [Person] {
        let mine = try await StaffDirectory(database: database).scopes(of: admin.requireID())
        let staffRoles = Role.allCases.filter { $0 != .applicant && $0 != .system }.map(\.rawValue)
        let users = try await UserModel.query(on: database).filter(\.$role ~~ staffRoles).sort(\.$displayName).all()
        let rows = try await StaffScopeModel.query(on: database).filter(\.$user.$id ~~ users.compactMap(\.id)).all()
        var scopes: [UUID: [StaffScope]] = [:]
        for row in rows {
            if let scope = try? StaffScope(stored: row.scope) { scopes[row.$user.id, default: []].append(scope) }
        }
        return users.compactMap { user in
            let theirs = user.id.flatMap { scopes[$0] } ?? []
            return StaffAdministration.canManage(adminScopes: mine, personScopes: theirs)
                ? Person(user: user, scopes: theirs) : nil
        }
    }

    /// One person the administrator manages; 404 for anyone else (an applicant, someone outside).
    func person(_ id: UUID, managedBy admin: UserModel) async throws -> Person {
        guard let person = try await people(managedBy: admin).first(where: { $0.user.id == id }) else {
            throw AppError.notFound("staff_not_found", "Compte introuvable.")
        }
        return person
    }

    /// Opens an account (locked until its owner sets a password through the mailed link).
    @discardableResult
    func invite(
        email: String, name: String, role: Role, scopes: [StaffScope], by admin: UserModel
    ) async throws -> UserModel {
        try await checkCanGrant(scopes, by: admin)
        let inviter = admin.displayName
        return try await StaffDirectory(database: database).createStaff(
            email: email, name: name, role: role, scopes: scopes.map(\.stored), password: nil, hasher: hasher, now: now,
            by: InstructionService.agent(admin)
        ) { user, db in
            try await AccountService(database: db, hasher: hasher, configuration: configuration, now: now)
                .sendStaffInvitation(to: user, invitedBy: inviter, on: db)
        }
    }

    /// Changes a person's name, role and scopes.
    func update(_ person: Person, name: String, role: Role, scopes: [StaffScope], by admin: UserModel) async throws {
        try await checkCanGrant(scopes, by: admin)
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        var errors: [String: String] = [:]
        if trimmed.isEmpty { errors["name"] = "Indiquez le nom." }
        if let problem = StaffDirectory.scopeProblem(role: role, scopes: scopes) { errors["scope"] = problem }
        if person.user.id == admin.id, role != .administrator {
            errors["role"] = "Vous ne pouvez pas retirer votre propre rôle d'administrateur."
        }
        guard errors.isEmpty else { throw DomainError.invalidForm(errors: errors) }
        let user = person.user
        let before = "\(user.role) — " + person.scopes.map(\.stored).joined(separator: ", ")
        let after = "\(role.rawValue) — " + scopes.map(\.stored).joined(separator: ", ")
        try await database.transaction { db in
            user.displayName = trimmed
            user.role = role.rawValue
            try await user.save(on: db)
            try await StaffScopeModel.query(on: db).filter(\.$user.$id == user.requireID()).delete()
            for scope in scopes {
                try await StaffScopeModel(userID: user.requireID(), scope: scope.stored).create(on: db)
            }
            try await audit("update_staff", user, by: admin, from: before, to: after, on: db)
        }
    }

    /// Closes (or reopens) an account: no login, open sessions end; its history stays.
    func setOpen(_ person: Person, _ open: Bool, by admin: UserModel) async throws {
        try StaffAdministration.checkCanClose(adminID: admin.requireID(), personID: person.user.requireID())
        let user = person.user
        guard (user.disabledAt == nil) != open else { return }
        try await database.transaction { db in
            user.disabledAt = open ? nil : now
            try await user.save(on: db)
            if !open { try await SessionStore.endAll(of: user.requireID(), on: db) }
            try await audit(open ? "reopen_staff" : "close_staff", user, by: admin, from: nil, to: nil, on: db)
        }
    }

    private func checkCanGrant(_ scopes: [StaffScope], by admin: UserModel) async throws {
        let mine = try await StaffDirectory(database: database).scopes(of: admin.requireID())
        try StaffAdministration.checkCanGrant(adminScopes: mine, granted: scopes)
    }

    private func audit(
        _ action: String, _ user: UserModel, by admin: UserModel, from: String?, to: String?, on db: any Database
    ) async throws {
        try await AuditEntryModel(
            AuditEntry(
                at: now, actor: InstructionService.agent(admin), action: action, entityType: "user",
                entityID: try user.requireID(), from: from, to: to, reason: nil)
        ).create(on: db)
    }
}
