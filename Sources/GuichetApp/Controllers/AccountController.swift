import Fluent
import GuichetDomain
import Vapor

/// Sign-up, email confirmation, login, logout, password reset, and the account page.
struct AccountController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.signUp, use: signUpForm)
        routes.post(.signUp, use: signUp)
        routes.get(.confirmEmail, use: confirm)
        routes.get(.login, use: loginForm)
        routes.post(.login, use: login)
        routes.post(.logout, use: logout)
        routes.get(.forgotPassword, use: forgotForm)
        routes.post(.forgotPassword, use: forgot)
        routes.get(.resetPassword, use: resetForm)
        routes.post(.resetPassword, use: reset)
        routes.grouped(LoginRequired()).get(.account, use: account)
    }

    struct SignUpInput: Content {
        var display_name: String?
        var email: String?
        var password: String?
        var password_confirmation: String?
    }

    struct LoginInput: Content {
        var email: String?
        var password: String?
    }

    struct ResetInput: Content {
        var jeton: String?
        var password: String?
        var password_confirmation: String?
    }

    // MARK: - Sign-up

    @Sendable
    func signUpForm(req: Request) async throws -> Response {
        try await signUpPage(req, input: SignUpInput(), errors: [:], status: .ok)
    }

    @Sendable
    func signUp(req: Request) async throws -> Response {
        let input = try req.content.decode(SignUpInput.self)
        do {
            try await service(req).signUp(
                email: input.email ?? "", displayName: input.display_name ?? "",
                password: input.password ?? "", confirmation: input.password_confirmation ?? "",
                from: req.clientAddress)
        } catch DomainError.invalidForm(let errors) {
            return try await signUpPage(req, input: input, errors: errors, status: .unprocessableEntity)
        }
        return try await req.view.render(
            "message",
            MessagePage(
                chrome: .make(req), title: "Vérifiez votre messagerie",
                paragraphs: [
                    "Un courriel vient d'être envoyé à l'adresse indiquée. Ouvrez le lien qu'il contient pour activer votre compte (il est valable 48 heures).",
                    "Rien reçu ? Vérifiez les courriels indésirables, ou recommencez dans quelques minutes.",
                ],
                links: [.init(href: SiteURL.login.path, label: "Se connecter")])
        ).encodeResponse(status: .ok, for: req)
    }

    private func signUpPage(
        _ req: Request, input: SignUpInput, errors: [String: String], status: HTTPStatus
    ) async throws -> Response {
        // Passwords are never sent back into the page.
        let fields = [
            FieldView(
                name: "display_name", label: "Votre nom", value: input.display_name ?? "",
                error: errors["display_name"], autocomplete: "name"),
            FieldView(
                name: "email", label: "Adresse électronique", type: "email", value: input.email ?? "",
                error: errors["email"],
                help: "Elle servira à vous connecter et à recevoir vos accusés de réception.", autocomplete: "email"),
            FieldView(
                name: "password", label: "Mot de passe", type: "password", error: errors["password"],
                help:
                    "\(PasswordPolicy.minimumLength) caractères au moins ; une phrase facile à retenir convient très bien.",
                autocomplete: "new-password"),
            FieldView(
                name: "password_confirmation", label: "Confirmation du mot de passe", type: "password",
                error: errors["password_confirmation"], autocomplete: "new-password"),
        ]
        return try await req.view.render(
            "form",
            FormPage(
                req, title: "Créer un compte",
                intro: "Un compte permet de déposer et de suivre les dossiers de votre association.",
                action: SiteURL.signUp.path, submitLabel: "Créer mon compte", fields: fields,
                links: [.init(href: SiteURL.login.path, label: "J'ai déjà un compte")])
        )
        .encodeResponse(status: status, for: req)
    }

    @Sendable
    func confirm(req: Request) async throws -> Response {
        let token = (try? req.query.get(String.self, at: "jeton")) ?? ""
        _ = try await service(req).verifyEmail(token: token)
        Flash.set("Votre adresse est confirmée : vous pouvez vous connecter.", on: req)
        return req.redirect(to: SiteURL.login.path)
    }

    // MARK: - Login

    @Sendable
    func loginForm(req: Request) async throws -> Response {
        try await loginPage(req, email: "", error: nil, status: .ok)
    }

    @Sendable
    func login(req: Request) async throws -> Response {
        let input = try req.content.decode(LoginInput.self)
        do {
            let user = try await service(req).logIn(
                email: input.email ?? "", password: input.password ?? "",
                remoteAddress: req.clientAddress)
            // A new session id at login, so that a session fixed before it cannot be reused after:
            // the old record is deleted and the middleware stores the data under a fresh id.
            if let old = req.session.id {
                try await req.application.sessions.driver.deleteSession(old, for: req).get()
                req.session.id = nil
            }
            let returnTo = LoginRequired.safeReturn(req.session.data[LoginRequired.returnKey])
            req.session.data[LoginRequired.returnKey] = nil
            req.session.data[CSRFMiddleware.sessionKey] = nil
            req.auth.login(user)
            req.session.authenticate(user)
            return req.redirect(to: returnTo ?? SiteURL.account.path)
        } catch let error as AppError where [.unauthorized, .tooManyRequests, .forbidden].contains(error.status) {
            return try await loginPage(req, email: input.email ?? "", error: error.message, status: error.status)
        }
    }

    private func loginPage(_ req: Request, email: String, error: String?, status: HTTPStatus) async throws -> Response {
        let fields = [
            FieldView(name: "email", label: "Adresse électronique", type: "email", value: email, autocomplete: "email"),
            FieldView(name: "password", label: "Mot de passe", type: "password", autocomplete: "current-password"),
        ]
        return try await req.view.render(
            "form",
            FormPage(
                req, title: "Se connecter", action: SiteURL.login.path,
                submitLabel: "Se connecter", fields: fields, formError: error,
                links: [
                    .init(href: SiteURL.forgotPassword.path, label: "Mot de passe oublié ?"),
                    .init(href: SiteURL.signUp.path, label: "Créer un compte"),
                ])
        )
        .encodeResponse(status: status, for: req)
    }

    @Sendable
    func logout(req: Request) async throws -> Response {
        req.auth.logout(UserModel.self)
        req.session.destroy()
        return req.redirect(to: SiteURL.home.path)
    }

    // MARK: - Password reset

    @Sendable
    func forgotForm(req: Request) async throws -> Response {
        try await forgotPage(req, email: "", error: nil, status: .ok)
    }

    @Sendable
    func forgot(req: Request) async throws -> Response {
        let email = (try? req.content.get(String.self, at: "email")) ?? ""
        do {
            try await service(req).requestPasswordReset(email: email, from: req.clientAddress)
        } catch DomainError.invalidForm(let errors) {
            return try await forgotPage(req, email: email, error: errors["email"], status: .unprocessableEntity)
        }
        return try await req.view.render(
            "message",
            MessagePage(
                chrome: .make(req), title: "Vérifiez votre messagerie",
                paragraphs: [
                    "Si un compte existe pour cette adresse, un courriel vient de lui être envoyé avec un lien pour choisir un nouveau mot de passe (valable une heure)."
                ],
                links: [.init(href: SiteURL.login.path, label: "Se connecter")])
        ).encodeResponse(status: .ok, for: req)
    }

    private func forgotPage(_ req: Request, email: String, error: String?, status: HTTPStatus) async throws -> Response
    {
        try await req.view.render(
            "form",
            FormPage(
                req, title: "Mot de passe oublié",
                intro:
                    "Indiquez l'adresse de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.",
                action: SiteURL.forgotPassword.path, submitLabel: "Recevoir le lien",
                fields: [
                    FieldView(
                        name: "email", label: "Adresse électronique", type: "email", value: email,
                        error: error, autocomplete: "email")
                ])
        )
        .encodeResponse(status: status, for: req)
    }

    @Sendable
    func resetForm(req: Request) async throws -> Response {
        let token = (try? req.query.get(String.self, at: "jeton")) ?? ""
        try await service(req).checkResetToken(token)
        return try await resetPage(req, token: token, errors: [:], status: .ok)
    }

    @Sendable
    func reset(req: Request) async throws -> Response {
        let input = try req.content.decode(ResetInput.self)
        do {
            _ = try await service(req).resetPassword(
                token: input.jeton ?? "", password: input.password ?? "",
                confirmation: input.password_confirmation ?? "")
        } catch DomainError.invalidForm(let errors) {
            return try await resetPage(req, token: input.jeton ?? "", errors: errors, status: .unprocessableEntity)
        }
        Flash.set("Votre mot de passe est changé : connectez-vous avec le nouveau.", on: req)
        return req.redirect(to: SiteURL.login.path)
    }

    private func resetPage(
        _ req: Request, token: String, errors: [String: String], status: HTTPStatus
    ) async throws -> Response {
        let fields = [
            FieldView(name: "jeton", label: "Jeton", type: "hidden", value: token, required: false),
            FieldView(
                name: "password", label: "Nouveau mot de passe", type: "password", error: errors["password"],
                help: "\(PasswordPolicy.minimumLength) caractères au moins.", autocomplete: "new-password"),
            FieldView(
                name: "password_confirmation", label: "Confirmation", type: "password",
                error: errors["password_confirmation"],
                autocomplete: "new-password"),
        ]
        return try await req.view.render(
            "form",
            FormPage(
                req, title: "Choisir un nouveau mot de passe", action: SiteURL.resetPassword.path,
                submitLabel: "Enregistrer", fields: fields)
        )
        .encodeResponse(status: status, for: req)
    }

    // MARK: - Account

    /// The applicant's dashboard: their organisations' dossiers with status and dates, open calls.
    @Sendable
    func account(req: Request) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        let organisations = try await Membership(database: req.db).organisations(of: user.requireID())
        let names = Dictionary(
            organisations.compactMap { org in org.id.map { ($0, org.name) } }, uniquingKeysWith: { a, _ in a })
        let dossiers =
            names.isEmpty
            ? []
            : try await DossierModel.query(on: req.db).filter(\.$organisation.$id ~~ Array(names.keys))
                .with(\.$call).sort(\.$createdAt, .descending).all()
        let now = Date()
        let calls = try await CallModel.query(on: req.db).filter(\.$status == CallStatus.published.rawValue)
            .filter(\.$opensAt <= now).filter(\.$closesAt > now).sort(\.$closesAt).all()
        let unread = try await CorrespondenceService.unreadByApplicant(dossiers.compactMap(\.id), on: req.db)
        let grantTasks = try await GrantService.organisationTasks(
            dossiers.filter { DossierStatus(rawValue: $0.status)?.isLaureate == true }.compactMap(\.id), now: now,
            on: req.db)
        let page = DashboardPage(
            chrome: .make(req), userName: user.displayName, email: user.email,
            organisations: organisations.compactMap { org in
                org.id.map { .init(name: org.name, url: SiteURL.organisation($0).path) }
            },
            dossiers: dossiers.compactMap { d in
                guard let id = d.id else { return nil }
                return .init(
                    title: d.title.isEmpty ? "Dossier sans titre" : d.title, number: d.number, call: d.call.title,
                    organisation: names[d.$organisation.id] ?? "",
                    status: (DossierStatus(rawValue: d.status) ?? .draft).label,
                    created: d.createdAt.map(ParisTime.longDate) ?? "", filed: d.filedAt.map(ParisTime.longDate),
                    url: SiteURL.dossier(id).path, unread: unread[id] ?? 0, grantTask: grantTasks[id])
            },
            openCalls: calls.map {
                .init(
                    title: $0.title, url: SiteURL.call($0.reference).path,
                    deadline: ParisTime.longDateTime($0.deadlineDay))
            },
            staffLinks: DashboardPage.staffLinks(for: Role(rawValue: user.role) ?? .applicant))
        return try await req.view.render("account/dashboard", page)
    }

    private func service(_ req: Request) -> AccountService {
        AccountService(
            database: req.db, hasher: req.password.async, configuration: req.application.guichetConfiguration,
            now: Date())
    }
}
