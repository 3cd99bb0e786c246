import Foundation

/// What Guichet tells machine clients, and when: one event per state change.
///
/// Events are read off the audit log, where every change is already written in the same
/// transaction as the change itself: a dossier moving from one status to another, a wave opened,
/// applied or published, an envelope revised. Other entries (a note, a label, a score) are work in
/// progress, not state, and send nothing.
public enum WebhookEvent {
    /// Every event type, with what it means.
    public static let catalogue: [(type: String, description: String)] =
        DossierStatus.allCases.filter { $0 != .draft }.map {
            ("dossier.\($0.rawValue)", "Un dossier passe au statut « \($0.label) ».")
        }
        + [
            ("wave.opened", "Une nouvelle vague de décisions est ouverte."),
            ("wave.applied", "Les décisions d'une séance du comité sont appliquées dans une vague."),
            (
                "wave.published",
                "Une vague est publiée : une nouvelle version des résultats et des données ouvertes est disponible."
            ),
            ("envelope.revised", "Le montant d'une enveloppe est révisé."),
            ("grant.act_generated", "L'acte attributif d'une subvention est établi (ou établi à nouveau)."),
            ("grant.payment_recorded", "Un versement est enregistré sur une subvention."),
            ("grant.recovery_recorded", "Un reversement (titre de recette) est enregistré sur une subvention."),
            ("grant.report_filed", "Un compte rendu financier est remis."),
            ("grant.report_correction_requested", "L'instruction demande une correction du compte rendu financier."),
            ("grant.report_validated", "Un compte rendu financier est validé."),
        ]

    /// The grant steps written in the audit log under a dossier, by their action: they are not
    /// status changes of the dossier (the act's signature and the report's filing also are,
    /// announced as such by their own entries).
    static let grantActions: [String: String] = [
        "generate_grant_act": "grant.act_generated", "grant_payment": "grant.payment_recorded",
        "grant_recovery": "grant.recovery_recorded", "file_report": "grant.report_filed",
        "report_correction": "grant.report_correction_requested", "validate_report": "grant.report_validated",
    ]

    /// The event an audit entry announces, or `nil` when it is not a state change.
    public static func type(of entry: AuditEntry) -> String? {
        switch (entry.entityType, entry.action) {
        case ("call", "open_wave"): return "wave.opened"
        case ("call", "apply_wave"), ("committee_session", "apply_wave"): return "wave.applied"
        case ("call", "publish_wave"): return "wave.published"
        case ("envelope", "revise_envelope"): return "envelope.revised"
        case ("dossier", let action) where grantActions[action] != nil: return grantActions[action]
        case ("dossier", _):
            guard let to = entry.to, to != entry.from, let status = DossierStatus(rawValue: to), status != .draft else {
                return nil
            }
            return "dossier.\(status.rawValue)"
        default: return nil
        }
    }

    /// How long to wait before retrying after `attempts` failed deliveries; `nil` to give up.
    ///
    /// Roughly doubling from one minute to twelve hours, eight attempts over about a day: long
    /// enough to ride out a receiver's maintenance, short enough that the failure is noticed.
    public static func retryDelay(afterAttempts attempts: Int) -> TimeInterval? {
        let minutes = [1, 5, 15, 60, 180, 360, 720]
        guard attempts >= 1, attempts <= minutes.count else { return nil }
        return TimeInterval(minutes[attempts - 1] * 60)
    }

    /// The text a delivery's signature covers: the timestamp, a dot, and the exact body, so that
    /// a replayed body with a new timestamp does not verify.
    public static func signedContent(timestamp: Int, body: String) -> String { "\(timestamp).\(body)" }
}

/// What a machine client's token may read, on top of its owner's own rights.
public enum APIScope: String, CaseIterable, Sendable, Codable {
    case dossiersRead = "dossiers:read"
    case reviewsRead = "reviews:read"
    case decisionsRead = "decisions:read"
    case callsRead = "calls:read"

    /// The scope as the token page names it.
    public var label: String {
        switch self {
        case .dossiersRead: "lire les dossiers"
        case .reviewsRead: "lire les notes et les avis"
        case .decisionsRead: "lire les décisions"
        case .callsRead: "lire la définition des appels"
        }
    }
}
