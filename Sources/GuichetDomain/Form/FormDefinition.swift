import Foundation

/// The dossier form of a call, as data: the questions an applicant answers, in page order, and the
/// rules that tie answers together.
///
/// A call's team writes the definition once; the app stores it as JSON next to the call, and the
/// page, the checks and the receipt are all derived from it, so adding a question needs no code.
/// Bump ``version`` whenever questions change, so that each dossier records which questions it
/// answered.
///
/// Before storing a definition, call ``checkWellFormed()``: parsing and validation assume keys are
/// unique and rules point at fields of the right type.
public struct FormDefinition: Sendable, Equatable {
    /// Incremented whenever fields or rules change; recorded with each dossier's answers.
    public var version: Int
    /// The questions, in page order.
    public var fields: [FormField]
    /// Rules between fields, checked at filing only (a draft may be half written).
    public var rules: [FormRule]

    /// Creates a definition; check it with ``checkWellFormed()`` before use.
    public init(version: Int, fields: [FormField], rules: [FormRule] = []) {
        self.version = version
        self.fields = fields
        self.rules = rules
    }

    /// The field with this key, or `nil` when the form has none.
    public func field(_ key: String) -> FormField? {
        fields.first { $0.key == key }
    }

    /// The fields grouped by section, for the page's headings.
    ///
    /// Consecutive fields sharing a section name form one group; a section name met again later
    /// starts a new group, because page order is the author's and is never reshuffled.
    public var sections: [FormSection] {
        var groups: [FormSection] = []
        for field in fields {
            if let last = groups.last, last.name == field.section {
                groups[groups.count - 1] = FormSection(name: last.name, fields: last.fields + [field])
            } else {
                groups.append(FormSection(name: field.section, fields: [field]))
            }
        }
        return groups
    }

    /// The 1-based step that shows a field when the form is filled section by section (the
    /// dossier form's stepper), or `nil` when the form has no such field.
    public func step(of key: String) -> Int? {
        sections.firstIndex { section in section.fields.contains { $0.key == key } }.map { $0 + 1 }
    }
}

/// A run of consecutive fields shown under one heading.
public struct FormSection: Sendable, Equatable {
    /// The heading; `nil` for fields outside any section.
    public let name: String?
    /// The section's fields, in page order.
    public let fields: [FormField]
}

/// One question of a dossier form.
public struct FormField: Sendable, Equatable {
    /// Stable snake_case identifier (`montant_demande`): the HTML input's name and the key under
    /// which the answer is stored. Never reuse a key for a different question.
    public var key: String
    /// The question as the applicant reads it, in French.
    public var label: String
    /// A French hint shown under the question, if any.
    public var help: String?
    /// Whether filing needs an answer; drafts may always leave it empty.
    public var required: Bool
    /// What kind of answer is expected, with its limits.
    public var type: FieldType
    /// The heading the question is grouped under on the page, if any.
    public var section: String?
    /// What Guichet reads from the answer (the dossier's title, amount…), if anything.
    public var role: FieldRole?

    /// Creates a field.
    public init(
        key: String, label: String, help: String? = nil, required: Bool = false,
        type: FieldType, section: String? = nil, role: FieldRole? = nil
    ) {
        self.key = key
        self.label = label
        self.help = help
        self.required = required
        self.type = type
        self.section = section
        self.role = role
    }
}

/// One proposed answer of a choice question.
public struct FormOption: Hashable, Sendable, Codable {
    /// What the page posts and what is stored (stable, never shown).
    public let value: String
    /// What the applicant reads, in French.
    public let label: String

    /// Creates an option.
    public init(value: String, label: String) {
        self.value = value
        self.label = label
    }
}
