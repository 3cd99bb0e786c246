import Foundation

/// What Guichet itself reads from an answer: a dossier's title, summary, theme, territory and
/// requested amount come from the form's fields that declare these roles.
///
/// A call's author names their questions as they like (`intitule`, `montant_sollicite`); the role
/// says which answer becomes the dossier's title or amount, so that the queue, the committee's
/// envelope checks and the open data never depend on a key spelled a particular way.
public enum FieldRole: String, Sendable, Codable, CaseIterable, Comparable {
    case title
    case summary
    case theme
    case territory
    case amountRequested = "amount_requested"
    /// In a financial report's form: the part of the grant the organisation spent on the project
    /// (what is claimed back or left to pay is computed from it).
    case amountSpent = "amount_spent"

    /// The roles every call's form must declare: without them a dossier has no title, no theme,
    /// no envelope to draw on, or no amount (and would be stored with 0 €).
    public static let required: [FieldRole] = [.title, .theme, .territory, .amountRequested]

    /// The field types that can carry the role.
    public var acceptedKinds: [String] {
        switch self {
        case .title: ["short_text"]
        case .summary: ["short_text", "long_text"]
        case .theme: ["choice"]
        case .territory: ["territory"]
        case .amountRequested, .amountSpent: ["amount"]
        }
    }

    /// How the role is named to an author, in French.
    public var label: String {
        switch self {
        case .title: "titre du projet"
        case .summary: "résumé du projet"
        case .theme: "thématique"
        case .territory: "territoire du projet"
        case .amountRequested: "montant demandé"
        case .amountSpent: "montant de la subvention employé"
        }
    }

    public static func < (a: FieldRole, b: FieldRole) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}

extension FormDefinition {
    /// The field that declares `role`, if any.
    public func field(role: FieldRole) -> FormField? {
        fields.first { $0.role == role }
    }

    /// Checks that the form declares every role a dossier needs (``FieldRole/required``), each
    /// on a required field.
    ///
    /// Kept apart from ``checkWellFormed()``: a form is well formed on its own, but only a form
    /// with these roles can be a call's dossier form.
    /// - Throws: ``DomainError/invalidForm(errors:)`` under `roles.<role>` for each missing role,
    ///   under the field's key for a role on an optional field.
    public func checkCarriesDossier() throws(DomainError) {
        var errors: [String: String] = [:]
        for role in FieldRole.required {
            guard let field = field(role: role) else {
                errors["roles.\(role.rawValue)"] = FormMessage.missingRole(role)
                continue
            }
            if !field.required { errors[field.key] = FormMessage.optionalRole(role) }
        }
        guard errors.isEmpty else { throw .invalidForm(errors: errors) }
    }
}

extension FormMessage {
    static func missingRole(_ role: FieldRole) -> String {
        "Aucun champ ne porte le rôle « \(role.rawValue) » (\(role.label)) : le dossier ne peut pas être enregistré sans lui."
    }

    static func optionalRole(_ role: FieldRole) -> String {
        "Le champ qui porte le rôle « \(role.rawValue) » (\(role.label)) doit être obligatoire."
    }

    static func roleType(_ role: FieldRole) -> String {
        "Le rôle « \(role.rawValue) » (\(role.label)) ne peut porter que sur un champ de type \(role.acceptedKinds.joined(separator: " ou "))."
    }

    static func duplicateRole(_ role: FieldRole) -> String {
        "Le rôle « \(role.rawValue) » est déjà porté par un autre champ."
    }
}
