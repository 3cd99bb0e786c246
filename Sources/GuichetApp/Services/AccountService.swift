import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// Accounts: sign-up with email confirmation, login with throttling, password reset.
///
/// Messages never tell whether an address has an account: sign-up and reset answer the same way
/// in both cases, and the difference only reaches the address's owner, by email.
struct AccountService {
    let database: any Database
    let hasher: AsyncPasswordHasher
    let configuration: AppConfiguration
    let now: Date

    static let verificationLifetime: TimeInterval = 48 * 3600
    static let resetLifetime: TimeInterval = 3600

    /// Creates an unconfirmed account and emails its confirmation link; for an address that
    /// already has an account, emails its owner instead. Both answer alike.
    ///
    /// Ten sign-ups an hour from one network address (`from`): counted once the form is valid,
    /// since only a valid one mails anybody.
    func signUp(
        email rawEmail: String, displayName rawName: String, password: String, confirmation: String,
        from address: String
    ) async throws {
        var errors: [String: String] = [:]
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { errors["display_name"] = "Indiquez votre nom." }
        if name.count > 100 { errors["display_name"] = "100 caractères au plus (vous en avez saisi \(name.count))." }
        var email: EmailAddress?
        do { email = try EmailAddress(rawEmail) } catch { errors.merge(Self.fieldErrors(error)) { a, _ in a } }
        do { try PasswordPolicy.check(password, confirmation: confirmation) } catch {
            errors.merge(Self.fieldErrors(error)) { a, _ in a }
        }
        guard errors.isEmpty, let email else { throw DomainError.invalidForm(errors: errors) }
        try await RequestCounter(database: database, now: now).check("signup:\(address)", .signUp)

        let hash = try await hasher.hash(password)
        try await database.transaction { db in
            let mailer = Mailer(database: db)
            if try await UserModel.query(on: db).filter(\.$email == email.value).first() != nil {
                try await mailer.enqueue(
                    to: email.value, subject: "Votre compte Guichet existe déjà",
                    body: """
                        Bonjour,

                        Quelqu'un (vous, peut-être) a demandé à créer un compte Guichet avec cette adresse, qui en a déjà un.
                        Pour vous connecter : \(configuration.publicURL)\(SiteURL.login.path)
                        Mot de passe oublié : \(configuration.publicURL)\(SiteURL.forgotPassword.path)

                        Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.
                        """, kind: "signup_existing", now: now)
                return
            }
            let user = UserModel(
                email: email.value, passwordHash: hash, displayName: name, role: Role.applicant.rawValue)
            try await user.create(on: db)
            try await sendVerification(to: user, on: db)
        }
    }

    /// Confirms an address from its emailed link.
    /// - Returns: the confirmed account.
    func verifyEmail(token: String) async throws -> UserModel {
        try await database.transaction { db in
            let record = try await consume(token, purpose: .verifyEmail, on: db)
            let user = try await record.$user.get(on: db)
            if user.emailVerifiedAt == nil {
                user.emailVerifiedAt = now
                try await user.save(on: db)
            }
            return user
        }
    }

    /// Checks a login, slowing down repeated failures per address and per network address.
    func logIn(email rawEmail: String, password: String, remoteAddress: String) async throws -> UserModel {
        let email = (try? EmailAddress(rawEmail))?.value ?? rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        let keys = ["email:\(email)", "ip:\(remoteAddress)"]
        for key in keys {
            if let wait = try await throttle(key).waitUntil(now: now) {
                let minutes = max(1, Int((wait.timeIntervalSince(now) / 60).rounded(.up)))
                throw AppError(
                    status: .tooManyRequests, code: "too_many_attempts",
                    message:
                        "Trop de tentatives de connexion : réessayez dans \(minutes) minute\(minutes > 1 ? "s" : "").")
            }
        }
        let user = try await UserModel.query(on: database).filter(\.$email == email).first()
        let valid: Bool
        if let user {
            valid = (try? await hasher.verify(password, created: user.passwordHash)) ?? false
        } else {
            // Without an account, a hash is still computed, so that timing does not reveal accounts.
            _ = try? await hasher.hash(password)
            valid = false
        }
        guard valid, let user else {
            GuichetMetrics.failedLogin()
            for key in keys { try await recordFailure(key) }
            throw AppError(
                status: .unauthorized, code: "invalid_credentials", message: "Adresse ou mot de passe incorrect.")
        }
        try await LoginAttemptModel.query(on: database).filter(\.$key == keys[0]).delete()
        // What retention reads to find accounts nobody uses any more.
        try await database.sql().update(UserModel.schema).set("last_login_at", to: SQLBind(now))
            .where("id", .equal, SQLBind(try user.requireID())).run()
        guard user.disabledAt == nil else {
            throw AppError(
                status: .forbidden, code: "account_disabled",
                message: "Ce compte est fermé : adressez-vous à l'administrateur de l'appel à projets.")
        }
        guard user.emailVerifiedAt != nil else {
            try await database.transaction { db in try await sendVerification(to: user, on: db) }
            throw AppError(
                status: .forbidden, code: "email_not_verified",
                message: "Confirmez d'abord votre adresse : un nouveau lien vient de vous être envoyé par courriel.")
        }
        return user
    }

