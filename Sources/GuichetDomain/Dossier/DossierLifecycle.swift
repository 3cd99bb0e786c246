import Foundation

/// Something that can happen to a dossier.
public enum DossierAction: Sendable, Equatable {
    case file
    case requestCorrection(message: String)
    case declareEligible
    case declareIneligible(motive: String)
    case startReview
    case completeReview
    case decide(DecisionOutcome)
    case signAgreement
    case recordPayment
    case recordReport
    case withdraw(reason: String)

    /// An action without its data: what a page offers, what a service asks the lifecycle about.
    /// Its raw value is the action's stable code, as written in the audit log.
    public enum Kind: String, Sendable, CaseIterable {
        case file
        case requestCorrection = "request_correction"
        case declareEligible = "declare_eligible"
        case declareIneligible = "declare_ineligible"
        case startReview = "start_review"
        case completeReview = "complete_review"
        case decide
        case signAgreement = "sign_agreement"
        case recordPayment = "record_payment"
        case recordReport = "record_report"
        case withdraw
    }

    /// The action's kind.
    public var kind: Kind {
        switch self {
        case .file: .file
        case .requestCorrection: .requestCorrection
        case .declareEligible: .declareEligible
        case .declareIneligible: .declareIneligible
        case .startReview: .startReview
        case .completeReview: .completeReview
        case .decide: .decide
        case .signAgreement: .signAgreement
        case .recordPayment: .recordPayment
        case .recordReport: .recordReport
        case .withdraw: .withdraw
        }
    }

    /// Stable code of the action, as written in the audit log.
    public var code: String { kind.rawValue }

    /// The action's French name, for error messages.
    public var label: String { kind.label }
}

extension DossierAction.Kind {
    /// The action's French name, for error messages.
    public var label: String {
        switch self {
        case .file: "déposer"
        case .requestCorrection: "demander un complément"
        case .declareEligible: "déclarer recevable"
        case .declareIneligible: "déclarer irrecevable"
        case .startReview: "commencer l'instruction"
        case .completeReview: "clore l'instruction"
        case .decide: "décider"
        case .signAgreement: "enregistrer la convention"
        case .recordPayment: "enregistrer le versement"
        case .recordReport: "remettre le bilan"
        case .withdraw: "retirer"
        }
    }
}

/// A change of a dossier's status, ready to be saved together with its audit entry.
public struct DossierTransition: Sendable, Equatable {
    public let action: String
    public let from: DossierStatus
    public let to: DossierStatus
    /// Why, in the words of whoever acted (motive, message); `nil` when the action needs none.
    public let reason: String?
}

/// The dossier lifecycle: which action is allowed from which status, by whom, with which data.
public enum DossierLifecycle {
    /// The roles allowed to take each action. `system` may take all of them: it stands for an
    /// administrator's loader (demo, import) which replays a history decided elsewhere.
    public static func allowedRoles(_ kind: DossierAction.Kind) -> Set<Role> {
        let roles: Set<Role>
        switch kind {
        case .file, .recordReport: roles = [.applicant]
        case .withdraw: roles = [.applicant, .administrator]
        case .requestCorrection, .declareEligible, .declareIneligible, .startReview, .completeReview:
            roles = [.instructor, .administrator]
        case .decide: roles = [.committeeChair, .committeeMember]
        // The act is signed when the organisation accepts it in its space, or when the staff
        // record the copy it signed on paper.
        case .signAgreement: roles = [.applicant, .administrator, .instructor]
        case .recordPayment: roles = [.administrator, .instructor]
        }
        return roles.union([.system])
    }

    /// The longest reason an action may carry, in characters.
    public static let reasonLimit = 5_000

    /// The statuses an action may start from.
    public static func statuses(from kind: DossierAction.Kind) -> Set<DossierStatus> {
        switch kind {
        case .file: [.draft, .incomplete]
        case .requestCorrection, .declareEligible, .declareIneligible: [.filed]
        case .startReview: [.eligible]
        case .completeReview: [.underReview]
        // A waiting-list dossier is decided again in a later wave (the seed's second wave).
        case .decide: [.reviewed, .waitingList]
        case .signAgreement: [.retained]
        case .recordPayment: [.agreementSigned]
        case .recordReport: [.agreementSigned, .paid]
        case .withdraw: DossierStatus.beforeDecision
        }
    }

