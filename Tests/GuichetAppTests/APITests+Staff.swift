import Crypto
import Fluent
import Foundation
import GuichetDomain
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

@testable import GuichetApp

/// The staff's API with tokens, the OpenAPI document kept true, and webhooks.
@Suite struct StaffAPITests {
    /// Creates a token on the token page and returns it.
    func token(_ browser: Browser, scopes: [APIScope]) async throws -> String {
        try await browser.get(SiteURL.apiTokens.path)
        let page = try await browser.post(
            pairs: SiteURL.apiTokens.path, [("name", "Tableau de bord")] + scopes.map { ("scope", $0.rawValue) })
        #expect(page.status == .created)
        let match = try #require(page.body.string.firstMatch(of: /<code>(gch_[A-Za-z0-9_-]{20,})<\/code>/))
        return String(match.1)
    }

    func get(_ app: Application, _ path: String, token: String?) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(
            .GET, path,
            beforeRequest: { req in
                if let token { req.headers.bearerAuthorization = BearerAuthorization(token: token) }
            })
    }

    @Test func aTokenReadsWhatItsOwnerMayReadWithinItsScopes() async throws {
        try await withGuichet { app in
            // setup
            let aisne = try await Factory.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
            let secret = try await token(aisne, scopes: [.dossiersRead])
            #expect(try await APITokenModel.query(on: app.db).first()?.tokenHash != secret, "only the digest is stored")
            // act
            let list = try await get(app, "/api/v1/calls/hdf-2021/dossiers?per=500", token: secret)
            // validate
            #expect(list.status == .ok)
            let page = try JSONDecoder().decode(APIDossierPageProbe.self, from: Data(list.body.readableBytesView))
            #expect(page.total > 0)
            #expect(page.items.allSatisfy { $0.group == "departement:02" })
            let nord = try #require(
                try await DossierModel.query(on: app.db).filter(\.$instructorGroup == "departement:59").filter(
                    \.$filedAt != nil
                ).first())
            #expect(try await get(app, "/api/v1/dossiers/\(nord.requireID())", token: secret).status == .notFound)
            let mine = try #require(page.items.first)
            #expect(try await get(app, "/api/v1/dossiers/\(mine.id)", token: secret).status == .ok)
            // Outside the token's scopes: refused with a stable code.
            let reviews = try await get(app, "/api/v1/dossiers/\(mine.id)/reviews", token: secret)
            #expect(reviews.status == .forbidden)
            #expect(reviews.body.string.contains("\"code\":\"token_scope_missing\""))
            // Bad input answers 400 with its code, not 500.
            let bad = try await get(app, "/api/v1/calls/hdf-2021/dossiers?status=inconnu", token: secret)
            #expect(bad.status == .badRequest)
            #expect(bad.body.string.contains("invalid_status"))
            // What the OpenAPI document declares is what is accepted: no page 0, at most 500 a page.
            for query in ["page=0", "per=0", "per=501", "status=", "status=draft"] {
                let refused = try await get(app, "/api/v1/calls/hdf-2021/dossiers?\(query)", token: secret)
                #expect(refused.status == .badRequest, "\(query)")
            }
            // Unknown, malformed and revoked tokens get 401.
            for wrong in ["gch_inconnu", "pas-un-jeton"] {
                #expect(try await get(app, "/api/v1/calls/hdf-2021/dossiers", token: wrong).status == .unauthorized)
            }
            let id = try #require(try await APITokenModel.query(on: app.db).first()?.requireID())
            try await aisne.get(SiteURL.apiTokens.path)
            try await aisne.post(SiteURL.apiTokens.path + "/\(id.uuidString.lowercased())/revoquer", [:])
            let revoked = try await get(app, "/api/v1/calls/hdf-2021/dossiers", token: secret)
            #expect(revoked.status == .unauthorized)
            #expect(revoked.body.string.contains("\"error\""))
        }
    }

    @Test func tokensNeedANameAndAScopeAndApplicantsHaveNone() async throws {
        try await withGuichet { app in
            let aisne = try await Factory.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
            try await aisne.get(SiteURL.apiTokens.path)
            let refused = try await aisne.post(SiteURL.apiTokens.path, ["name": ""])
            #expect(refused.status == .unprocessableEntity)
            #expect(try await APITokenModel.query(on: app.db).count() == 0)
            let (applicant, _) = try await Factory.filedDossier(app)
            #expect(try await applicant.browser.get(SiteURL.apiTokens.path).status == .notFound)
        }
    }

    @Test func theOpenAPIDocumentDescribesEveryAPIRouteAndNothingElse() async throws {
        try await withGuichet { app in
            let registered = Set(
                app.routes.all.filter { $0.path.first?.description == "api" }.map { route in
                    "\(route.method.rawValue.lowercased()) /"
                        + route.path.map { component in
                            let text = component.description
                            return text.hasPrefix(":") ? "{\(text.dropFirst())}" : text
                        }.joined(separator: "/")
                })
            let documented = Set(OpenAPIDocument.operations.map { "\($0.method) \($0.path)" })
            #expect(
                registered == documented,
                "missing: \(registered.subtracting(documented)), stale: \(documented.subtracting(registered))")
            let served = try await Browser(app).get("/api/v1/openapi.json")
            let json = try JSONValue.parse(Data(served.body.readableBytesView))
            #expect(json["openapi"]?.text == "3.1.0")
            #expect(json["paths"]?.dictionary?.count == Set(OpenAPIDocument.operations.map(\.path)).count)
        }
    }

    @Test func everyAnswerMatchesItsSchema() async throws {
        try await withGuichet { app in
            let region = try await Factory.staff(app, "dreets@exemple.fr", scopes: ["region:32"])
            let secret = try await token(region, scopes: APIScope.allCases)
            let dossier = try #require(try await DossierModel.query(on: app.db).filter(\.$status == "reviewed").first())
                .requireID()
            // A laureate with its grant (act signed, a payment, a report begun) for the grant's path.
            let laureate = try #require(
                try await DossierModel.query(on: app.db).filter(\.$status == "retained").sort(\.$number).first())
            let dreets = try await Factory.user(app, "dreets@exemple.fr")
            let grants = GrantService(database: app.db, now: Date())
            try await grants.generateAct(laureate, by: dreets)
            try await grants.accept(laureate, by: dreets, confirmed: true)
            let signed = try #require(try await DossierModel.find(laureate.requireID(), on: app.db))
            try await grants.record(
                .payment, on: signed, day: Date(), amount: Money(euros: 1_000), reference: "M-1", by: dreets)
            _ = try await GrantReportService(database: app.db, configuration: app.guichetConfiguration, now: Date())
                .save(signed, posted: ["realisation": ["Fait."]], file: false, by: dreets)
            let checker = SchemaChecker(document: try JSONValue.parse(try OpenAPIDocument.json()))
            for operation in OpenAPIDocument.operations {
                let subject = operation.path.hasSuffix("/grant") ? try laureate.requireID() : dossier
                let path = operation.path.replacingOccurrences(of: "{call}", with: "hdf-2021")
                    .replacingOccurrences(of: "{dossier}", with: subject.uuidString.lowercased())
                let answer = try await get(app, path, token: operation.secured ? secret : nil)
                #expect(answer.status == .ok, "\(path)")
                let body = try JSONValue.parse(Data(answer.body.readableBytesView))
                let problems = checker.check(
                    body, against: .object(["$ref": .string("#/components/schemas/\(operation.response)")]), at: path)
                #expect(problems.isEmpty, "\(problems.prefix(5))")
            }
            // Errors have the documented shape too.
            let missing = try await get(app, "/api/v1/calls/inconnu", token: nil)
            #expect(
                checker.check(
                    try JSONValue.parse(Data(missing.body.readableBytesView)),
                    against: .object(["$ref": .string("#/components/schemas/Error")]), at: "error"
                ).isEmpty)
        }
    }
}

