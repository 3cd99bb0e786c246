import Foundation

/// Why a Table Schema could not be loaded; always a packaging or programming mistake.
public enum SCDLSchemaError: Error, Equatable, Sendable {
    /// The bundled resource is not where the package manifest should have copied it.
    case resourceMissing(String)
    /// The JSON could not be read as a Table Schema.
    case malformed(String)
    /// The JSON is a Table Schema, but uses something this validator cannot enforce faithfully.
    case unsupported(String)
}

extension SCDLSchema {
    /// The SCDL « subventions » schema, version 2.1.1, loaded once from the bundled schema.json.
    ///
    /// A `Result` rather than a crashing accessor: the file ships with the code, so a failure is
    /// a packaging bug, but request paths must degrade to a clear refusal, never to a crash.
    public static let subventions: Result<SCDLSchema, SCDLSchemaError> = Result { () throws(SCDLSchemaError) in
        try loadSubventions()
    }

    /// Reads the bundled subventions schema and adds Guichet's period check.
    ///
    /// The period check is added here, not in the validator, so that the validator stays a
    /// generic Table Schema engine and every SCDL-specific rule is visible in one place.
    /// - Throws: ``SCDLSchemaError`` if the resource is missing or not a usable schema.
    public static func loadSubventions() throws(SCDLSchemaError) -> SCDLSchema {
        guard let url = Bundle.module.url(forResource: "schema", withExtension: "json", subdirectory: "scdl") else {
            throw .resourceMissing("scdl/schema.json")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .resourceMissing("scdl/schema.json: \(error)") }
        let schema = try decode(data)
        return SCDLSchema(
            name: schema.name, version: schema.version, fields: schema.fields,
            customChecks: schema.customChecks + [.isoPeriod(column: "datesPeriodeVersement")]
        )
    }

    /// Decodes a Table Schema from its JSON text and checks that every rule can be enforced.
    /// - Throws: ``SCDLSchemaError/malformed(_:)`` or ``SCDLSchemaError/unsupported(_:)``.
    public static func decode(_ data: Data) throws(SCDLSchemaError) -> SCDLSchema {
        let raw: RawSchema
        do { raw = try JSONDecoder().decode(RawSchema.self, from: data) } catch {
            throw .malformed(String(describing: error))
        }
        var fields: [SCDLField] = []
        for rawField in raw.fields {
            guard let type = SCDLFieldType(rawValue: rawField.type ?? "string") else {
                throw .unsupported("type « \(rawField.type ?? "") » du champ \(rawField.name)")
            }
            let c = rawField.constraints
            if let pattern = c?.pattern, (try? NSRegularExpression(pattern: pattern)) == nil {
                throw .unsupported("motif invalide pour \(rawField.name) : \(pattern)")
            }
            let constraints = SCDLConstraints(
                required: c?.required ?? false, pattern: c?.pattern, enumValues: c?.enumValues,
                minimum: c?.minimum?.text, maximum: c?.maximum?.text,
                minLength: c?.minLength, maxLength: c?.maxLength
            )
            fields.append(
                SCDLField(
                    name: rawField.name, title: rawField.title, type: type, format: rawField.format,
                    example: rawField.example?.text, trueValues: rawField.trueValues,
                    falseValues: rawField.falseValues, constraints: constraints
                ))
        }
        let checks = (raw.customChecks ?? []).map(\.check)
        return SCDLSchema(name: raw.name ?? "", version: raw.version ?? "", fields: fields, customChecks: checks)
    }
}

// The JSON shape, decoded leniently: unknown keys are ignored so a schema with extra
// documentation still loads.
private struct RawSchema: Decodable {
    let name: String?
    let version: String?
    let fields: [RawField]
    let customChecks: [RawCheck]?

    enum CodingKeys: String, CodingKey {
        case name, version, fields
        case customChecks = "custom_checks"
    }
}

private struct RawField: Decodable {
    let name: String
    let title: String?
    let type: String?
    let format: String?
    let example: Scalar?
    let trueValues: [String]?
    let falseValues: [String]?
    let constraints: RawConstraints?
}

private struct RawConstraints: Decodable {
    let required: Bool?
    let pattern: String?
    let enumValues: [String]?
    let minimum: Scalar?
    let maximum: Scalar?
    let minLength: Int?
    let maxLength: Int?

    enum CodingKeys: String, CodingKey {
        case required, pattern, minimum, maximum, minLength, maxLength
        case enumValues = "enum"
    }
}

private struct RawCheck: Decodable {
    let name: String
    let params: [String: String]?

    enum CodingKeys: String, CodingKey { case name, params }

    // Other Validata checks take lists or numbers as parameters; they must not make the whole
    // schema unreadable, so parameters that are not plain strings are simply dropped.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        params = try? container.decodeIfPresent([String: String].self, forKey: .params)
    }

    var check: SCDLCustomCheck {
        switch name {
        case "french-siret-value":
            if let column = params?["column"] { return .frenchSiret(column: column) }
        case "one-of-required":
            if let first = params?["column1"], let second = params?["column2"] {
                return .oneOfRequired(column1: first, column2: second)
            }
        default:
            break
        }
        return .unsupported(name: name)
    }
}

// Bounds and examples may be JSON numbers or strings (dates); numbers are turned back into
// their shortest decimal text, so 0.01 is compared as exactly one hundredth later on.
private struct Scalar: Decodable {
    let text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else if let integer = try? container.decode(Int.self) {
            text = String(integer)
        } else {
            text = String(try container.decode(Double.self))
        }
    }
}
