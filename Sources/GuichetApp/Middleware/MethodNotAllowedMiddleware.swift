import Vapor

/// Answers 405 with an `Allow` header, rather than 404, when an address exists for other methods
/// (`DELETE /api/v1/calls` where only `GET` is declared), as HTTP (RFC 9110, 15.5.6) and the
/// OpenAPI conformance checks expect.
///
/// The check runs only on the router's "not found" (`RouteNotFound`): a request that matched a
/// route pays nothing, and a handler's own "not found" (an unknown dossier) is another error.
struct MethodNotAllowedMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let missing as RouteNotFound {
            guard let table = request.application.storage[RouteMethods.Key.self] else { throw missing }
            let allowed = table.methods(matching: request.url.path)
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw missing }
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .allow, value: allowed.sorted().joined(separator: ", "))
            throw Abort(.methodNotAllowed, headers: headers)
        }
    }
}

/// Which methods each registered route pattern answers to, built once the routes are registered.
///
/// `@unchecked Sendable`: RoutingKit's tries are classes, but these are filled in `init`, before
/// the server starts, and only read afterwards (`route(path:parameters:)` does not mutate).
struct RouteMethods: @unchecked Sendable {
    struct Key: StorageKey {
        typealias Value = RouteMethods
    }

    private let routers: [String: TrieRouter<Bool>]
    private static let root = "_"

    init(_ routes: [Route]) {
        var routers: [String: TrieRouter<Bool>] = [:]
        for route in routes {
            let method = route.method.rawValue
            let router = routers[method] ?? TrieRouter(Bool.self)
            // Under a fixed first component, as Vapor does with the method: the home page's path is empty.
            router.register(true, at: [.constant(Self.root)] + route.path)
            routers[method] = router
        }
        // A GET route answers HEAD too.
        if let get = routers[HTTPMethod.GET.rawValue], routers[HTTPMethod.HEAD.rawValue] == nil {
            routers[HTTPMethod.HEAD.rawValue] = get
        }
        self.routers = routers
    }

    /// The methods with a route for `path`.
    func methods(matching path: String) -> Set<String> {
        let components =
            [Self.root]
            + path.split(separator: "/", omittingEmptySubsequences: true).map {
                String($0).removingPercentEncoding ?? String($0)
            }
        var found: Set<String> = []
        for (method, router) in routers {
            var parameters = Parameters()
            if router.route(path: components, parameters: &parameters) != nil { found.insert(method) }
        }
        return found
    }
}
