import Crypto
import Fluent
import Foundation
import GuichetDomain
import Vapor

/// Machine access, managed by people: API tokens (`/mon-espace/jetons`, for instruction staff) and
/// webhook endpoints (`/admin/webhooks`, for administrators). Secrets are shown once, on the page
/// that creates them; only a token's digest is stored.
struct IntegrationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(LoginRequired(), StaffRequired(roles: StaffDirectory.instructingRoles))
        staff.get(.apiTokens, use: tokens)
        staff.post(.apiTokens, use: createToken)
        staff.post(.apiTokenRevocation(.pattern), use: revokeToken)
        let admin = routes.grouped(LoginRequired(), StaffRequired(roles: [.administrator]))
        admin.get(.webhooks, use: webhooks)
        admin.post(.webhooks, use: createWebhook)
        admin.post(.webhookDisabling(.pattern), use: disableWebhook)
    }

    // MARK: - Tokens

    @Sendable
    func tokens(req: Request) async throws -> View {
        try await tokenPage(req, created: nil, error: nil)
    }

    @Sendable
    func createToken(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let posted = try PostedForm.read(req)
        let name = (posted.fields["name"]?.first ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let scopes = (posted.fields["scope"] ?? []).compactMap(APIScope.init(rawValue:))
        guard !name.isEmpty, name.count <= 100, !scopes.isEmpty else {
            let page = try await tokenPage(
                req, created: nil, error: "Nommez le jeton (100 caractères au plus) et cochez au moins une portée.")
            let response = try await page.encodeResponse(status: .unprocessableEntity, for: req)
            response.headers.replaceOrAdd(name: "X-Guichet-Error", value: "invalid_form")
            return response
        }
        let secret = APITokenAuthenticator.prefix + SecretToken.make()
        let token = APITokenModel()
        token.$user.id = try user.requireID()
        token.name = name
        token.prefix = String(secret.prefix(10))
        token.tokenHash = AttachmentStore.sha256(Data(secret.utf8))
        token.scopes = scopes.map(\.rawValue).joined(separator: ",")
        token.createdAt = Date()
        try await token.create(on: req.db)
        return try await tokenPage(req, created: secret, error: nil).encodeResponse(status: .created, for: req)
    }

    @Sendable
    func revokeToken(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let page = SiteURL.apiTokens.path
        return try await Refusal.redirecting(req, success: page, refused: page) {
            guard let id = req.parameters.get("token").flatMap(UUID.init(uuidString:)),
                let token = try await APITokenModel.query(on: req.db).filter(\.$id == id).filter(
                    \.$user.$id == user.requireID()
                ).first()
            else {
                throw DomainError.invalidForm(errors: ["token": "Ce jeton n'existe pas parmi les vôtres."])
            }
            if token.revokedAt == nil {
                token.revokedAt = Date()
                try await token.save(on: req.db)
            }
            return "Jeton « \(token.name) » révoqué : il ne donne plus accès à l'API."
        }
    }

    private func tokenPage(_ req: Request, created: String?, error: String?) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        let tokens = try await APITokenModel.query(on: req.db).filter(\.$user.$id == user.requireID()).sort(
            \.$createdAt, .descending
        ).all()
        return try await req.view.render(
            "account/tokens", TokenPage(req, tokens: tokens, created: created, error: error))
    }

    // MARK: - Webhooks

    @Sendable
    func webhooks(req: Request) async throws -> View {
        try await webhookPage(req, created: nil, error: nil)
    }

    @Sendable
    func createWebhook(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let posted = try PostedForm.read(req)
        let url = (posted.fields["url"]?.first ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let chosen = posted.fields["event"] ?? []
        let known = Set(WebhookEvent.catalogue.map(\.type))
        var problem: String?
        if let parsed = URL(string: url), ["https", "http"].contains(parsed.scheme ?? ""), parsed.host != nil,
            url.count <= 500
        {
            if chosen.isEmpty || !chosen.allSatisfy({ $0 == "*" || known.contains($0) }) {
                problem = "Cochez les événements à recevoir."
            }
            let active = try await WebhookEndpointModel.query(on: req.db).filter(\.$owner.$id == user.requireID())
                .filter(\.$disabledAt == nil).count()
            if active >= Self.maxEndpoints {
                problem =
                    "Vous avez déjà \(Self.maxEndpoints) points de réception actifs : désactivez-en un avant d'en ajouter."
            }
            if problem == nil {
                do { try await req.application.webhookAddresses.check(url) } catch let error as DomainError {
                    problem = error.formErrors["url"] ?? error.message
                }
            }
        } else {
            problem = "Indiquez l'adresse complète du point de réception (https://…)."
        }
        if let problem {
            let response = try await webhookPage(req, created: nil, error: problem).encodeResponse(
                status: .unprocessableEntity, for: req)
            response.headers.replaceOrAdd(name: "X-Guichet-Error", value: "invalid_form")
            return response
        }
        let endpoint = WebhookEndpointModel()
        endpoint.$owner.id = try user.requireID()
        endpoint.url = url
        endpoint.secret = Webhooks.newSecret()
        endpoint.events = chosen.contains("*") ? "*" : chosen.joined(separator: ",")
        endpoint.createdAt = Date()
        try await endpoint.create(on: req.db)
        return try await webhookPage(req, created: endpoint.secret, error: nil).encodeResponse(
            status: .created, for: req)
    }

    @Sendable
    func disableWebhook(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let page = SiteURL.webhooks.path
        return try await Refusal.redirecting(req, success: page, refused: page) {
            guard let id = req.parameters.get("endpoint").flatMap(UUID.init(uuidString:)),
                let endpoint = try await WebhookEndpointModel.query(on: req.db).filter(\.$id == id).filter(
                    \.$owner.$id == user.requireID()
                ).first()
            else {
                throw DomainError.invalidForm(errors: [
                    "endpoint": "Ce point de réception n'existe pas parmi les vôtres."
                ])
            }
            endpoint.disabledAt = endpoint.disabledAt ?? Date()
            try await endpoint.save(on: req.db)
            return "Point de réception désactivé : il ne recevra plus d'événement."
        }
    }

    private func webhookPage(_ req: Request, created: String?, error: String?) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        let endpoints = try await WebhookEndpointModel.query(on: req.db).filter(\.$owner.$id == user.requireID()).sort(
            \.$createdAt, .descending
        ).all()
        let ids = endpoints.compactMap(\.id)
        let deliveries =
            ids.isEmpty
            ? []
            : try await WebhookDeliveryModel.query(on: req.db).filter(\.$endpoint.$id ~~ ids)
                .sort(\.$createdAt, .descending).limit(20).all()
        return try await req.view.render(
            "admin/webhooks",
            WebhookPage(req, endpoints: endpoints, deliveries: deliveries, created: created, error: error))
    }

    /// Active endpoints per administrator: enough for a few systems, not a way to fan out load.
    static let maxEndpoints = 10
}
