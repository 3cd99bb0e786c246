import Foundation

/// Every way a domain rule can refuse an operation.
///
/// Each case has a stable machine ``code`` (used by the JSON API and by tests) and a French
/// ``message`` meant for the person who caused it: what went wrong and, where possible, how to fix it.
public enum DomainError: Error, Equatable, Sendable {
    case unknownTerritory(String)
    case invalidScope(String)
    case negativeAmount(Int64)
    case amountOverflow
    case invalidAmount(String)
    case amountAboveRequest(granted: Money, requested: Money)
    /// An instruction's opinion proposing more than the request (same code as a grant above it,
    /// its message names the proposed amount).
    case proposalAboveRequest(proposed: Money, requested: Money)
    case envelopeOverspent(envelope: String, remaining: Money, requested: Money)
    case envelopeTreeInconsistent(String)
    case invalidRevision(String)
    case transitionNotAllowed(action: String, from: DossierStatus)
    case actorNotAllowed(action: String, role: Role)
    case missingData(field: String, reason: String)
    case filingClosed(deadline: Date)
    case filingNotOpen(opensAt: Date)
    case unknownTheme(String)
    case unknownWave(Int)
    case waveFrozen(Int)
    case invalidSiret(String)
    case invalidRNA(String)
    case missingIdentifier
    case invalidCSV(line: Int, reason: String)
    /// A form with errors, by field key: each message is shown next to its field.
    case invalidForm(errors: [String: String])
    case emptyFile(name: String)
    case fileTooLarge(name: String, bytes: Int, limit: Int)
    case fileTypeNotAllowed(name: String, detected: String)
    case conflictOfInterest(action: String)
    case expertRequestClosed(state: String)
    case quorumNotReached(present: Int, required: Int)
    case decisionRefused(dossier: String, reason: String)
    case publicationRefused(String)
    case outsideScope(action: String, territory: String)
    case openDataInvalid(lines: [Int], first: String)
    /// A call definition that cannot be stored, with every problem by its path in the document.
    case invalidCallDefinition(issues: [CallDefinitionIssue])
    /// A grant's act, schedule or payment that does not hold together.
    case invalidSchedule(String)
    /// A payment above what is left to pay on the grant.
    case paymentAboveRemaining(amount: Money, remaining: Money)
    /// A payment whose accounting reference is already recorded on the grant.
    case paymentReferenceTaken(String)
    /// Money claimed back above what was paid and not yet claimed back.
    case recoveryAbovePaid(amount: Money, recoverable: Money)
    /// A grant step its act's state forbids (no act yet, already signed, not yet signed…).
    case grantStep(GrantStepProblem)

    /// A stable identifier for clients and tests; never translated, never changed once published.
    public var code: String {
        switch self {
        case .unknownTerritory: "unknown_territory"
        case .invalidScope: "invalid_scope"
        case .negativeAmount: "negative_amount"
        case .amountOverflow: "amount_overflow"
        case .invalidAmount: "invalid_amount"
        case .amountAboveRequest, .proposalAboveRequest: "amount_above_request"
        case .envelopeOverspent: "envelope_overspent"
        case .envelopeTreeInconsistent: "envelope_tree_inconsistent"
        case .invalidRevision: "invalid_revision"
        case .transitionNotAllowed: "transition_not_allowed"
        case .actorNotAllowed: "actor_not_allowed"
        case .missingData: "missing_data"
        case .filingClosed: "filing_closed"
        case .filingNotOpen: "filing_not_open"
        case .unknownTheme: "unknown_theme"
        case .unknownWave: "unknown_wave"
        case .waveFrozen: "wave_frozen"
        case .invalidSiret: "invalid_siret"
        case .invalidRNA: "invalid_rna"
        case .missingIdentifier: "missing_identifier"
        case .invalidCSV: "invalid_csv"
        case .invalidForm: "invalid_form"
        case .emptyFile: "empty_file"
        case .fileTooLarge: "file_too_large"
        case .fileTypeNotAllowed: "file_type_not_allowed"
        case .conflictOfInterest: "conflict_of_interest"
        case .expertRequestClosed: "expert_request_closed"
        case .quorumNotReached: "quorum_not_reached"
        case .decisionRefused: "decision_refused"
        case .publicationRefused: "publication_refused"
        case .outsideScope: "outside_scope"
        case .openDataInvalid: "open_data_invalid"
        case .invalidCallDefinition: "invalid_call_definition"
        case .invalidSchedule: "invalid_schedule"
        case .paymentAboveRemaining: "payment_above_remaining"
        case .paymentReferenceTaken: "payment_reference_taken"
        case .recoveryAbovePaid: "recovery_above_paid"
        case .grantStep(let problem): problem.rawValue
        }
    }

