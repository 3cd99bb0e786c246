import Foundation
import GuichetDomain

/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`.
///
/// Written as data next to the DTOs it describes, rather than generated from them, so that it
/// reads as the contract clients rely on; tests keep it true: every route under `/api/v1` must be
/// described (and nothing else), and every answer the tests receive must match its schema.
enum OpenAPIDocument {
    /// A JSON value, for building the document.
    indirect enum JSON: Encodable {
        case string(String)
        case int(Int)
        case bool(Bool)
        case array([JSON])
        case object([String: JSON])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .int(let value): try container.encode(value)
            case .bool(let value): try container.encode(value)
            case .array(let value): try container.encode(value)
            case .object(let value): try container.encode(value)
            }
        }
    }

    /// An operation: method, path (OpenAPI style, `{call}`), what it answers.
    struct Operation {
        let method: String
        let path: String
        let summary: String
        let tag: String
        let parameters: [JSON]
        let response: String
        let secured: Bool
        /// The media type of the 200 answer.
        var contentType = "application/json"
    }

    static func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }

    static let operations: [Operation] = [
        Operation(
            method: "get", path: SiteURL.apiCalls.openAPIPath, summary: "Les appels à projets", tag: "Appels",
            parameters: [],
            response: "CallList", secured: false),
        Operation(
            method: "get", path: SiteURL.apiCall(.pattern).openAPIPath, summary: "Un appel à projets", tag: "Appels",
            parameters: [path("call")],
            response: "Call", secured: false),
        Operation(
            method: "get", path: SiteURL.apiCallResults(.pattern).openAPIPath,
            summary: "Les résultats publiés d'un appel",
            tag: "Résultats",
            parameters: [path("call")], response: "Results", secured: false),
        Operation(
            method: "get", path: SiteURL.apiCallEnvelopes(.pattern).openAPIPath,
            summary: "Les enveloppes et ce que chaque vague publiée y engage",
            tag: "Enveloppes", parameters: [path("call")], response: "EnvelopeStatement", secured: false),
        Operation(
            method: "get", path: SiteURL.apiCallPublications(.pattern).openAPIPath,
            summary: "Les versions publiées des résultats et leurs fichiers",
            tag: "Résultats", parameters: [path("call")], response: "PublicationList", secured: false),
        Operation(
            method: "get", path: SiteURL.apiCallDossiers(.pattern).openAPIPath,
            summary: "Les dossiers déposés visibles par le porteur du jeton (portée dossiers:read)",
            tag: "Dossiers",
            parameters: [
                path("call"),
                query(
                    "status", "Statut (filed, eligible, reviewed, retained…)",
                    schema: [
                        "type": .string("string"),
                        "enum": .array(DossierStatus.allCases.filter { $0 != .draft }.map { .string($0.rawValue) }),
                    ]),
                query("theme", "Code de thématique"), query("territory", "Groupe d'instruction (departement:02)"),
                query(
                    "page", "Page, à partir de 1",
                    schema: ["type": .string("integer"), "minimum": .int(1), "maximum": .int(1_000_000)]),
                query(
                    "per", "Dossiers par page (1 à 500)",
                    schema: ["type": .string("integer"), "minimum": .int(1), "maximum": .int(500)]),
            ],
            response: "DossierPage", secured: true),
        Operation(
            method: "get", path: SiteURL.apiDossier(.pattern).openAPIPath, summary: "Un dossier (portée dossiers:read)",
            tag: "Dossiers",
            parameters: [path("dossier")], response: "Dossier", secured: true),
        Operation(
            method: "get", path: SiteURL.apiDossierGrant(.pattern).openAPIPath,
            summary:
                "La subvention d'un dossier retenu : acte, échéancier, versements, reversements, compte rendu financier (portée dossiers:read)",
            tag: "Décisions", parameters: [path("dossier")], response: "Grant", secured: true),
        Operation(
            method: "get", path: SiteURL.apiDossierReviews(.pattern).openAPIPath,
            summary: "Les notes et les avis d'un dossier (portée reviews:read)",
            tag: "Instruction", parameters: [path("dossier")], response: "Reviews", secured: true),
        Operation(
            method: "get", path: SiteURL.apiCallDecisions(.pattern).openAPIPath,
            summary: "Les décisions des dossiers visibles (portée decisions:read)",
            tag: "Décisions", parameters: [path("call")], response: "DecisionList", secured: true),
        Operation(
            method: "get", path: SiteURL.apiOpenAPI.openAPIPath, summary: "Ce document", tag: "Appels", parameters: [],
            response: "OpenAPI", secured: false),
        Operation(
            method: "get", path: SiteURL.apiCallSchema.openAPIPath,
            summary: "Le schéma JSON des définitions d'appels (format 1)",
            tag: "Appels", parameters: [], response: "JSONSchema", secured: false,
            contentType: "application/schema+json"),
        Operation(
            method: "get", path: SiteURL.apiCallDefinition(.pattern).openAPIPath,
            summary:
                "La définition complète d'un appel, au format de /api/v1/schemas/call.json (portée calls:read ; un brouillon pour ses seuls auteurs)",
            tag: "Appels", parameters: [path("call")], response: "CallDefinition", secured: true),
    ]

    private static func path(_ name: String) -> JSON {
        .object([
            "name": .string(name), "in": .string("path"), "required": .bool(true),
            "schema": .object(["type": .string("string")]),
        ])
    }

    private static func query(
        _ name: String, _ description: String, schema: [String: JSON] = ["type": .string("string")]
    ) -> JSON {
        .object([
            "name": .string(name), "in": .string("query"), "required": .bool(false),
            "description": .string(description), "schema": .object(schema),
        ])
    }

    private static var document: JSON {
        var paths: [String: [String: JSON]] = [:]
        for op in operations {
            var responses: [String: JSON] = [
                "200": .object([
                    "description": .string("Réponse"),
                    "content": .object([op.contentType: .object(["schema": ref(op.response)])]),
                ]),
                "404": error("Introuvable (ou hors de vos droits)"),
            ]
            let hasQuery = op.parameters.contains { parameter in
                if case .object(let fields) = parameter, case .string("query")? = fields["in"] { return true }
                return false
            }
            if hasQuery {
                responses["400"] = error("Paramètre de requête mal formé ou hors des valeurs admises")
            }
            if op.secured {
                responses["401"] = error("Connexion ou jeton requis")
                responses["403"] = error("Jeton sans la portée nécessaire, ou déport pour lien d'intérêt")
            }
            var operation: [String: JSON] = [
                "summary": .string(op.summary), "tags": .array([.string(op.tag)]),
                "operationId": .string(
                    op.method
                        + op.path.replacingOccurrences(of: "/", with: "_")
                        .replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")
                        .replacingOccurrences(of: ".", with: "_")),
                "parameters": .array(op.parameters), "responses": .object(responses),
            ]
            if op.secured {
                operation["security"] = .array([.object(["jeton": .array([])]), .object(["session": .array([])])])
            }
            paths[op.path, default: [:]][op.method] = .object(operation)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("API de Guichet"), "version": .string("1"),
                "description": .string(
                    "Appels à projets, résultats, enveloppes, dossiers, notes, avis et décisions. Montants en centimes d'euro (entiers), instants en UTC (ISO 8601). Erreurs : {\"error\":{\"code\":…,\"message\":…}} avec un code stable."
                ),
            ]),
            "paths": .object(paths.mapValues { .object($0) }),
            "webhooks": .object([
                "evenement": .object([
                    "post": .object([
                        "summary": .string(
                            "Un changement d'état (dossier, vague, enveloppe), signé : en-tête X-Guichet-Signature t=<secondes>,v1=<HMAC-SHA256 hexadécimal de « t.corps » avec le secret du point de réception>. Réessayé jusqu'à 8 fois sur environ une journée tant que la réponse n'est pas 2xx."
                        ),
                        "requestBody": .object([
                            "content": .object(["application/json": .object(["schema": ref("WebhookEvent")])])
                        ]),
                        "responses": .object(["200": .object(["description": .string("Reçu")])]),
                    ])
                ])
            ]),
            "components": .object([
                "securitySchemes": .object([
                    "jeton": .object([
                        "type": .string("http"), "scheme": .string("bearer"),
                        "description": .string(
                            "Jeton d'API (gch_…) créé dans Mon espace › Jetons d'API, avec ses portées."),
                    ]),
                    "session": .object([
                        "type": .string("apiKey"), "in": .string("cookie"), "name": .string(SessionStore.cookieName),
                    ]),
                ]),
                "schemas": .object(schemas),
            ]),
        ])
    }

    private static func ref(_ name: String) -> JSON { .object(["$ref": .string("#/components/schemas/\(name)")]) }

    private static func error(_ description: String) -> JSON {
        .object([
            "description": .string(description),
            "content": .object(["application/json": .object(["schema": ref("Error")])]),
        ])
    }

    // MARK: - Schemas

    private static func object(_ properties: [String: JSON], optional: Set<String> = []) -> JSON {
        .object([
            "type": .string("object"), "properties": .object(properties),
            "required": .array(properties.keys.filter { !optional.contains($0) }.sorted().map(JSON.string)),
        ])
    }
    private static let string: JSON = .object(["type": .string("string")])
    private static let nullableString: JSON = .object(["type": .array([.string("string"), .string("null")])])
    private static let integer: JSON = .object(["type": .string("integer")])
    private static let nullableInteger: JSON = .object(["type": .array([.string("integer"), .string("null")])])
    private static let boolean: JSON = .object(["type": .string("boolean")])
    private static func array(_ items: JSON) -> JSON { .object(["type": .string("array"), "items": items]) }
    private static let strings: JSON = array(string)

    static var schemas: [String: JSON] {
        let figures = object(
            [
                "code": string, "level": nullableString, "label": string, "filed": integer, "retained": integer,
                "amountCents": integer,
            ],
            optional: ["level"])
        let revision = object(["amountCents": integer, "effectiveOn": string, "reason": string])
        return [
            "Error": object(["error": object(["code": string, "message": string])]),
            "Call": object([
                "id": string, "reference": string, "title": string, "programme": string, "opensAt": string,
                "closesAt": string,
                "deadline": string, "simulated": boolean,
                "status": .object([
                    "type": .string("string"), "enum": .array(["published", "archived"].map(JSON.string)),
                ]),
                "phase": .object([
                    "type": .string("string"),
                    "enum": .array(["upcoming", "open", "closed", "archived"].map(JSON.string)),
                ]),
                "scope": string, "links": object(["call": string, "page": string, "results": string]),
            ]),
            "CallDefinition": .object([
                "$comment": .string("Le document complet est décrit par /api/v1/schemas/call.json."),
                "type": .string("object"),
                "required": .array(
                    [
                        "format", "reference", "title", "scope", "opens_on", "deadline", "waves", "themes",
                        "envelopes", "form", "scoring_grid", "committee",
                    ].map(JSON.string)),
                "additionalProperties": .bool(true),
            ]),
            "JSONSchema": .object([
                "type": .string("object"), "required": .array([.string("$schema"), .string("properties")]),
                "additionalProperties": .bool(true),
            ]),
            "CallList": object(["calls": array(ref("Call"))]),
            "Results": object([
                "call": ref("Call"), "simulated": boolean, "filed": integer, "retained": integer,
                "retainedAmountCents": integer,
                "waves": array(
                    object([
                        "number": integer, "label": string, "announcedOn": string, "published": boolean,
                        "retained": integer,
                        "amountCents": integer,
                        "themes": array(
                            object([
                                "code": string, "label": string, "retained": integer, "amountCents": integer,
                                "territories": array(
                                    object([
                                        "level": string, "code": string, "heading": string,
                                        "laureates": array(
                                            object(
                                                [
                                                    "dossierId": string, "number": nullableString,
                                                    "title": string, "carrier": string, "description": string,
                                                    "amountCents": integer, "simulated": boolean,
                                                ],
                                                optional: ["number"])),
                                    ])),
                            ])),
                    ])),
                "themes": array(figures), "territories": array(figures),
                "envelopes": array(
                    object(
                        [
                            "id": string, "parentId": nullableString, "label": string, "drawCode": nullableString,
                            "initialCents": integer, "currentCents": integer, "committedCents": integer,
                            "remainingCents": integer,
                            "revisions": array(revision),
                        ], optional: ["parentId", "drawCode"])),
            ]),
            "EnvelopeStatement": object([
                "call": string, "waves": array(integer),
                "envelopes": array(
                    object(
                        [
                            "id": string, "parentId": nullableString, "label": string, "drawCode": nullableString,
                            "depth": integer,
                            "initialCents": integer, "currentCents": integer, "revisions": array(revision),
                            "committedByWave": array(
                                object([
                                    "wave": integer, "amountInForceCents": integer, "committedCents": integer,
                                    "remainingCents": integer,
                                ])),
                            "committedCents": integer, "remainingCents": integer,
                        ], optional: ["parentId", "drawCode"])),
            ]),
            "PublicationList": object([
                "items": array(
                    object([
                        "version": integer, "wave": integer, "publishedAt": string, "changes": strings,
                        "files": .object(["type": .string("object"), "additionalProperties": string]),
                    ]))
            ]),
            "Dossier": object(
                [
                    "id": string, "number": nullableString, "title": string, "summary": string, "theme": string,
                    "scope": .object([
                        "type": .string("string"),
                        "enum": .array(["national", "regional", "departemental"].map(JSON.string)),
                    ]),
                    "territory": string, "group": nullableString,
                    "status": .object([
                        "type": .string("string"), "enum": .array(DossierStatus.allCases.map { .string($0.rawValue) }),
                    ]),
                    "requestedCents": integer, "filedAt": nullableString,
                    "organisation": object(
                        ["id": string, "name": string, "siret": nullableString, "rna": nullableString],
                        optional: ["siret", "rna"]),
                    "simulated": boolean,
                ], optional: ["number", "group", "filedAt"]),
            "Grant": object(
                [
                    "dossier": string,
                    "kind": .object([
                        "type": .string("string"), "enum": .array([.string("arrete"), .string("convention")]),
                    ]),
                    "number": string, "amountCents": integer, "generatedAt": string, "signedAt": nullableString,
                    "signedHow": nullableString, "reportDueOn": string, "paidCents": integer,
                    "recoveredCents": integer, "leftToPayCents": integer,
                    "instalments": array(
                        object(
                            ["label": string, "amountCents": integer, "condition": string, "fromDay": nullableString],
                            optional: ["fromDay"])),
                    "movements": array(
                        object([
                            "kind": .object([
                                "type": .string("string"), "enum": .array([.string("payment"), .string("recovery")]),
                            ]),
                            "day": string, "amountCents": integer, "reference": string, "recordedAt": string,
                            "simulated": boolean,
                        ])),
                    "report": object(
                        [
                            "status": string, "filedAt": nullableString, "spentCents": nullableInteger,
                            "validatedAt": nullableString,
                        ], optional: ["filedAt", "spentCents", "validatedAt"]),
                    "simulated": boolean,
                ], optional: ["signedAt", "signedHow", "report"]),
            "DossierPage": object(["items": array(ref("Dossier")), "page": integer, "per": integer, "total": integer]),
            "Reviews": object(
                [
                    "dossier": string, "aggregateScore": nullableInteger, "spread": nullableInteger,
                    "scores": array(
                        object(
                            [
                                "reviewer": string, "score": integer, "marks": string, "comments": string,
                                "createdAt": nullableString, "simulated": boolean,
                            ], optional: ["createdAt"])),
                    "opinions": array(
                        object(
                            [
                                "author": string, "kind": string, "proposedCents": integer, "motive": string,
                                "createdAt": nullableString, "simulated": boolean,
                            ], optional: ["createdAt"])),
                ],
                optional: ["aggregateScore", "spread"]),
            "DecisionList": object([
                "items": array(
                    object(
                        [
                            "dossier": string, "number": nullableString, "wave": integer,
                            "outcome": .object([
                                "type": .string("string"),
                                "enum": .array(["retained", "waiting_list", "rejected"].map(JSON.string)),
                            ]),
                            "grantedCents": integer, "motive": nullableString, "decidedAt": string,
                            "published": boolean,
                            "simulated": boolean,
                        ], optional: ["number", "motive"]))
            ]),
            "WebhookEvent": object(
                [
                    "id": string,
                    "type": .object([
                        "type": .string("string"), "enum": .array(WebhookEvent.catalogue.map { .string($0.type) }),
                    ]),
                    "occurredAt": string,
                    "entity": object(["type": string, "id": string, "href": nullableString], optional: ["href"]),
                    "from": nullableString, "to": nullableString,
                ], optional: ["from", "to"]),
            "OpenAPI": .object([
                "type": .string("object"), "required": .array([.string("openapi"), .string("info"), .string("paths")]),
                "additionalProperties": .bool(true),
            ]),
        ]
    }
}