    /// Emails a reset link if the address has an account; answers alike otherwise.
    ///
    /// Five requests an hour from one network address (`from`), refused beyond; three emails an
    /// hour to one account, beyond which the answer is the same (no disclosure of the account)
    /// and nothing is sent.
    func requestPasswordReset(email rawEmail: String, from address: String) async throws {
        let email = try EmailAddress(rawEmail)
        let counter = RequestCounter(database: database, now: now)
        try await counter.check("reset:\(address)", .resetByAddress)
        guard try await counter.hit("reset-email:\(email.value)", .resetByEmail) else { return }
        try await database.transaction { db in
            guard let user = try await UserModel.query(on: db).filter(\.$email == email.value).first(),
                user.disabledAt == nil
            else { return }
            let token = SecretToken.make()
            try await UserTokenModel(
                userID: try user.requireID(), purpose: .resetPassword, tokenHash: SecretToken.hash(token),
                expiresAt: now.addingTimeInterval(Self.resetLifetime)
            ).create(on: db)
            try await Mailer(database: db).enqueue(
                to: user.email, subject: "Réinitialiser votre mot de passe Guichet",
                body: """
                    Bonjour \(user.displayName),

                    Pour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure :
                    \(configuration.publicURL)\(SiteURL.resetPassword.path)?jeton=\(token)

                    Le lien ne sert qu'une fois. Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.
                    """, kind: "reset_password", now: now)
        }
    }

    /// How long an invitation to a new staff account stays valid.
    static let invitationLifetime: TimeInterval = 7 * 86_400

    /// Mails a new staff member the link to choose their password (valid seven days, once).
    func sendStaffInvitation(to user: UserModel, invitedBy inviter: String, on db: any Database) async throws {
        let token = SecretToken.make()
        try await UserTokenModel(
            userID: try user.requireID(), purpose: .resetPassword, tokenHash: SecretToken.hash(token),
            expiresAt: now.addingTimeInterval(Self.invitationLifetime)
        ).create(on: db)
        try await Mailer(database: db).enqueue(
            to: user.email, subject: "Votre compte Guichet",
            body: """
                Bonjour \(user.displayName),

                \(inviter) vous a ouvert un compte sur Guichet (\((Role(rawValue: user.role) ?? .instructor).label)).
                Choisissez votre mot de passe en ouvrant ce lien dans les sept jours :
                \(configuration.publicURL)\(SiteURL.resetPassword.path)?jeton=\(token)

                Le lien ne sert qu'une fois. Ensuite, connectez-vous avec cette adresse : \(configuration.publicURL)\(SiteURL.login.path)
                """, kind: "staff_invitation", now: now)
    }

    /// Sets a new password from a reset link; the link (and any other pending one) is spent.
    func resetPassword(token: String, password: String, confirmation: String) async throws -> UserModel {
        try PasswordPolicy.check(password, confirmation: confirmation)
        let hash = try await hasher.hash(password)
        return try await database.transaction { db in
            let record = try await consume(token, purpose: .resetPassword, on: db)
            let user = try await record.$user.get(on: db)
            user.passwordHash = hash
            // Receiving the link proves the address.
            if user.emailVerifiedAt == nil { user.emailVerifiedAt = now }
            try await user.save(on: db)
            try await UserTokenModel.query(on: db).filter(\.$user.$id == user.requireID())
                .filter(\.$purpose == UserTokenModel.Purpose.resetPassword.rawValue).filter(\.$usedAt == nil)
                .set(\.$usedAt, to: now).update()
            try await LoginAttemptModel.query(on: db).filter(\.$key == "email:\(user.email)").delete()
            // Whoever held a session with the old password holds nothing now.
            try await SessionStore.endAll(of: user.requireID(), on: db)
            return user
        }
    }

