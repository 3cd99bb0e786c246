import Fluent
import Foundation
import GuichetDomain
import Vapor

/// The staff's JSON API (`/api/v1`): dossiers, reviews and decisions, for a signed-in person or a
/// machine client holding an API token (`Authorization: Bearer gch_…`). A token reads what its
/// owner may read, and only within the token's scopes.
struct StaffAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped(
            APITokenAuthenticator(), LoginRequired(), StaffRequired(roles: StaffDirectory.instructingRoles))
        api.get(.apiCallDossiers(.pattern), use: dossiers)
        api.get(.apiDossier(.pattern), use: dossier)
        api.get(.apiDossierReviews(.pattern), use: reviews)
        api.get(.apiDossierGrant(.pattern), use: grant)
        api.get(.apiCallDecisions(.pattern), use: decisions)
        api.get(.apiCallDefinition(.pattern), use: definition)
    }

    /// A call's full definition, in the same JSON as `guichet call export` (the schema at
    /// `/api/v1/schemas/call.json`): public calls for the staff, drafts for their authors.
    @Sendable
    func definition(req: Request) async throws -> Response {
        let user = try APIAccess.require(.callsRead, req)
        let definition = try await CallAuthoringService(database: req.db).readableDefinition(
            req.parameters.get("call") ?? "", by: user)
        let response = Response(status: .ok, body: .init(data: try definition.json()))
        response.headers.contentType = .json
        return response
    }

    /// Query parameters of the dossier list.
    struct ListQuery: Content {
        var status: String?
        var theme: String?
        var territory: String?
        var page: Int?
        var per: Int?
    }

    @Sendable
    func dossiers(req: Request) async throws -> APIDossierPage {
        let user = try APIAccess.require(.dossiersRead, req)
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        let query = try req.query.decode(ListQuery.self)
        let builder = try await visible(req, user).filter(\.$call.$id == call.id).with(\.$organisation)
        // What the OpenAPI document declares is what is accepted: anything else is refused by
        // name (a page 0 is not quietly read as page 1).
        if let status = query.status {
            guard let known = DossierStatus(rawValue: status), known != .draft else {
                throw AppError(status: .badRequest, code: "invalid_status", message: "Statut inconnu « \(status) ».")
            }
            builder.filter(\.$status == status)
        }
        if let theme = query.theme { builder.filter(\.$themeCode == theme) }
        if let territory = query.territory { builder.filter(\.$instructorGroup == territory) }
        guard (1...500).contains(query.per ?? 100) else {
            throw AppError(
                status: .badRequest, code: "invalid_parameter", message: "« per » doit être un entier de 1 à 500.")
        }
        guard (1...1_000_000).contains(query.page ?? 1) else {
            throw AppError(
                status: .badRequest, code: "invalid_parameter",
                message: "« page » doit être un entier de 1 à 1 000 000.")
        }
        let page = try await builder.sort(\.$number).paginate(
            PageRequest(page: query.page ?? 1, per: query.per ?? 100))
        return APIDossierPage(
            items: page.items.map(APIDossier.init), page: page.metadata.page, per: page.metadata.per,
            total: page.metadata.total)
    }

    @Sendable
    func dossier(req: Request) async throws -> APIDossier {
        let user = try APIAccess.require(.dossiersRead, req)
        let dossier = try await StaffDirectory(req).filedDossier(req.parameters.get("dossier"), for: user)
        try await dossier.$organisation.load(on: req.db)
        return APIDossier(dossier)
    }

    /// The dossier's grant once its act is established; 404 before.
    @Sendable
    func grant(req: Request) async throws -> APIGrant {
        let user = try APIAccess.require(.dossiersRead, req)
        let dossier = try await StaffDirectory(req).filedDossier(req.parameters.get("dossier"), for: user)
        let id = try dossier.requireID()
        guard let grant = try await GrantService(database: req.db, now: Date()).grant(of: id) else {
            throw AppError.notFound("grant_act_not_found", "L'acte attributif de ce dossier n'est pas encore établi.")
        }
        let report = try await GrantReportModel.query(on: req.db).filter(\.$dossierID == id).first()
        return APIGrant(grant, report: report)
    }

    @Sendable
    func reviews(req: Request) async throws -> APIReviews {
        let user = try APIAccess.require(.reviewsRead, req)
        let dossier = try await StaffDirectory(req).filedDossier(req.parameters.get("dossier"), for: user)
        try await StaffDirectory(req).checkNotConflicted(
            user, on: dossier, action: "lire les notes et les avis de ce dossier", now: Date())
        let id = try dossier.requireID()
        let scores = try await ReviewModel.query(on: req.db).filter(\.$dossier.$id == id).with(\.$reviewer).all()
        let opinions = try await OpinionModel.query(on: req.db).filter(\.$dossier.$id == id).with(\.$author).sort(
            \.$createdAt
        ).all()
        let aggregate = try await InstructionService.aggregates([id], on: req.db)[id]
        return APIReviews(
            dossier: id, aggregateScore: aggregate?.score, spread: aggregate?.spread,
            scores: scores.map {
                APIReviews.Score(
                    reviewer: $0.reviewer.displayName, score: $0.score, marks: $0.marks,
                    comments: $0.comments, createdAt: $0.createdAt.map(ISO.instant), simulated: $0.simulated)
            },
            opinions: opinions.map {
                APIReviews.Opinion(
                    author: $0.author.displayName, kind: $0.kind, proposedCents: $0.proposedCents,
                    motive: $0.motive, createdAt: $0.createdAt.map(ISO.instant), simulated: $0.simulated)
            })
    }

    @Sendable
    func decisions(req: Request) async throws -> APIDecisionList {
        let user = try APIAccess.require(.decisionsRead, req)
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        let dossiers = try await visible(req, user).filter(\.$call.$id == call.id).all()
        let numbers = Dictionary(
            dossiers.compactMap { d in d.id.map { ($0, d.number) } }, uniquingKeysWith: { a, _ in a })
        let rows = try await DecisionModel.query(on: req.db).filter(\.$dossier.$id ~~ Array(numbers.keys)).with(\.$wave)
            .all()
        return APIDecisionList(
            items: rows.map { d in
                APIDecision(
                    dossier: d.$dossier.id, number: numbers[d.$dossier.id] ?? nil, wave: d.wave.number,
                    outcome: d.outcome,
                    grantedCents: d.grantedCents, motive: d.motive, decidedAt: ISO.instant(d.decidedAt),
                    published: d.wave.publishedAt != nil,
                    simulated: d.simulated)
            }.sorted { ($0.number ?? "", $0.wave) < ($1.number ?? "", $1.wave) })
    }

    /// Filed dossiers inside the person's scopes.
    private func visible(_ req: Request, _ user: UserModel) async throws -> QueryBuilder<DossierModel> {
        let groups = StaffDirectory.visibleGroups(
            try await StaffDirectory(req).scopes(of: user.requireID()))
        let query = DossierModel.query(on: req.db).filter(\.$filedAt != nil)
        if let groups { query.filter(\.$instructorGroup ~~ Array(groups)) }
        return query
    }
}