    /// What went wrong, in French, for the person who caused it.
    public var message: String {
        switch self {
        case .unknownTerritory(let code):
            "Le code territoire « \(code) » ne correspond à aucune région ni à aucun département connu de l'INSEE."
        case .invalidScope(let reason):
            "Portée du projet invalide : \(reason)"
        case .negativeAmount:
            "Un montant ne peut pas être négatif."
        case .amountOverflow:
            "Le montant dépasse la capacité de calcul : vérifiez le nombre de chiffres saisis."
        case .invalidAmount(let text):
            "Le montant « \(text) » n'est pas un montant en euros valide (exemple : 12 500 ou 12 500,50)."
        case .amountAboveRequest(let granted, let requested):
            "Le montant accordé (\(granted.formatted())) dépasse le montant demandé (\(requested.formatted()))."
        case .proposalAboveRequest(let proposed, let requested):
            "Le montant proposé (\(proposed.formatted())) dépasse le montant demandé (\(requested.formatted()))."
        case .envelopeOverspent(let envelope, let remaining, let requested):
            "L'enveloppe « \(envelope) » ne peut pas couvrir \(requested.formatted()) : il reste \(remaining.formatted())."
        case .envelopeTreeInconsistent(let reason):
            "Les enveloppes sont incohérentes : \(reason)"
        case .invalidRevision(let reason):
            "Révision d'enveloppe refusée : \(reason)"
        case .transitionNotAllowed(let action, let from):
            "L'action « \(action) » n'est pas possible pour un dossier au statut « \(from.label) »."
        case .actorNotAllowed(let action, let role):
            "Le rôle « \(role.label) » ne permet pas l'action « \(action) »."
        case .missingData(let field, let reason):
            "Information manquante (\(field)) : \(reason)"
        case .filingClosed(let deadline):
            "Le dépôt est clos depuis le \(ParisTime.longDateTime(deadline)) (heure de Paris) : aucun dossier ne peut plus être déposé."
        case .filingNotOpen(let opensAt):
            "Le dépôt n'ouvre que le \(ParisTime.longDateTime(opensAt)) (heure de Paris)."
        case .unknownTheme(let code):
            "La thématique « \(code) » ne fait pas partie de cet appel à projets."
        case .unknownWave(let number):
            "La vague \(number) n'existe pas pour cet appel à projets."
        case .waveFrozen(let number):
            "La vague \(number) est publiée et figée : toute modification doit passer par une nouvelle vague."
        case .invalidSiret(let text):
            "Le SIRET « \(text) » est invalide : il doit comporter 14 chiffres et respecter sa clé de contrôle."
        case .invalidRNA(let text):
            "Le numéro RNA « \(text) » est invalide : il s'écrit W suivi de 9 chiffres (exemple : W595012345)."
        case .missingIdentifier:
            "Indiquez au moins un identifiant de l'organisation : SIRET ou numéro RNA."
        case .invalidCSV(let line, let reason):
            "Ligne \(line) du fichier : \(reason)"
        case .invalidForm(let errors):
            errors.count == 1
                ? "Le formulaire contient une erreur : corrigez le champ signalé."
                : "Le formulaire contient \(errors.count) erreurs : corrigez les champs signalés."
        case .emptyFile(let name):
            "Le fichier « \(name) » est vide."
        case .fileTooLarge(let name, let bytes, let limit):
            "Le fichier « \(name) » pèse \(ByteSize.french(bytes)) : la limite est de \(ByteSize.french(limit))."
        case .expertRequestClosed(let state):
            "Cette demande d'avis est \(state == "revoked" ? "révoquée" : "déjà traitée") : elle ne peut plus recevoir de réponse."
        case .quorumNotReached(let present, let required):
            "Le comité ne peut pas délibérer : \(present) membre\(present > 1 ? "s" : "") présent\(present > 1 ? "s" : "") pour un quorum de \(required), président compris. Cochez les présents."
        case .decisionRefused(let dossier, let reason):
            "Aucune décision n'est appliquée : le dossier \(dossier) est refusé (\(reason))."
        case .outsideScope(let action, let territory):
            "Cette action (\(action)) revient aux administrateurs de \(territory) : elle ne vous est pas ouverte."
        case .publicationRefused(let reason):
            "La vague n'est pas publiée : \(reason)"
        case .openDataInvalid(let lines, let first):
            "La vague n'est pas publiée : le fichier des subventions (SCDL) ne respecte pas le schéma à \(lines.count == 1 ? "la ligne" : "\(lines.count) lignes, dont la ligne") \(lines.first ?? 0) (\(first)). Corrigez les données puis publiez de nouveau."
        case .invalidCallDefinition(let issues):
            issues.count == 1
                ? "La définition de l'appel n'est pas enregistrée : \(issues[0])."
                : "La définition de l'appel n'est pas enregistrée : \(issues.count) erreurs, dont \(issues.first.map(String.init(describing:)) ?? "")."
        case .conflictOfInterest(let action):
            "Vous avez déclaré un lien avec l'organisation qui porte ce dossier : vous ne pouvez pas \(action). Votre déport est enregistré."
        case .invalidSchedule(let reason):
            "Subvention : \(reason)"
        case .paymentAboveRemaining(let amount, let remaining):
            "Le versement de \(amount.formatted()) dépasse ce qui reste à verser sur la subvention (\(remaining.formatted())) : rien n'est enregistré."
        case .paymentReferenceTaken(let reference):
            "Le mandat « \(reference) » est déjà enregistré sur cette subvention : un versement ne s'enregistre qu'une fois."
        case .recoveryAbovePaid(let amount, let recoverable):
            "Le reversement de \(amount.formatted()) dépasse ce qui a été versé et non encore reversé (\(recoverable.formatted())) : rien n'est enregistré."
        case .grantStep(let problem):
            problem.message
        case .fileTypeNotAllowed(let name, let detected):
            "Le fichier « \(name) » n'est pas d'un type accepté (contenu reconnu : \(detected)). Types acceptés : PDF, images (PNG, JPEG), documents bureautiques (Word, Excel, OpenDocument)."
        }
    }
}

