import Foundation

/// Every way building a portfolio proposal can fail.
///
/// Like ``DomainError``, each case has a stable machine ``code`` for the API and the tests, and a
/// French ``message`` for the committee's secretariat saying what went wrong and how to fix it.
/// An instance whose rules cannot all hold is not an error: the result says `infeasible`.
public enum PortfolioError: Error, Equatable, Sendable {
    /// The instance file is not the expected JSON (a missing key, a wrong type).
    case invalidInstance(String)
    /// Two dossiers, or two envelopes, share an identifier.
    case duplicateIdentifier(String)
    /// A dossier draws on an envelope the instance does not declare.
    case unknownEnvelope(dossier: String, envelope: String)
    /// The envelopes do not form a tree: an unknown parent, a cycle, no root.
    case envelopeTreeInvalid(String)
    /// An envelope's remaining amount is negative.
    case negativeRemaining(envelope: String, cents: Int64)
    /// A dossier's request is zero or negative.
    case invalidRequest(dossier: String, cents: Int64)
    /// A dossier's score is outside 0…10000 hundredths.
    case invalidScore(dossier: String, score: Int)
    /// A forced-in or forced-out identifier names no dossier.
    case unknownDossier(String)
    /// A dossier is both forced in and forced out.
    case contradictoryForcing(String)
    /// A percentage is outside 0…100, has more than two decimals, or a minimum exceeds its maximum.
    case invalidPercent(String)
    /// The forced-in dossiers alone need more than an envelope has left.
    case forcedOverBudget(envelope: String, forcedCents: Int64, remainingCents: Int64)
    /// Totals do not fit in 64-bit arithmetic.
    case amountOverflow
    /// The what-if names an envelope the instance does not declare.
    case unknownWhatIfEnvelope(String)
    /// COIN-OR CBC is not installed or not where `GUICHET_CBC_PATH` says.
    case solverMissing(path: String?)
    /// CBC ran but did not produce a usable answer.
    case solverFailed(String)
    /// CBC's answer does not satisfy the rules when checked exactly (a numerical tolerance issue).
    case solutionInconsistent(String)

    /// A stable identifier for clients and tests; never translated, never changed once published.
    public var code: String {
        switch self {
        case .invalidInstance: "invalid_instance"
        case .duplicateIdentifier: "duplicate_identifier"
        case .unknownEnvelope: "unknown_envelope"
        case .envelopeTreeInvalid: "envelope_tree_invalid"
        case .negativeRemaining: "negative_remaining"
        case .invalidRequest: "invalid_request"
        case .invalidScore: "invalid_score"
        case .unknownDossier: "unknown_dossier"
        case .contradictoryForcing: "contradictory_forcing"
        case .invalidPercent: "invalid_percent"
        case .forcedOverBudget: "forced_over_budget"
        case .amountOverflow: "amount_overflow"
        case .unknownWhatIfEnvelope: "unknown_what_if_envelope"
        case .solverMissing: "cbc_missing"
        case .solverFailed: "solver_failed"
        case .solutionInconsistent: "solution_inconsistent"
        }
    }

    /// What went wrong, in French, and how to fix it.
    public var message: String {
        switch self {
        case .invalidInstance(let reason):
            "Le fichier d'instance est illisible : \(reason). Vérifiez qu'il suit le format JSON décrit dans docs/PORTFOLIO.md."
        case .duplicateIdentifier(let id):
            "L'identifiant « \(id) » apparaît deux fois : chaque dossier et chaque enveloppe doivent avoir un identifiant unique."
        case .unknownEnvelope(let dossier, let envelope):
            "Le dossier « \(dossier) » est imputé sur l'enveloppe « \(envelope) », qui n'existe pas : corrigez l'enveloppe du dossier ou déclarez-la."
        case .envelopeTreeInvalid(let reason):
            "Les enveloppes ne forment pas un arbre : \(reason). Chaque enveloppe doit avoir un parent déclaré, sauf la racine, sans boucle."
        case .negativeRemaining(let envelope, let cents):
            "Le reste disponible de l'enveloppe « \(envelope) » est négatif (\(cents) centimes) : indiquez un montant positif ou nul."
        case .invalidRequest(let dossier, _):
            "Le montant demandé par le dossier « \(dossier) » doit être strictement positif."
        case .invalidScore(let dossier, let score):
            "La note du dossier « \(dossier) » (\(score)) doit être comprise entre 0 et 10000 centièmes de point."
        case .unknownDossier(let id):
            "Le dossier « \(id) » imposé ou écarté par la présidence n'existe pas dans l'instance : vérifiez son identifiant."
        case .contradictoryForcing(let id):
            "Le dossier « \(id) » est à la fois imposé et écarté : choisissez l'un ou l'autre."
        case .invalidPercent(let reason):
            "Pourcentage invalide : \(reason). Un pourcentage est compris entre 0 et 100, avec au plus deux décimales, et un minimum ne dépasse pas son maximum."
        case .forcedOverBudget(let envelope, let forced, let remaining):
            "Les dossiers imposés demandent \(Money(uncheckedCents: max(0, forced)).formatted()) sur l'enveloppe « \(envelope) », qui n'a plus que \(Money(uncheckedCents: max(0, remaining)).formatted()) : retirez un dossier imposé ou augmentez l'enveloppe."
        case .amountOverflow:
            "Les montants dépassent la capacité de calcul : vérifiez le nombre de chiffres des montants."
        case .unknownWhatIfEnvelope(let id):
            "L'enveloppe « \(id) » de la simulation n'existe pas dans l'instance : vérifiez son identifiant."
        case .solverMissing(let path):
            if let path {
                "Le solveur COIN-OR CBC est introuvable à l'emplacement indiqué par GUICHET_CBC_PATH (\(path)) : corrigez ce chemin ou installez le paquet Debian coinor-cbc (apt-get install coinor-cbc)."
            } else {
                "Le solveur COIN-OR CBC est introuvable : installez le paquet Debian coinor-cbc (apt-get install coinor-cbc) ou indiquez son chemin dans GUICHET_CBC_PATH."
            }
        case .solverFailed(let reason):
            "Le solveur COIN-OR CBC n'a pas donné de réponse exploitable : \(reason). Relancez la proposition ; si l'échec persiste, joignez l'instance au signalement."
        case .solutionInconsistent(let reason):
            "La sélection rendue par le solveur ne respecte pas exactement les règles (\(reason)) : relancez la proposition ; si l'écart persiste, joignez l'instance au signalement."
        }
    }
}
