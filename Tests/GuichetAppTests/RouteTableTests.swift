import Foundation
@testable import GuichetApp
import Testing
import Vapor
import VaporTesting

/// Every route Guichet registers, and what an anonymous request without a CSRF token gets. Adding a route without adding
/// it here fails ``everyRouteIsListedAndAnswers()``.
@Suite struct RouteTableTests {
    static let expected: [(method: HTTPMethod, route: String, sample: String, status: HTTPStatus)] = [
        (.GET, "/", "/", .ok),
        (.GET, "/health", "/health", .ok),
        (.GET, "/appels/:call/resultats", "/appels/hdf-2021/resultats", .ok),
        (.GET, "/api/v1/calls", "/api/v1/calls", .ok),
        (.GET, "/api/v1/calls/:call", "/api/v1/calls/hdf-2021", .ok),
        (.GET, "/api/v1/calls/:call/results", "/api/v1/calls/hdf-2021/results", .ok),
        (.GET, "/inscription", "/inscription", .ok),
        (.POST, "/inscription", "/inscription", .forbidden),
        (.GET, "/confirmation", "/confirmation?jeton=inconnu", .gone),
        (.GET, "/connexion", "/connexion", .ok),
        (.POST, "/connexion", "/connexion", .forbidden),
        (.POST, "/deconnexion", "/deconnexion", .forbidden),
        (.GET, "/mot-de-passe-oublie", "/mot-de-passe-oublie", .ok),
        (.POST, "/mot-de-passe-oublie", "/mot-de-passe-oublie", .forbidden),
        (.GET, "/mot-de-passe/nouveau", "/mot-de-passe/nouveau?jeton=inconnu", .gone),
        (.POST, "/mot-de-passe/nouveau", "/mot-de-passe/nouveau", .forbidden),
        (.GET, "/mon-espace", "/mon-espace", .seeOther),
    ]

    @Test func everyRouteIsListedAndAnswers() async throws {
        try await withGuichet { app in
            let registered = Set(app.routes.all.map { "\($0.method.rawValue) /\($0.path.map(\.description).joined(separator: "/"))" })
            let listed = Set(Self.expected.map { "\($0.method.rawValue) \($0.route)" })
            #expect(registered == listed, "routes and this table differ: \(registered.symmetricDifference(listed))")
            for entry in Self.expected {
                try await app.testing().test(entry.method, entry.sample) { res in
                    #expect(res.status == entry.status, "\(entry.method) \(entry.sample)")
                }
            }
        }
    }
}
