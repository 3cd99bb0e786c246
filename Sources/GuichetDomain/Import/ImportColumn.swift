import Foundation

/// A column an import file may hold, named by its canonical header.
///
/// The raw value is the header written in the documentation and in the template file: French,
/// snake_case, without accents, so that it survives every spreadsheet and every keyboard.
public enum ImportField: String, CaseIterable, Sendable, Codable {
    case number = "numero"
    case title = "titre"
    case summary = "resume"
    case theme = "thematique"
    case scope = "portee"
    case territory = "territoire"
    case regions = "regions"
    case requested = "montant_demande"
    case carrierName = "porteur_nom"
    case carrierSiret = "porteur_siret"
    case carrierRNA = "porteur_rna"
    case carrierLegalForm = "porteur_forme_juridique"
    case carrierDepartement = "porteur_departement"
    case filedAt = "date_depot"
    case wave = "vague"
    case decision = "decision"
    case granted = "montant_accorde"
    case motive = "motif"
    case decidedAt = "date_decision"

    /// Whether the column belongs to the decision group, imported only for calls run elsewhere.
    public var isDecision: Bool {
        switch self {
        case .wave, .decision, .granted, .motive, .decidedAt: true
        default: false
        }
    }
}

/// One documented column of the import file: its header, whether it is required, the other
/// headers accepted for it, and what it holds.
///
/// Kept as data rather than prose so that the command-line help, the admin page and the
/// documentation print the same table the reader applies.
public struct ImportColumn: Hashable, Sendable {
    /// When a column must appear in the header.
    public enum Requirement: String, Hashable, Sendable {
        /// Always required.
        case required
        /// May be left out of the file.
        case optional
        /// Required as soon as any decision column is present: a decision without its wave,
        /// outcome or date cannot be recorded.
        case requiredWithDecisions = "required_with_decisions"
    }

    /// The column's field.
    public let field: ImportField
    /// Whether the header must contain the column.
    public let requirement: Requirement
    /// Other headers accepted for the column, as people write them in their spreadsheets.
    ///
    /// Matched like the canonical header: case, accents, spaces, underscores, hyphens and
    /// punctuation are ignored (`Montant demandé (€)` is `montant_demande`).
    public let aliases: [String]
    /// What the column holds, in French, for the help page.
    public let description: String
    /// A value as it may be written in the file.
    public let example: String

    /// The canonical header (`montant_demande`).
    public var header: String { field.rawValue }

    /// Describes a column.
    public init(
        _ field: ImportField, _ requirement: Requirement, aliases: [String], description: String, example: String
    ) {
        self.field = field
        self.requirement = requirement
        self.aliases = aliases
        self.description = description
        self.example = example
    }
}
