import Foundation
import Testing
import Vapor
import VaporTesting

@testable import GuichetApp

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
        (.GET, "/appels/:call", "/appels/essai-hdf", .ok),
        (.GET, "/appels/:call/deposer", "/appels/essai-hdf/deposer", .seeOther),
        (.POST, "/appels/:call/deposer", "/appels/essai-hdf/deposer", .forbidden),
        (.GET, "/dossiers/:dossier", "/dossiers/\(UUID())", .seeOther),
        (.GET, "/dossiers/:dossier/modifier", "/dossiers/\(UUID())/modifier", .seeOther),
        (.POST, "/dossiers/:dossier/modifier", "/dossiers/\(UUID())/modifier", .forbidden),
        (.GET, "/dossiers/:dossier/recapitulatif", "/dossiers/\(UUID())/recapitulatif", .seeOther),
        (.POST, "/dossiers/:dossier/deposer", "/dossiers/\(UUID())/deposer", .forbidden),
        (.GET, "/dossiers/:dossier/recepisse", "/dossiers/\(UUID())/recepisse", .seeOther),
        (.POST, "/dossiers/:dossier/retirer", "/dossiers/\(UUID())/retirer", .forbidden),
        (.GET, "/instruction", "/instruction", .seeOther),
        (.GET, "/instruction/export.csv", "/instruction/export.csv", .seeOther),
        (.GET, "/liens-d-interet", "/liens-d-interet", .seeOther),
        (.GET, "/expertise", "/expertise", .seeOther),
        (.GET, "/expertise/:request", "/expertise/\(UUID())", .seeOther),
        (.POST, "/expertise/:request", "/expertise/\(UUID())", .forbidden),
        (.POST, "/instruction/dossiers/:dossier/expertise", "/instruction/dossiers/\(UUID())/expertise", .forbidden),
        (
            .POST, "/instruction/dossiers/:dossier/expertise/:request/revoquer",
            "/instruction/dossiers/\(UUID())/expertise/\(UUID())/revoquer", .forbidden
        ),
        (
            .GET, "/instruction/dossiers/:dossier/pieces/:attachment",
            "/instruction/dossiers/\(UUID())/pieces/\(UUID())", .seeOther
        ),
        (.POST, "/liens-d-interet", "/liens-d-interet", .forbidden),
        (.GET, "/instruction/dossiers/:dossier", "/instruction/dossiers/\(UUID())", .seeOther),
        (.POST, "/instruction/dossiers/:dossier/prendre", "/instruction/dossiers/\(UUID())/prendre", .forbidden),
        (
            .POST, "/instruction/dossiers/:dossier/recevabilite", "/instruction/dossiers/\(UUID())/recevabilite",
            .forbidden
        ),
        (.POST, "/instruction/dossiers/:dossier/complement", "/instruction/dossiers/\(UUID())/complement", .forbidden),
        (
            .POST, "/instruction/dossiers/:dossier/instruction", "/instruction/dossiers/\(UUID())/instruction",
            .forbidden
        ),
        (.POST, "/instruction/dossiers/:dossier/avis", "/instruction/dossiers/\(UUID())/avis", .forbidden),
        (.POST, "/instruction/dossiers/:dossier/notes", "/instruction/dossiers/\(UUID())/notes", .forbidden),
        (.POST, "/instruction/dossiers/:dossier/attribuer", "/instruction/dossiers/\(UUID())/attribuer", .forbidden),
        (.GET, "/dossiers/:dossier/pieces/:attachment", "/dossiers/\(UUID())/pieces/\(UUID())", .seeOther),
        (.GET, "/organisations", "/organisations", .seeOther),
        (.GET, "/organisations/nouvelle", "/organisations/nouvelle", .seeOther),
        (.POST, "/organisations", "/organisations", .forbidden),
        (.GET, "/organisations/:id", "/organisations/6f1c2a5e-0000-4000-8000-000000000001", .seeOther),
        (
            .POST, "/organisations/:id/invitations", "/organisations/6f1c2a5e-0000-4000-8000-000000000001/invitations",
            .forbidden
        ),
        (.GET, "/dossiers/:dossier/messages", "/dossiers/\(UUID())/messages", .seeOther),
        (.POST, "/dossiers/:dossier/messages", "/dossiers/\(UUID())/messages", .forbidden),
        (
            .GET, "/dossiers/:dossier/messages/pieces/:attachment", "/dossiers/\(UUID())/messages/pieces/\(UUID())",
            .seeOther
        ),
        (.POST, "/instruction/dossiers/:dossier/messages", "/instruction/dossiers/\(UUID())/messages", .forbidden),
        (
            .GET, "/instruction/dossiers/:dossier/messages/pieces/:attachment",
            "/instruction/dossiers/\(UUID())/messages/pieces/\(UUID())", .seeOther
        ),
        (.POST, "/instruction/dossiers/:dossier/etiquettes", "/instruction/dossiers/\(UUID())/etiquettes", .forbidden),
        (
            .POST, "/instruction/dossiers/:dossier/etiquettes/retirer",
            "/instruction/dossiers/\(UUID())/etiquettes/retirer", .forbidden
        ),
        (
            .POST, "/instruction/dossiers/:dossier/annotations", "/instruction/dossiers/\(UUID())/annotations",
            .forbidden
        ),
        (.POST, "/instruction/lot", "/instruction/lot", .forbidden),
        (.GET, "/admin/personnel", "/admin/personnel", .seeOther),
        (.GET, "/appels/:call/resultats/versions", "/appels/hdf-2021/resultats/versions", .ok),
        (.GET, "/appels/:call/resultats/versions/:version", "/appels/hdf-2021/resultats/versions/1", .ok),
        (
            .GET, "/appels/:call/resultats/versions/:version/:file",
            "/appels/hdf-2021/resultats/versions/1/resultats.json", .ok
        ),
        (.GET, "/appels/:call/dossier-de-presse", "/appels/hdf-2021/dossier-de-presse", .ok),
        (
            .GET, "/appels/:call/dossier-de-presse.pdf", "/appels/hdf-2021/dossier-de-presse.pdf",
            PressKitPDF.locate(configured: ProcessInfo.processInfo.environment["GUICHET_CHROMIUM_PATH"]) == nil
                ? .notFound : .ok
        ),
        (.GET, "/appels/:call/donnees/:file", "/appels/hdf-2021/donnees/subventions.csv", .ok),
        (.GET, "/admin/publication", "/admin/publication", .seeOther),
        (.GET, "/admin/publication/:call", "/admin/publication/hdf-2021", .seeOther),
        (.POST, "/admin/publication/:call/publier", "/admin/publication/hdf-2021/publier", .forbidden),
        (.GET, "/admin/import/:call", "/admin/import/hdf-2021", .seeOther),
        (.GET, "/admin/import/:call/suivi/:job", "/admin/import/hdf-2021/suivi/\(UUID())", .seeOther),
        (.GET, "/instruction/exports/:dataset", "/instruction/exports/avis.json", .seeOther),
        (.GET, "/api/v1/calls/:call/publications", "/api/v1/calls/hdf-2021/publications", .ok),
        (.GET, "/api/v1/openapi.json", "/api/v1/openapi.json", .ok),
        (.GET, "/api/v1/calls/:call/dossiers", "/api/v1/calls/hdf-2021/dossiers", .unauthorized),
        (.GET, "/api/v1/calls/:call/decisions", "/api/v1/calls/hdf-2021/decisions", .unauthorized),
        (.GET, "/api/v1/dossiers/:dossier", "/api/v1/dossiers/\(UUID())", .unauthorized),
        (.GET, "/api/v1/dossiers/:dossier/reviews", "/api/v1/dossiers/\(UUID())/reviews", .unauthorized),
        (.GET, "/mon-espace/jetons", "/mon-espace/jetons", .seeOther),
        (.POST, "/mon-espace/jetons", "/mon-espace/jetons", .forbidden),
        (.POST, "/mon-espace/jetons/:token/revoquer", "/mon-espace/jetons/\(UUID())/revoquer", .forbidden),
        (.GET, "/admin/webhooks", "/admin/webhooks", .seeOther),
        (.POST, "/admin/webhooks", "/admin/webhooks", .forbidden),
        (.POST, "/admin/webhooks/:endpoint/desactiver", "/admin/webhooks/\(UUID())/desactiver", .forbidden),
        (.POST, "/admin/import/:call", "/admin/import/hdf-2021", .forbidden),
        (.GET, "/admin/personnel/nouveau", "/admin/personnel/nouveau", .seeOther),
        (.POST, "/admin/personnel", "/admin/personnel", .forbidden),
        (.GET, "/admin/personnel/:person", "/admin/personnel/\(UUID())", .seeOther),
        (.POST, "/admin/personnel/:person", "/admin/personnel/\(UUID())", .forbidden),
        (.POST, "/admin/personnel/:person/fermer", "/admin/personnel/\(UUID())/fermer", .forbidden),
        (.POST, "/admin/personnel/:person/rouvrir", "/admin/personnel/\(UUID())/rouvrir", .forbidden),
        (.GET, "/comite", "/comite", .seeOther),
        (.GET, "/comite/seances/nouvelle", "/comite/seances/nouvelle", .seeOther),
        (.POST, "/comite/seances", "/comite/seances", .forbidden),
        (.GET, "/comite/seances/:session", "/comite/seances/\(UUID())", .seeOther),
        (.POST, "/comite/seances/:session/presences", "/comite/seances/\(UUID())/presences", .forbidden),
        (.POST, "/comite/seances/:session/decisions", "/comite/seances/\(UUID())/decisions", .forbidden),
        (
            .POST, "/comite/seances/:session/decisions/retirer", "/comite/seances/\(UUID())/decisions/retirer",
            .forbidden
        ),
        (.POST, "/comite/seances/:session/appliquer", "/comite/seances/\(UUID())/appliquer", .forbidden),
        (.GET, "/comite/seances/:session/proces-verbal", "/comite/seances/\(UUID())/proces-verbal", .seeOther),
        (.GET, "/comite/seances/:session/lettres/:dossier", "/comite/seances/\(UUID())/lettres/\(UUID())", .seeOther),
        (.GET, "/comite/enveloppes/:call", "/comite/enveloppes/hdf-2021", .seeOther),
        (.POST, "/comite/enveloppes/:call/revisions", "/comite/enveloppes/hdf-2021/revisions", .forbidden),
        (.POST, "/comite/enveloppes/:call/vagues", "/comite/enveloppes/hdf-2021/vagues", .forbidden),
        (.GET, "/comite/seances/:session/proposition", "/comite/seances/\(UUID())/proposition", .seeOther),
        (.POST, "/comite/seances/:session/proposition", "/comite/seances/\(UUID())/proposition", .forbidden),
        (.GET, "/dossiers/:dossier/decision", "/dossiers/\(UUID())/decision", .seeOther),
        (.GET, "/api/v1/calls/:call/envelopes", "/api/v1/calls/hdf-2021/envelopes", .ok),
        (.GET, "/invitations/accepter", "/invitations/accepter?jeton=inconnu", .seeOther),
        (.POST, "/invitations/accepter", "/invitations/accepter", .forbidden),
        (.GET, "/admin/appels", "/admin/appels", .seeOther),
        (.POST, "/admin/appels", "/admin/appels", .forbidden),
        (.GET, "/admin/appels/:call", "/admin/appels/hdf-2021", .seeOther),
        (.POST, "/admin/appels/:call/:section", "/admin/appels/hdf-2021/general", .forbidden),
        (.POST, "/admin/appels/:call/dupliquer", "/admin/appels/hdf-2021/dupliquer", .forbidden),
        (.POST, "/admin/appels/:call/publier", "/admin/appels/hdf-2021/publier", .forbidden),
        (.POST, "/admin/appels/:call/archiver", "/admin/appels/hdf-2021/archiver", .forbidden),
        (.GET, "/admin/appels/:call/apercu", "/admin/appels/hdf-2021/apercu", .seeOther),
        (.GET, "/admin/appels/:call/apercu/formulaire", "/admin/appels/hdf-2021/apercu/formulaire", .seeOther),
        (.GET, "/api/v1/schemas/call.json", "/api/v1/schemas/call.json", .ok),
        (.GET, "/api/v1/calls/:call/definition", "/api/v1/calls/hdf-2021/definition", .unauthorized),
    ]

    @Test func everyRouteIsListedAndAnswers() async throws {
        try await withGuichet { app in
            let registered = Set(
                app.routes.all.map { "\($0.method.rawValue) /\($0.path.map(\.description).joined(separator: "/"))" })
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