    /// The status an action leads to.
    static func target(_ action: DossierAction) -> DossierStatus {
        switch action {
        case .file: .filed
        case .requestCorrection: .incomplete
        case .declareEligible: .eligible
        case .declareIneligible: .ineligible
        case .startReview: .underReview
        case .completeReview: .reviewed
        case .decide(let outcome): outcome.status
        case .signAgreement: .agreementSigned
        case .recordPayment: .paid
        case .recordReport: .reported
        case .withdraw: .withdrawn
        }
    }

    /// Whether a person of this role may take this action on a dossier in this status (the
    /// action's data and the call's dates are checked by ``transition(_:_:by:call:territories:now:)``).
    public static func allows(_ kind: DossierAction.Kind, from status: DossierStatus, by role: Role) -> Bool {
        statuses(from: kind).contains(status) && allowedRoles(kind).contains(role)
    }

    /// The actions a person of this role may take on a dossier in this status, in the lifecycle's order.
    public static func actions(from status: DossierStatus, by role: Role) -> [DossierAction.Kind] {
        DossierAction.Kind.allCases.filter { allows($0, from: status, by: role) }
    }

    /// Checks an action against the dossier's status, the actor's role and the action's data, and
    /// returns the transition to save.
    ///
    /// Filing also checks the call's dates and the dossier's completeness. Decisions must go
    /// through ``Committee/decide(_:outcome:wave:envelope:by:now:)``, which adds the envelope and
    /// wave rules.
    ///
    /// - Throws: ``DomainError/actorNotAllowed(action:role:)``,
    ///   ``DomainError/transitionNotAllowed(action:from:)``, ``DomainError/missingData(field:reason:)``,
    ///   ``DomainError/filingClosed(deadline:)`` and the completeness errors.
    public static func transition(
        _ dossier: Dossier, _ action: DossierAction, by actor: Agent,
        call: Call, territories: TerritoryCatalog = .france,
        now: Date
    ) throws(DomainError) -> DossierTransition {
        guard allowedRoles(action.kind).contains(actor.role) else {
            throw .actorNotAllowed(action: action.label, role: actor.role)
        }
        guard statuses(from: action.kind).contains(dossier.status) else {
            throw .transitionNotAllowed(action: action.label, from: dossier.status)
        }
        var reason: String? = nil
        switch action {
        case .file:
            try call.checkFilingOpen(at: now)
            try dossier.checkComplete(for: call, territories: territories)
        case .requestCorrection(let message):
            reason = try required(message, field: "message", "expliquez au porteur ce qui manque.")
        case .declareIneligible(let motive):
            reason = try required(motive, field: "motif", "un dossier irrecevable doit être motivé.")
        case .decide(let outcome):
            if case .rejected(let motive) = outcome {
                reason = try required(motive, field: "motif", "un rejet doit être motivé : le porteur le lira.")
            }
            if case .retained(let amount) = outcome {
                guard amount > .zero else {
                    throw .missingData(
                        field: "montant accordé", reason: "un projet retenu reçoit un montant supérieur à zéro.")
                }
                guard amount <= dossier.requestedAmount else {
                    throw .amountAboveRequest(granted: amount, requested: dossier.requestedAmount)
                }
            }
        case .withdraw(let why):
            reason = try required(why, field: "motif", "indiquez pourquoi le dossier est retiré.")
        case .declareEligible, .startReview, .completeReview, .signAgreement, .recordPayment, .recordReport:
            break
        }
        return DossierTransition(action: action.code, from: dossier.status, to: target(action), reason: reason)
    }

    /// A reason the applicant reads (in a mail, on the dossier): present, and plain text — no
    /// invisible character but line breaks and tabs (a NUL byte is refused by PostgreSQL and
    /// breaks mail and exports), at most ``reasonLimit`` characters.
    private static func required(_ text: String, field: String, _ hint: String) throws(DomainError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .missingData(field: field, reason: hint) }
        if let problem = FormField.textProblem(trimmed, maxLength: reasonLimit, singleLine: false) {
            throw .invalidForm(errors: [field: problem])
        }
        return trimmed
    }
}
