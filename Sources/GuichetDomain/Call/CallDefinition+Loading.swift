import Foundation

extension CallDefinition {
    /// Reads a call definition as its author wrote it, in three passes, each reporting every
    /// problem it finds by its path: the JSON itself, the document's shape against the call's JSON
    /// Schema (unknown or missing keys, types, patterns), then the rules of ``issues(territories:)``.
    /// - Throws: ``DomainError/invalidCallDefinition(issues:)``.
    public static func load(json: Data, territories: TerritoryCatalog = .france) throws(DomainError) -> CallDefinition {
        let value: JSONValue
        do {
            value = try JSONValue(json: json)
        } catch {
            throw .invalidCallDefinition(issues: [
                CallDefinitionIssue("", "le fichier n'est pas un JSON valide (\(Self.jsonProblem(error))).")
            ])
        }
        let schema: JSONSchemaCheck
        do { schema = try JSONSchemaCheck.call() } catch {
            throw .invalidCallDefinition(issues: [
                CallDefinitionIssue("", "le schéma des appels est introuvable dans cette installation.")
            ])
        }
        let shape = schema.issues(of: value)
        guard shape.isEmpty else { throw .invalidCallDefinition(issues: shape) }
        let definition: CallDefinition
        do {
            definition = try JSONDecoder().decode(CallDefinition.self, from: json)
        } catch let error as DecodingError {
            throw .invalidCallDefinition(issues: [Self.issue(error)])
        } catch {
            throw .invalidCallDefinition(issues: [CallDefinitionIssue("", "le fichier ne peut pas être lu.")])
        }
        try definition.check(territories: territories)
        return definition
    }

    /// The document as Guichet writes it: indented, keys sorted, so that two exports of the same
    /// call are the same bytes.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    private static func issue(_ error: DecodingError) -> CallDefinitionIssue {
        switch error {
        case .keyNotFound(let key, let context):
            return CallDefinitionIssue(
                DefinitionPath.join(DefinitionPath.of(context.codingPath), key.stringValue), "ce champ est obligatoire."
            )
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return CallDefinitionIssue(DefinitionPath.of(context.codingPath), "cette valeur n'a pas le type attendu.")
        case .dataCorrupted(let context):
            return CallDefinitionIssue(
                DefinitionPath.of(context.codingPath), "valeur invalide (\(context.debugDescription)).")
        @unknown default:
            return CallDefinitionIssue("", "le fichier ne peut pas être lu.")
        }
    }

    private static func jsonProblem(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error, let underlying = context.underlyingError {
            return "\(underlying.localizedDescription)"
        }
        return "syntaxe JSON incorrecte"
    }
}

extension JSONSchemaCheck {
    /// The call definition's schema, bundled with the domain (`schemas/call.schema.json`).
    /// - Throws: when the installation lacks it or it is not JSON.
    public static func call() throws -> JSONSchemaCheck {
        try bundledCall.get()
    }

    /// Parsed once: every import and every API read checks against the same value.
    private static let bundledCall: Result<JSONSchemaCheck, any Error> = Result {
        JSONSchemaCheck(schema: try JSONValue(json: try callSchemaData()))
    }

    /// The call definition schema's bytes, as served at `/api/v1/schemas/call.json`.
    public static func callSchemaData() throws -> Data {
        guard let url = Bundle.module.url(forResource: "call.schema", withExtension: "json", subdirectory: "schemas")
        else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }
}
