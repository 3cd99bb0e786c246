import Foundation

/// How long Guichet keeps personal data, by kind, in days; what happens at the end of it.
///
/// The defaults follow what a State service running calls for projects usually records in its
/// register of processing (docs/PRIVACY.md): a refused or withdrawn application is kept five
/// years (the time to contest and audit the decision), a draft never filed one year, an account
/// nobody signs in to three years; technical traces (sign-in attempts) a month, copies of sent
/// mail and webhook deliveries a year. Laureates' dossiers are not retention's business: their
/// data are part of the subsidy's file, kept as the archives code says, then handed to the
/// archives service, not deleted by the application.
///
/// Where figures must stay true, data are **anonymised, not deleted**: a refused dossier keeps
/// its number, status, theme, territory, amounts and organisation (the published counts and the
/// audit log still add up), and loses its title, summary, answers, attachments and messages; an
/// account keeps its row (dossiers and the audit log name it) and loses its address, name and
/// password. The audit log itself is never rewritten (its chains would break): it names actors
/// and states, not applications' contents.
public struct RetentionPolicy: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case refusedDossiers = "refused_dossiers"
        case drafts
        case accounts
        case loginAttempts = "login_attempts"
        case mail
        case webhookDeliveries = "webhook_deliveries"

        /// The environment variable that sets it: `GUICHET_RETENTION_DRAFTS_DAYS`…
        public var variable: String { "GUICHET_RETENTION_\(rawValue.uppercased())_DAYS" }

        public var defaultDays: Int {
            switch self {
            case .refusedDossiers: 5 * 365
            case .drafts: 365
            case .accounts: 3 * 365
            case .loginAttempts: 30
            case .mail: 365
            case .webhookDeliveries: 365
            }
        }

        /// What it is and what becomes of it, in French (reports, docs).
        public var label: String {
            switch self {
            case .refusedDossiers: "dossiers irrecevables, rejetés ou retirés (anonymisés)"
            case .drafts: "brouillons jamais déposés (supprimés)"
            case .accounts: "comptes de porteurs inutilisés (anonymisés)"
            case .loginAttempts: "traces de tentatives de connexion (supprimées)"
            case .mail: "copies des courriels envoyés (supprimées)"
            case .webhookDeliveries: "envois de webhooks terminés (supprimés)"
            }
        }
    }

    /// Days kept, by kind; 0 keeps forever.
    public var days: [Kind: Int]

    public init(days: [Kind: Int] = [:]) {
        var all: [Kind: Int] = [:]
        for kind in Kind.allCases { all[kind] = days[kind] ?? kind.defaultDays }
        self.days = all
    }

    /// The policy the environment sets; a value that is not a whole number of days from 0 to
    /// 36 500 is refused with its variable's name.
    public static func from(_ environment: [String: String]) throws(RetentionError) -> RetentionPolicy {
        var days: [Kind: Int] = [:]
        for kind in Kind.allCases {
            guard let text = environment[kind.variable]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
                continue
            }
            guard let value = Int(text), (0...36_500).contains(value) else {
                throw RetentionError(variable: kind.variable, value: text)
            }
            days[kind] = value
        }
        return RetentionPolicy(days: days)
    }

    /// Data of this kind older than the returned instant are due; `nil` when the kind is kept forever.
    public func cutoff(_ kind: Kind, now: Date) -> Date? {
        guard let days = days[kind], days > 0 else { return nil }
        return now.addingTimeInterval(-Double(days) * 86_400)
    }
}

/// A retention setting that is not a number of days.
public struct RetentionError: Error, Equatable, CustomStringConvertible {
    public let variable: String
    public let value: String

    public init(variable: String, value: String) {
        self.variable = variable
        self.value = value
    }

    public var description: String {
        "\(variable) = « \(value) » : un nombre entier de jours de 0 (conserver sans limite) à 36 500 est attendu."
    }
}
