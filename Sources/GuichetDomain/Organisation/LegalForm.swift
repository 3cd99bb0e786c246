import Foundation

/// The legal forms an organisation may register under through the web.
///
/// Stored by ``rawValue`` (a stable code), shown by ``label``. Organisations loaded from other
/// sources (the demo's press kit) may carry free text instead, which is shown as it is.
public enum LegalForm: String, CaseIterable, Sendable, Codable {
    case declaredAssociation = "association_declaree"
    case publicUtilityAssociation = "association_rup"
    case foundation = "fondation"
    case cooperative = "cooperative"
    case other = "autre"

    /// The form as people name it.
    public var label: String {
        switch self {
        case .declaredAssociation: "Association déclarée (loi 1901)"
        case .publicUtilityAssociation: "Association reconnue d'utilité publique"
        case .foundation: "Fondation"
        case .cooperative: "Coopérative (dont SCIC)"
        case .other: "Autre forme"
        }
    }

    /// The label for a stored value: the known form's label, or the stored text itself.
    public static func label(forStored value: String) -> String {
        LegalForm(rawValue: value)?.label ?? value
    }
}