extension DomainError: LocalizedError {
    public var errorDescription: String? { message }
}

/// File sizes written for people: `20 Mo`, `512 ko`, `900 octets`.
public enum ByteSize {
    public static func french(_ bytes: Int) -> String {
        if bytes >= 1_000_000 {
            let tenths = (bytes + 50_000) / 100_000
            return tenths % 10 == 0 ? "\(tenths / 10) Mo" : "\(tenths / 10),\(tenths % 10) Mo"
        }
        if bytes >= 1_000 { return "\((bytes + 500) / 1_000) ko" }
        return "\(bytes) octets"
    }
}

/// Why a grant step is refused in the act's state; the raw value is the stable code.
public enum GrantStepProblem: String, Sendable, Equatable {
    case notRetained = "grant_not_retained"
    case actMissing = "grant_act_missing"
    case actSigned = "grant_act_signed"
    case actUnsigned = "grant_act_unsigned"
    case reportFiled = "grant_report_filed"
    case reportNotFiled = "grant_report_not_filed"

    public var message: String {
        switch self {
        case .notRetained:
            "Seul un dossier retenu par le comité, pour un montant, reçoit un acte attributif."
        case .actMissing:
            "L'acte attributif de cette subvention n'est pas encore établi."
        case .actSigned:
            "L'acte de cette subvention est signé : il ne se modifie plus (un avenant se prépare à part)."
        case .actUnsigned:
            "L'acte n'est pas encore signé : aucun versement ni reversement avant sa signature."
        case .reportFiled:
            "Le compte rendu financier est déjà remis : il ne se remet qu'une fois (l'instruction peut demander une correction)."
        case .reportNotFiled:
            "Aucun compte rendu financier remis n'attend d'examen sur ce dossier."
        }
    }
}
