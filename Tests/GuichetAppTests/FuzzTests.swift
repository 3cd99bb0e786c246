import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// Every route, as several personas, with forms and queries full of what people (and robots)
/// really send: never a 5xx.
@Suite struct FuzzTests {
    static let names = [
        "email", "password", "password_confirmation", "display_name", "name", "title", "summary", "theme", "territory",
        "amount",
        "amount_requested", "total_budget", "motive", "message", "body", "reason", "decision", "kind", "outcome",
        "dossier", "dossiers",
        "assignee", "label", "scope", "scope_level", "scope_code", "reference", "opens_on", "deadline", "held_on",
        "wave", "chair",
        "members", "quorum", "present", "budget", "whatif", "url", "event", "siret", "rna", "legal_form", "departement",
        "regions",
        "departements", "service", "role", "jeton", "due_on", "question", "envelope", "effective_on", "confirm", "next",
        "retour",
        "note_pertinence", "definition", "owner_name", "owner_siret", "organisation", "statut", "page", "tri",
        "note_min", "note_max",
        "themes.0.code", "themes.7.label", "envelopes.0.revisions.0.amount_cents", "envelopes.99.key",
        "form.fields.0.type",
        "form.fields.0.options", "waves.0.announced_on", "committee.quorum", "scoring_grid.scale", "start_date",
        "end_date", "beneficiaries",
    ]

    static let values = [
        "", " ", "0", "-1", "99999999999999999999999", "1e308", "NaN", "'; DROP TABLE calls; --",
        "<script>alert(1)</script>",
        "\u{0}", String(repeating: "é", count: 5_000), "2021-02-30", "9999-12-31", "../../etc/passwd", "%00", "😀",
        "１２３",
        "true", "null", "[]", "{\"format\":1}", UUID().uuidString, "00000000-0000-0000-0000-000000000000", "national",
        "region:32",
        "departement:99", "service:DRAAF", "12 500,50", "-12 500", "hdf-2021", "oui", "retained", "2026-12-05",
        "\r\n\r\n",
    ]

    @Test func noRouteAnswersA5xxToAnyPersonaWhateverItIsSent() async throws {
        try await withGuichet { app in
            let (fixture, browsers) = try await AccessMatrixTests.prepare(app)
            var random = SplitMix64(seed: 2026_12_05)
            func pick<T>(_ list: [T]) -> T { list[Int(random.next() % UInt64(list.count))] }
            var failures: [String] = []
            let personas = AccessMatrixTests.Persona.allCases
            for entry in AccessMatrixTests.matrix where entry.url != .logout {
                for persona in personas {
                    guard let browser = browsers[persona] else { continue }
                    for (cell, _) in [(AccessMatrixTests.Cell.own, 1), (.other, 1), (.own, 2)] {
                        let path = fixture.path(entry.url.patternText, cell)
                        var fields: [String: String] = [:]
                        for _ in 0..<6 { fields[pick(Self.names)] = pick(Self.values) }
                        let response: TestingHTTPResponse
                        if entry.method == .GET {
                            let query = fields.map { key, value in
                                "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                            }.joined(separator: "&")
                            response = try await browser.get(path + "?" + query)
                        } else {
                            response = try await browser.post(path, fields)
                        }
                        if response.status.code >= 500 {
                            failures.append(
                                "\(entry.method) \(path) as \(persona) with \(fields.keys.sorted()): \(response.status.code)"
                            )
                        }
                    }
                }
            }
            #expect(
                failures.isEmpty, "\(failures.count) answers of 5xx:\n\(failures.prefix(20).joined(separator: "\n"))")
        }
    }
}
