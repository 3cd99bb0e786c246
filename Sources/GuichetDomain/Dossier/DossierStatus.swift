import Foundation

/// Where a dossier stands in its lifecycle.
///
/// `draft → filed → (incomplete ⇄ filed) → eligible | ineligible → under review → reviewed →
/// retained | waiting list | rejected`, then `retained → agreement signed → paid → reported`;
/// `withdrawn` from any state before the decision. Stored as the raw value.
public enum DossierStatus: String, Sendable, Codable, CaseIterable {
    case draft
    case filed
    case incomplete
    case eligible
    case ineligible
    case underReview = "under_review"
    case reviewed
    case retained
    case waitingList = "waiting_list"
    case rejected
    case agreementSigned = "agreement_signed"
    case paid
    case reported
    case withdrawn

    /// The status's French name.
    public var label: String {
        switch self {
        case .draft: "brouillon"
        case .filed: "déposé"
        case .incomplete: "incomplet"
        case .eligible: "recevable"
        case .ineligible: "irrecevable"
        case .underReview: "en instruction"
        case .reviewed: "instruit"
        case .retained: "retenu"
        case .waitingList: "liste d'attente"
        case .rejected: "rejeté"
        case .agreementSigned: "convention signée"
        case .paid: "versé"
        case .reported: "bilan remis"
        case .withdrawn: "retiré"
        }
    }

    /// Statuses of a laureate: retained, and every step after it.
    public static let laureate: Set<DossierStatus> = [.retained, .agreementSigned, .paid, .reported]

    /// Whether the dossier is a laureate (retained or later).
    public var isLaureate: Bool { Self.laureate.contains(self) }

    /// Statuses the committee has decided: retained (and every step after it), waiting list, rejected.
    public static let decided: Set<DossierStatus> = laureate.union([.waitingList, .rejected])

    /// Statuses of a dossier whose instruction is complete: awaiting a decision, or decided.
    public static var instructed: Set<DossierStatus> { DossierLifecycle.statuses(from: .decide).union(decided) }

    /// Whether the applicant may still change the answers (the statuses filing starts from).
    public var isEditableByApplicant: Bool { DossierLifecycle.statuses(from: .file).contains(self) }

    /// Statuses before any committee decision: a dossier can be withdrawn only from these.
    public static let beforeDecision: Set<DossierStatus> = [
        .draft, .filed, .incomplete, .eligible, .underReview, .reviewed,
    ]
}