/// What the tests read of a dossier page.
struct APIDossierPageProbe: Decodable {
    struct Item: Decodable {
        let id: UUID
        let group: String?
    }
    let items: [Item]
    let total: Int
}

/// A JSON value as the decoder reads it: booleans and numbers kept apart.
indirect enum JSONValue: Decodable {
    case null, bool(Bool), integer(Int64), number(Double), string(String), array([JSONValue]), object(
        [String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    static func parse(_ data: Data) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: data) }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    var text: String? {
        if case .string(let s) = self { return s }
        return nil
    }
    var list: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
    var dictionary: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }
}

/// A small JSON Schema checker for the subset the document uses: `$ref`, `type` (one or a list),
/// `properties`, `required`, `items`, `enum`, `additionalProperties`.
struct SchemaChecker {
    let document: JSONValue

    func check(_ value: JSONValue, against schema: JSONValue, at path: String) -> [String] {
        if let ref = schema["$ref"]?.text {
            let name = ref.replacingOccurrences(of: "#/components/schemas/", with: "")
            guard let target = document["components"]?["schemas"]?[name] else {
                return ["\(path): unknown schema \(name)"]
            }
            return check(value, against: target, at: path)
        }
        var problems: [String] = []
        let types = schema["type"]?.list?.compactMap(\.text) ?? schema["type"]?.text.map { [$0] } ?? []
        if !types.isEmpty, !types.contains(where: { Self.matches(value, $0) }) {
            return ["\(path): \(value) is not \(types)"]
        }
        if let allowed = schema["enum"]?.list?.compactMap(\.text), let text = value.text, !allowed.contains(text) {
            problems.append("\(path): \(text) not in enum")
        }
        if let object = value.dictionary {
            for key in schema["required"]?.list?.compactMap(\.text) ?? [] where object[key] == nil {
                problems.append("\(path).\(key) missing")
            }
            let properties = schema["properties"]?.dictionary ?? [:]
            for (key, child) in object {
                if let sub = properties[key] {
                    problems += check(child, against: sub, at: "\(path).\(key)")
                } else if let extra = schema["additionalProperties"] {
                    problems += check(child, against: extra, at: "\(path).\(key)")
                } else if !properties.isEmpty {
                    problems.append("\(path).\(key) undocumented")
                }
            }
        }
        if let array = value.list, let items = schema["items"] {
            for (index, element) in array.prefix(50).enumerated() {
                problems += check(element, against: items, at: "\(path)[\(index)]")
            }
        }
        return problems
    }

    static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("integer", .integer), ("boolean", .bool), ("array", .array), ("object", .object),
            ("null", .null):
            true
        default: false
        }
    }
}
