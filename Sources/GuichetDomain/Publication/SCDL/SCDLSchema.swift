import Foundation

/// A Frictionless Table Schema as published by the SCDL (*Socle commun des données locales*).
///
/// Only the parts a CSV validator needs are kept: the ordered fields with their type and
/// constraints, and the Validata `custom_checks` that the SCDL relies on. Everything else in the
/// JSON (titles of sources, contributors…) is ignored so that a newer schema still decodes.
public struct SCDLSchema: Equatable, Sendable {
    /// The schema's short name, e.g. `subventions`.
    public let name: String
    /// The schema's version, e.g. `2.1.1`; published files are checked against exactly one version.
    public let version: String
    /// The fields, in the order the schema lists them (the order written files use).
    public let fields: [SCDLField]
    /// Row-level checks beyond core Table Schema (Validata extensions and Guichet's own).
    public let customChecks: [SCDLCustomCheck]

    /// Builds a schema; used by the decoder and by tests that need a small hand-made schema.
    public init(name: String, version: String, fields: [SCDLField], customChecks: [SCDLCustomCheck]) {
        self.name = name
        self.version = version
        self.fields = fields
        self.customChecks = customChecks
    }

    /// The field called `name`, if the schema has one.
    public func field(named name: String) -> SCDLField? {
        fields.first { $0.name == name }
    }

    /// The field names in schema order; the header a conforming file should have.
    public var fieldNames: [String] { fields.map(\.name) }
}

/// One column of a Table Schema.
public struct SCDLField: Equatable, Sendable {
    /// The column name, matched exactly (case-sensitive) against the CSV header, as Table Schema says.
    public let name: String
    /// The human title, used in messages when present.
    public let title: String?
    /// The value type, which decides how a non-empty cell is parsed.
    public let type: SCDLFieldType
    /// The Table Schema `format`; only `default` is understood for dates (ISO `YYYY-MM-DD`).
    public let format: String?
    /// The schema's example value, quoted in messages so people see what is expected.
    public let example: String?
    /// Lexical forms read as `true` for a boolean field (Table Schema defaults when absent).
    public let trueValues: [String]
    /// Lexical forms read as `false` for a boolean field (Table Schema defaults when absent).
    public let falseValues: [String]
    /// The constraints a non-empty (or, for `required`, any) cell must meet.
    public let constraints: SCDLConstraints

    /// Builds a field; absent boolean lexicons fall back to Table Schema's defaults.
    public init(
        name: String, title: String? = nil, type: SCDLFieldType, format: String? = nil,
        example: String? = nil, trueValues: [String]? = nil, falseValues: [String]? = nil,
        constraints: SCDLConstraints = SCDLConstraints()
    ) {
        self.name = name
        self.title = title
        self.type = type
        self.format = format
        self.example = example
        self.trueValues = trueValues ?? ["true", "True", "TRUE", "1"]
        self.falseValues = falseValues ?? ["false", "False", "FALSE", "0"]
        self.constraints = constraints
    }
}

/// The Table Schema types the SCDL uses; any other type is refused when loading.
///
/// Refusing unknown types (rather than treating them as strings) makes a schema upgrade that
/// introduces, say, `datetime` fail loudly in tests instead of silently accepting anything.
public enum SCDLFieldType: String, Equatable, Sendable, CaseIterable {
    /// Free text; only constraints apply.
    case string
    /// A calendar day written `YYYY-MM-DD`.
    case date
    /// A decimal number with `.` as separator and no thousands separator.
    case number
    /// A whole number.
    case integer
    /// One of the field's `trueValues` or `falseValues`.
    case boolean
}

/// Table Schema constraints on one field.
///
/// Bounds are kept as the schema's lexical text and compared after parsing with the field's
/// type, so that `0.01` stays exactly one hundredth (no binary floating point).
public struct SCDLConstraints: Equatable, Sendable {
    /// The cell must not be empty.
    public var required: Bool
    /// A regular expression the whole value must match (implicitly anchored, as in Table Schema).
    public var pattern: String?
    /// The only values allowed, as written in the schema.
    public var enumValues: [String]?
    /// The smallest allowed value, lexical (number, integer or date).
    public var minimum: String?
    /// The largest allowed value, lexical (number, integer or date).
    public var maximum: String?
    /// The smallest allowed length, in Unicode scalars (as Python-based validators count).
    public var minLength: Int?
    /// The largest allowed length, in Unicode scalars (as Python-based validators count).
    public var maxLength: Int?

    /// Builds constraints; everything is optional and off by default.
    public init(
        required: Bool = false, pattern: String? = nil, enumValues: [String]? = nil,
        minimum: String? = nil, maximum: String? = nil, minLength: Int? = nil, maxLength: Int? = nil
    ) {
        self.required = required
        self.pattern = pattern
        self.enumValues = enumValues
        self.minimum = minimum
        self.maximum = maximum
        self.minLength = minLength
        self.maxLength = maxLength
    }
}

/// A row-level check that core Table Schema cannot express.
public enum SCDLCustomCheck: Equatable, Sendable {
    /// Validata's `french-siret-value`: a non-empty cell must be a SIRET with a valid check key.
    case frenchSiret(column: String)
    /// Validata's `one-of-required`: at least one of the two cells must be filled.
    case oneOfRequired(column1: String, column2: String)
    /// Guichet's own check, not in schema.json: a `date` or `start/end` cell must hold real
    /// calendar days with end ≥ start. The SCDL pattern alone accepts `2017-30-05`.
    case isoPeriod(column: String)
    /// A Validata check this code does not know; kept so it can be reported, never enforced.
    case unsupported(name: String)
}
