import Foundation

/// The rules of a request for correction and of an opinion's timing.
public enum InstructionRules {
    /// A correction's due day: from tomorrow (Paris) to 60 days ahead.
    /// - Throws: ``DomainError/invalidForm(errors:)`` on `due_on`.
    public static func checkCorrectionDue(_ due: Date, now: Date) throws(DomainError) {
        let calendar = ParisTime.calendar
        let today = calendar.startOfDay(for: now)
        guard let tomorrow = calendar.date(byAdding: .day, value: 1, to: today),
            let limit = calendar.date(byAdding: .day, value: 60, to: today)
        else { return }
        guard due >= tomorrow, due <= limit else {
            throw .invalidForm(errors: ["due_on": "Choisissez une échéance entre demain et dans 60 jours."])
        }
    }

    /// Statuses in which an instruction opinion may be given.
    public static let opinionStatuses: Set<DossierStatus> = [.underReview, .reviewed]

    /// Checks that an opinion may be given on a dossier in this status.
    /// - Throws: ``DomainError/transitionNotAllowed(action:from:)``.
    public static func checkOpinionAllowed(on status: DossierStatus) throws(DomainError) {
        guard opinionStatuses.contains(status) else {
            throw .transitionNotAllowed(action: "donner un avis", from: status)
        }
    }
}

extension InstructionRules {
    /// Statuses in which experts may be asked: after filing, before the decision.
    public static let expertStatuses: Set<DossierStatus> = [.filed, .eligible, .underReview, .reviewed]

    /// Checks that an expert request in `state` (`pending`, `answered`, `revoked`) takes an answer.
    /// - Throws: ``DomainError/expertRequestClosed(state:)``.
    public static func checkAnswerable(_ state: String) throws(DomainError) {
        guard state == "pending" else { throw .expertRequestClosed(state: state) }
    }

    /// Whether an expert scope (service and themes) covers a request to `service` on `theme`.
    public static func expert(_ scope: StaffScope, covers service: String, theme: String) -> Bool {
        guard case .service(let name, let themes) = scope, name == service else { return false }
        return themes.isEmpty || themes.contains(theme)
    }
}
