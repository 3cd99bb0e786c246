import Foundation

/// The *compte rendu financier* an organisation files for a grant (loi n° 2000-321, article 10;
/// Cerfa n° 15059): a form of the call, answered once, checked by the instructor, who validates
/// it or asks for corrections, as for a dossier.
public enum FinancialReport {
    /// Where a report stands.
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Being written by the organisation.
        case draft
        /// Filed, waiting for the instructor.
        case filed
        /// Sent back with a message: the organisation corrects it and files it again.
        case correctionRequested = "correction_requested"
        /// Accepted by the instructor: the grant's account is settled from it.
        case validated

        public var label: String {
            switch self {
            case .draft: "en cours de rédaction"
            case .filed: "remis, à examiner"
            case .correctionRequested: "à corriger"
            case .validated: "validé"
            }
        }

        /// Whether the organisation may change its answers.
        public var isEditable: Bool { self == .draft || self == .correctionRequested }
    }

    /// The form of a call that writes none: the Cerfa n° 15059's sections — the action as it was
    /// carried out, the budget expected and actual, the variances explained, the attestation.
    public static let standardForm = FormDefinition(
        version: 1,
        fields: [
            FormField(
                key: "realisation", label: "Décrivez la mise en œuvre de l'action", required: true,
                type: .longText(maxLength: 5_000), section: "Bilan qualitatif de l'action"),
            FormField(
                key: "beneficiaires", label: "Nombre approximatif de personnes bénéficiaires", required: true,
                type: .integer(min: 0, max: nil), section: "Bilan qualitatif de l'action"),
            FormField(
                key: "lieux", label: "Lieu(x) de réalisation", type: .shortText(maxLength: 500),
                section: "Bilan qualitatif de l'action"),
            FormField(
                key: "debut", label: "Début de l'action", required: true, type: .date(notBefore: nil, notAfter: nil),
                section: "Bilan qualitatif de l'action"),
            FormField(
                key: "fin", label: "Fin de l'action", required: true, type: .date(notBefore: nil, notAfter: nil),
                section: "Bilan qualitatif de l'action"),
            FormField(
                key: "objectifs_atteints", label: "Les objectifs de l'action ont-ils été atteints ?", required: true,
                type: .yesNo, section: "Bilan qualitatif de l'action"),
            FormField(
                key: "objectifs_commentaire", label: "Sinon, pourquoi ? Et sinon, quelles suites ?",
                type: .longText(maxLength: 3_000), section: "Bilan qualitatif de l'action"),
            FormField(
                key: "charges_prevues", label: "Total des charges prévues", required: true,
                type: .amount(min: .zero, max: nil), section: "Budget de l'action : prévu et réalisé"),
            FormField(
                key: "charges_realisees", label: "Total des charges réalisées", required: true,
                type: .amount(min: .zero, max: nil), section: "Budget de l'action : prévu et réalisé"),
            FormField(
                key: "produits_prevus", label: "Total des produits prévus", required: true,
                type: .amount(min: .zero, max: nil), section: "Budget de l'action : prévu et réalisé"),
            FormField(
                key: "produits_realises", label: "Total des produits réalisés", required: true,
                type: .amount(min: .zero, max: nil), section: "Budget de l'action : prévu et réalisé"),
            FormField(
                key: "subvention_employee", label: "Montant de la subvention employé pour l'action",
                help: "Au plus le montant accordé ; ce qui n'a pas été employé est reversé.", required: true,
                type: .amount(min: .zero, max: nil), section: "Budget de l'action : prévu et réalisé",
                role: .amountSpent),
            FormField(
                key: "ecarts",
                label: "Expliquez les écarts entre le budget prévu et le budget réalisé",
                help: "Le Cerfa n° 15059 demande d'expliquer en particulier les écarts significatifs (plus de 15 %).",
                required: true, type: .longText(maxLength: 5_000), section: "Écarts et contributions"),
            FormField(
                key: "contributions_nature", label: "Contributions volontaires en nature (bénévolat, locaux…)",
                type: .longText(maxLength: 3_000), section: "Écarts et contributions"),
            FormField(
                key: "attestation", label: "Attestation", required: true,
                type: .multipleChoice(
                    options: [
                        FormOption(
                            value: "certifie",
                            label:
                                "Je certifie exactes les informations du présent compte rendu, au nom de l'organisme")
                    ], minCount: 1, maxCount: 1), section: "Attestation"),
        ],
        rules: [
            .dateOrder(start: "debut", end: "fin"),
            .amountAtMost(
                "subvention_employee", other: "charges_realisees",
                message: "La subvention employée ne peut pas dépasser le total des charges réalisées."),
        ])

    /// Problems of a call's own report form, each named under `path`: well formed, and declaring
    /// the amount spent (what the grant's account is settled from).
    public static func issues(of form: FormDefinition, path: String) -> [CallDefinitionIssue] {
        var issues: [CallDefinitionIssue] = []
        do { try form.checkWellFormed() } catch {
            if case .invalidForm(let errors) = error {
                for (key, message) in errors.sorted(by: { $0.key < $1.key }) {
                    issues.append(CallDefinitionIssue(DefinitionPath.join(path, key), message))
                }
            }
        }
        if !form.fields.contains(where: { $0.role == .amountSpent }) {
            issues.append(
                CallDefinitionIssue(
                    DefinitionPath.join(path, "fields"),
                    "le compte rendu financier déclare le champ du montant de la subvention employé (rôle amount_spent)."
                ))
        }
        return issues
    }

    /// The amount spent a report's answers state (its ``FieldRole/amountSpent`` field).
    public static func spent(_ answers: [String: FieldValue], form: FormDefinition) -> Money? {
        guard let field = form.fields.first(where: { $0.role == .amountSpent }),
            case .amount(let amount)? = answers[field.key]
        else { return nil }
        return amount
    }

    /// What the report settles on the grant: what to claim back and what is still to pay.
    public struct Settlement: Sendable, Equatable {
        public let spent: Money
        /// Paid above what was spent, less what was already claimed back.
        public let toRecover: Money
        /// Still to pay for what was spent (the grant reduced to it, never raised).
        public let leftToPay: Money
        /// The part of the grant that will not be paid (granted above what was spent).
        public let cancelled: Money

        public init(account: GrantAccount, spent: Money) {
            self.spent = spent
            toRecover = account.toRecover(spent: spent)
            leftToPay = account.leftToPay(spent: spent)
            cancelled = account.granted.remaining(after: Swift.max(spent, account.paid))
        }
    }
}
