import Foundation

/// Checks a JSON value against a JSON Schema (draft 2020-12), for the keywords Guichet's own
/// schemas use: `type`, `properties`, `required`, `additionalProperties`, `items`, `minItems`,
/// `maxItems`, `enum`, `const`, `pattern`, `minLength`, `maxLength`, `minimum`, `maximum`,
/// `$ref` to `#/$defs/…`, `allOf`, and `if`/`then`/`else`. Annotations (`title`, `description`,
/// `examples`…) are ignored, except that a property's `description` explains a failed `pattern`.
///
/// Written here rather than taken from a library because the domain depends on Foundation only,
/// and because its messages must be French and name each value by its path in the document.
/// A keyword outside this list in a schema is a mistake in the schema, caught by its tests.
public struct JSONSchemaCheck: Sendable {
    public let schema: JSONValue

    /// The keywords this checker understands; any other is reported by ``unknownKeywords()``.
    public static let keywords: Set<String> = [
        "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "examples", "default",
        "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
        "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum", "allOf", "if", "then", "else",
    ]

    public init(schema: JSONValue) {
        self.schema = schema
    }

    /// Every place the value breaks the schema, in document order.
    public func issues(of value: JSONValue) -> [CallDefinitionIssue] {
        var issues: [CallDefinitionIssue] = []
        check(value, against: schema, path: "", into: &issues)
        return issues
    }

    /// Keywords of the schema this checker would silently ignore, with their place in the schema.
    public func unknownKeywords() -> [String] {
        var found: [String] = []
        func walk(_ node: JSONValue, _ path: String) {
            guard case .object(let members) = node else { return }
            for (key, child) in members.sorted(by: { $0.key < $1.key }) {
                if !Self.keywords.contains(key) { found.append(DefinitionPath.join(path, key)) }
                switch key {
                case "properties", "$defs":
                    for (name, sub) in (child.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                        walk(sub, DefinitionPath.join(DefinitionPath.join(path, key), name))
                    }
                case "allOf":
                    for (index, sub) in (child.arrayValue ?? []).enumerated() {
                        walk(sub, DefinitionPath.index(DefinitionPath.join(path, key), index))
                    }
                case "items", "additionalProperties", "if", "then", "else":
                    walk(child, DefinitionPath.join(path, key))
                default: break
                }
            }
        }
        walk(schema, "")
        return found
    }

    private func resolve(_ node: JSONValue) -> JSONValue {
        guard let reference = node["$ref"]?.stringValue, reference.hasPrefix("#/$defs/") else { return node }
        return schema["$defs"]?[String(reference.dropFirst("#/$defs/".count))] ?? node
    }

    private func check(
        _ value: JSONValue, against node: JSONValue, path: String, into issues: inout [CallDefinitionIssue]
    ) {
        let node = resolve(node)
        guard case .object = node else { return }
        func add(_ message: String) { issues.append(CallDefinitionIssue(path, message)) }

        if let type = node["type"], !Self.matches(value, type: type) {
            add("\(Self.expected(type)) est attendu ici, pas \(value.brief).")
            return
        }
        if let options = node["enum"]?.arrayValue, !options.contains(value) {
            add("\(value.brief) n'est pas une valeur possible : \(options.map(\.brief).joined(separator: ", ")).")
        }
        if let constant = node["const"], constant != value {
            add("\(constant.brief) est attendu ici, pas \(value.brief).")
        }
        switch value {
        case .string(let text):
            let length = text.count
            if let min = node["minLength"]?.numberValue, Double(length) < min {
                add(min == 1 ? "ce texte ne peut pas être vide." : "ce texte compte au moins \(Int(min)) caractères.")
            }
            if let max = node["maxLength"]?.numberValue, Double(length) > max {
                add("ce texte compte au plus \(Int(max)) caractères (\(length) ici).")
            }
            if let pattern = node["pattern"]?.stringValue, !Self.matches(text, pattern: pattern) {
                let hint = node["description"]?.stringValue.map { " : \($0)" } ?? "."
                add("\(value.brief) n'a pas la forme attendue\(hint)")
            }
        case .integer, .number:
            if let number = value.numberValue {
                if let min = node["minimum"]?.numberValue, number < min {
                    add("la valeur est d'au moins \(Self.plain(min)).")
                }
                if let max = node["maximum"]?.numberValue, number > max {
                    add("la valeur est d'au plus \(Self.plain(max)).")
                }
            }
        case .array(let items):
            if let min = node["minItems"]?.numberValue, Double(items.count) < min {
                add(min == 1 ? "la liste ne peut pas être vide." : "la liste compte au moins \(Int(min)) éléments.")
            }
            if let max = node["maxItems"]?.numberValue, Double(items.count) > max {
                add("la liste compte au plus \(Int(max)) éléments.")
            }
            if let itemSchema = node["items"] {
                for (index, item) in items.enumerated() {
                    check(item, against: itemSchema, path: DefinitionPath.index(path, index), into: &issues)
                }
            }
        case .object(let members):
            let properties = node["properties"]?.objectValue ?? [:]
            for key in node["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[key] == nil {
                issues.append(CallDefinitionIssue(DefinitionPath.join(path, key), "ce champ est obligatoire."))
            }
            for (key, member) in members.sorted(by: { Self.order(properties, $0.key) < Self.order(properties, $1.key) })
            {
                let memberPath = DefinitionPath.join(path, key)
                if let sub = properties[key] {
                    check(member, against: sub, path: memberPath, into: &issues)
                } else if case .bool(false)? = node["additionalProperties"] {
                    let known = properties.keys.sorted().joined(separator: ", ")
                    issues.append(
                        CallDefinitionIssue(
                            memberPath, "champ inconnu (vérifiez son orthographe) ; champs possibles : \(known)."))
                } else if let sub = node["additionalProperties"], case .object = sub {
                    check(member, against: sub, path: memberPath, into: &issues)
                }
            }
        default:
            break
        }
        for sub in node["allOf"]?.arrayValue ?? [] { check(value, against: sub, path: path, into: &issues) }
        if let condition = node["if"] {
            var probe: [CallDefinitionIssue] = []
            check(value, against: condition, path: path, into: &probe)
            if let branch = probe.isEmpty ? node["then"] : node["else"] {
                check(value, against: branch, path: path, into: &issues)
            }
        }
    }

    /// Members are reported alphabetically (the order of an exported document), the ones the schema
    /// does not know last.
    private static func order(_ properties: [String: JSONValue], _ key: String) -> String {
        guard properties[key] != nil else { return "~" + key }
        return key
    }

    private static func matches(_ value: JSONValue, type: JSONValue) -> Bool {
        let names = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 }
        return names.contains { name in
            switch (name, value) {
            case ("null", .null), ("boolean", .bool), ("integer", .integer), ("number", .integer), ("number", .number),
                ("string", .string), ("array", .array), ("object", .object):
                true
            case ("integer", .number(let number)): number.rounded() == number && abs(number) < 9e15
            default: false
            }
        }
    }

    private static func expected(_ type: JSONValue) -> String {
        let names = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 }
        let words = names.map { name in
            switch name {
            case "null": "null"
            case "boolean": "true ou false"
            case "integer": "un nombre entier"
            case "number": "un nombre"
            case "string": "un texte entre guillemets"
            case "array": "une liste [ … ]"
            case "object": "un objet { … }"
            default: name
            }
        }
        return words.joined(separator: " ou ")
    }

    private static func plain(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    private static func matches(_ text: String, pattern: String) -> Bool {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return true }
        let range = NSRange(text.startIndex..., in: text)
        return expression.firstMatch(in: text, range: range) != nil
    }
}