    /// Checks a reset token without spending it (to show the form or a clear error first).
    func checkResetToken(_ token: String) async throws {
        _ = try await valid(token, purpose: .resetPassword, on: database)
    }

    // MARK: - Tokens

    private func sendVerification(to user: UserModel, on db: any Database) async throws {
        let token = SecretToken.make()
        try await UserTokenModel(
            userID: try user.requireID(), purpose: .verifyEmail, tokenHash: SecretToken.hash(token),
            expiresAt: now.addingTimeInterval(Self.verificationLifetime)
        ).create(on: db)
        try await Mailer(database: db).enqueue(
            to: user.email, subject: "Confirmez votre adresse pour Guichet",
            body: """
                Bonjour \(user.displayName),

                Pour activer votre compte Guichet, ouvrez ce lien (valable 48 heures) :
                \(configuration.publicURL)\(SiteURL.confirmEmail.path)?jeton=\(token)

                Si vous n'avez pas créé de compte, ignorez ce message.
                """, kind: "verify_email", now: now)
    }

    private func valid(
        _ token: String, purpose: UserTokenModel.Purpose, on db: any Database
    ) async throws -> UserTokenModel {
        let expired = AppError(
            status: .gone, code: "token_invalid",
            message: "Ce lien n'est plus valable (déjà utilisé ou expiré) : demandez-en un nouveau.")
        guard token.count == 43, token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }),
            let record = try await UserTokenModel.query(on: db).filter(\.$tokenHash == SecretToken.hash(token))
                .filter(\.$purpose == purpose.rawValue).first(),
            record.usedAt == nil, record.expiresAt > now
        else { throw expired }
        return record
    }

    private func consume(
        _ token: String, purpose: UserTokenModel.Purpose, on db: any Database
    ) async throws -> UserTokenModel {
        let record = try await valid(token, purpose: purpose, on: db)
        record.usedAt = now
        try await record.save(on: db)
        return record
    }

    // MARK: - Throttling

    private func throttle(_ key: String) async throws -> LoginThrottle {
        guard let row = try await LoginAttemptModel.query(on: database).filter(\.$key == key).first() else {
            return LoginThrottle(windowStart: now)
        }
        return LoginThrottle(failures: row.failures, windowStart: row.windowStart, blockedUntil: row.blockedUntil)
    }

    /// Counts a failure in one statement, so that parallel guesses are all counted, then blocks
    /// the key for as long as the domain's rule says for that count.
    private func recordFailure(_ key: String) async throws {
        let sql = try database.sql()
        try await sql.insert(into: LoginAttemptModel.schema)
            .columns("id", "key", "failures", "window_start")
            .values(SQLBind(UUID()), SQLBind(key), SQLBind(0), SQLBind(now))
            .ignoringConflicts(with: "key").run()
        let cutoff = now.addingTimeInterval(-LoginThrottle.window)
        struct Row: Decodable {
            let failures: Int
            let window_start: Date
        }
        guard
            let row = try await sql.raw(
                """
                UPDATE \(ident: LoginAttemptModel.schema)
                SET failures = CASE WHEN window_start < \(bind: cutoff) AND (blocked_until IS NULL OR blocked_until <= \(bind: now)) THEN 1 ELSE failures + 1 END,
                    window_start = CASE WHEN window_start < \(bind: cutoff) AND (blocked_until IS NULL OR blocked_until <= \(bind: now)) THEN \(bind: now) ELSE window_start END
                WHERE key = \(bind: key) RETURNING failures, window_start
                """
            ).first(decoding: Row.self)
        else { return }
        let blocked = LoginThrottle(failures: row.failures - 1, windowStart: row.window_start).failing(at: now)
            .blockedUntil
        if let blocked {
            try await sql.update(LoginAttemptModel.schema).set("blocked_until", to: SQLBind(blocked)).where(
                "key", .equal, SQLBind(key)
            ).run()
        }
    }

    static func fieldErrors(_ error: any Error) -> [String: String] {
        if case DomainError.invalidForm(let errors) = error { return errors }
        return ["form": (error as? DomainError)?.message ?? "Saisie invalide."]
    }
}
