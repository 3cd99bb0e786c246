import Fluent
import Vapor

/// The public results pages: `GET /` and `GET /appels/{call}/resultats`.
struct ResultsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
        routes.get("appels", ":call", "resultats", use: show)
    }

    /// Until a landing page exists, `/` shows the results of the most recent call.
    @Sendable
    func home(req: Request) async throws -> View {
        guard let model = try await CallRepository(database: req.db).defaultCall() else {
            throw AppError.notFound("no_call", "Aucun appel à projets n'est encore publié sur ce Guichet.")
        }
        return try await render(model, req)
    }

    @Sendable
    func show(req: Request) async throws -> View {
        let key = req.parameters.get("call") ?? ""
        return try await render(CallRepository(database: req.db).find(key), req)
    }

    private func render(_ model: CallModel, _ req: Request) async throws -> View {
        let call = try await CallRepository(database: req.db).load(model)
        let results = try await ResultsService(database: req.db).results(call, publishedOnly: true)
        return try await req.view.render("results/show", ResultsPage(results, chrome: .make(req)))
    }
}

/// The JSON API for calls and their results.
struct CallsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let calls = routes.grouped("api", "v1", "calls")
        calls.get(use: list)
        calls.get(":call", use: show)
        calls.get(":call", "results", use: results)
        calls.get(":call", "envelopes", use: envelopes)
    }

    /// The envelope tree with, per published wave, what its decisions commit.
    @Sendable
    func envelopes(req: Request) async throws -> EnvelopeStatementDTO {
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        return EnvelopeStatementDTO(reference: call.model.reference, try await ResultsService(database: req.db).statement(call, publishedOnly: true))
    }

    @Sendable
    func list(req: Request) async throws -> CallListDTO {
        try CallListDTO(calls: await CallRepository(database: req.db).all().map(CallDTO.init))
    }

    @Sendable
    func show(req: Request) async throws -> CallDTO {
        try await CallDTO(CallRepository(database: req.db).find(req.parameters.get("call") ?? ""))
    }

    @Sendable
    func results(req: Request) async throws -> ResultsDTO {
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        return try await ResultsDTO(ResultsService(database: req.db).results(call, publishedOnly: true))
    }
}
