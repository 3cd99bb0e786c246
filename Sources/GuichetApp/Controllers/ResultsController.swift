import Fluent
import GuichetDomain
import Vapor

/// The public results pages: `GET /` and `GET /appels/{call}/resultats`.
struct ResultsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(.home, use: home)
        routes.get(.calls, use: calls)
        routes.get(.callResults(.pattern), use: show)
    }

    /// `/`: the calls open now, to come, and closed with their latest published results.
    @Sendable
    func home(req: Request) async throws -> View {
        let calls = try await CallRepository(database: req.db).all()
        let published = try await PublicationService(database: req.db, now: Date()).latestResults()
        return try await req.view.render(
            "home", HomePage(chrome: .make(req), calls: calls, published: published, now: Date()))
    }

    /// `/appels`: the same list as the home page, at the address people type after a call's.
    @Sendable
    func calls(req: Request) async throws -> View {
        let calls = try await CallRepository(database: req.db).all()
        let published = try await PublicationService(database: req.db, now: Date()).latestResults()
        var page = HomePage(chrome: .make(req), calls: calls, published: published, now: Date())
        page.isCallList = true
        return try await req.view.render("home", page)
    }

    /// A call's results: for a reader without an account, the page stored with the latest
    /// version as published (the bytes the server also keeps in memory); for a signed-in reader,
    /// the same figures in a page that knows them.
    @Sendable
    func show(req: Request) async throws -> Response {
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        let publications = PublicationService(database: req.db, now: Date())
        if Chrome.isAnonymous(req),
            let stored = try await publications.latestFile(call.id, PublicationService.FileName.resultsPage)
        {
            return PublicationController.response(stored, download: false)
        }
        let results = try await ResultsService(database: req.db).results(call, publishedOnly: true)
        let latest = try await publications.latest(call.id).map { try $0.results() }
        return try await req.view.render("results/show", ResultsPage(results, chrome: .make(req), latest: latest))
            .encodeResponse(for: req)
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

    /// The envelope tree with, per published wave, what its decisions commit: as published in
    /// the latest version, or computed from the published waves.
    @Sendable
    func envelopes(req: Request) async throws -> Response {
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        if let stored = try await PublicationService(database: req.db, now: Date()).latestFile(
            call.id, PublicationService.FileName.apiEnvelopes)
        {
            return PublicationController.response(stored, download: false)
        }
        return try await EnvelopeStatementDTO(
            reference: call.model.reference,
            try await ResultsService(database: req.db).statement(call, publishedOnly: true)
        ).encodeResponse(for: req)
    }

    @Sendable
    func list(req: Request) async throws -> CallListDTO {
        try CallListDTO(calls: await CallRepository(database: req.db).all().map { try CallDTO($0) })
    }

    @Sendable
    func show(req: Request) async throws -> CallDTO {
        try await CallDTO(CallRepository(database: req.db).find(req.parameters.get("call") ?? ""))
    }

    /// The results as published in the latest version (the bytes stored with it), or computed
    /// from the published waves for a call published before versions kept them.
    @Sendable
    func results(req: Request) async throws -> Response {
        let call = try await CallRepository(database: req.db).load(req.parameters.get("call") ?? "")
        if let stored = try await PublicationService(database: req.db, now: Date()).latestFile(
            call.id, PublicationService.FileName.apiResults)
        {
            return PublicationController.response(stored, download: false)
        }
        return try await ResultsDTO(ResultsService(database: req.db).results(call, publishedOnly: true))
            .encodeResponse(for: req)
    }
}