/// Reads and checks an API token; a request without one goes on as a browser's.
struct APITokenAuthenticator: AsyncBearerAuthenticator {
    /// Tokens start with this, so that a leaked one is recognisable (and searchable in code hosts).
    static let prefix = "gch_"

    func authenticate(bearer: BearerAuthorization, for request: Request) async throws {
        guard bearer.token.hasPrefix(Self.prefix) else { return }
        let digest = AttachmentStore.sha256(Data(bearer.token.utf8))
        guard
            let token = try await APITokenModel.query(on: request.db).filter(\.$tokenHash == digest).filter(
                \.$revokedAt == nil
            )
            .with(\.$user).first(), token.user.disabledAt == nil
        else { return }
        request.auth.login(token.user)
        request.storage[APIAccess.ScopesKey.self] = token.scopeSet
        // Last use to the minute is enough to spot idle tokens, and spares a write per request.
        if (token.lastUsedAt ?? .distantPast) < Date().addingTimeInterval(-60) {
            token.lastUsedAt = Date()
            try await token.save(on: request.db)
        }
    }
}

/// What a request may read through the API.
enum APIAccess {
    struct ScopesKey: StorageKey {
        typealias Value = Set<APIScope>
    }

    /// The signed-in person, if the request's token (when it came with one) carries `scope`.
    static func require(_ scope: APIScope, _ req: Request) throws -> UserModel {
        let user = try req.auth.require(UserModel.self)
        if let scopes = req.storage[ScopesKey.self], !scopes.contains(scope) {
            throw AppError(
                status: .forbidden, code: "token_scope_missing",
                message: "Ce jeton ne permet pas de \(scope.label) (portée « \(scope.rawValue) » absente).")
        }
        return user
    }
}
