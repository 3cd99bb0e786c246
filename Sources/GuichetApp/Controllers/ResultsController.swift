import Fluent
import GuichetDomain
import Vapor

/// The public results pages: `GET /` and `GET /appels/{call}/resultats`.
struct ResultsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.home, use: home)
        routes.get(.callResults(.pattern), use: show)
    }

    /// `/`: the calls open now, to come, and closed with their latest published results.
    @Sendable
    func home(req: Request) async throws -> View {
        let calls = try await CallRepository(database: req.db).all()
        let ids = calls.compactMap(\.id)
        // Each call's newest publication: one query, the highest version per call kept.
        let publications = try await PublicationModel.query(on: req.db).filter(\.$call.$id ~~ ids).sort(
            \.$version, .descending
        ).all()
        var published: [UUID: PublishedResults] = [:]
        for publication in publications where published[publication.$call.id] == nil {
            published[publication.$call.id] = try publication.results()
        }
        return try await req.view.render("home", HomePage(req, calls: calls, published: published, now: Date()))
    }

    @Sendable
    func show(req: Request) async throws -> View {
        let key = req.parameters.get("call") ?? ""
        return try await render(CallRepository(database: req.db).find(key), req)
    }

    private func render(_ model: CallModel, _ req: Request) async throws -> View {
        let call = try await CallRepository(database: req.db).load(model)
        let results = try await ResultsService(database: req.db).results(call, publishedOnly: true)
        let latest = try await PublicationService(database: req.db, now: Date()).latest(call.id)
        return try await req.view.render("results/show", ResultsPage(results, chrome: .make(req), latest: latest))
    }
}

/// The JSON API for calls and their results.
struct CallsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.apiCalls, use: list)
        routes.get(.apiCall(.pattern), use: show)
        routes.get(.apiCallResults(.pattern), use: results)
        routes.get(.apiCallEnvelopes(.pattern), use: envelopes)
        routes.get(.apiCallPublications(.pattern), use: publications)
        routes.get(.apiOpenAPI, use: openAPI)
        routes.get(.apiCallSchema, use: callSchema)
    }

    /// The JSON Schema of call definitions (format 1), as Guichet checks them.
    @Sendable
    func callSchema(req: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(data: try JSONSchemaCheck.callSchemaData()))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "schema+json")
        return response
    }

    /// The published versions of a call's results, newest first, with their files.
    @Sendable
    func publications(req: Request) async throws -> APIPublicationList {
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        let versions = try await PublicationService(database: req.db, now: Date()).versions(call.id)
        let reference = call.model.reference
        return APIPublicationList(
            items: versions.map { publication in
                let names = [
                    PublicationService.FileName.subsidies, PublicationService.FileName.results,
                    PublicationService.FileName.pressKit,
                ]
                return APIPublication(
                    version: publication.version, wave: publication.waveNumber,
                    publishedAt: ISO.instant(publication.publishedAt),
                    changes: (try? publication.changeList().summary) ?? [],
                    files: Dictionary(
                        uniqueKeysWithValues: names.map {
                            ($0, SiteURL.resultsVersionFile(reference, publication.version, $0).path)
                        }))
            })
    }

    /// The OpenAPI 3.1 description of this API.
    @Sendable
    func openAPI(req: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(data: try OpenAPIDocument.json()))
        response.headers.contentType = .json
        return response
    }

    /// The envelope tree with, per published wave, what its decisions commit.
    @Sendable
    func envelopes(req: Request) async throws -> EnvelopeStatementDTO {
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        return EnvelopeStatementDTO(
            reference: call.model.reference,
            try await ResultsService(database: req.db).statement(call, publishedOnly: true))
    }

    @Sendable
    func list(req: Request) async throws -> CallListDTO {
        try CallListDTO(calls: await CallRepository(database: req.db).all().map { try CallDTO($0) })
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
