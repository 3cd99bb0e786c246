import Foundation
import GuichetDomain

extension DecisionModel {
    /// A row holding a domain decision.
    convenience init(_ decision: Decision, waveID: UUID, decidedBy: String, simulated: Bool) {
        self.init()
        self.$dossier.id = decision.dossierID
        self.$wave.id = waveID
        self.outcome = decision.outcome.kind
        self.grantedCents = decision.outcome.grantedAmount.cents
        if case .rejected(let motive) = decision.outcome { self.motive = motive }
        self.decidedAt = decision.decidedAt
        self.decidedBy = decidedBy
        self.simulated = simulated
    }

    /// The domain decision, given its wave's number.
    func domain(waveNumber: Int) throws -> Decision {
        let outcome: DecisionOutcome
        switch self.outcome {
        case DossierStatus.retained.rawValue: outcome = .retained(amount: try Money(cents: grantedCents))
        case DossierStatus.waitingList.rawValue: outcome = .waitingList
        case DossierStatus.rejected.rawValue: outcome = .rejected(motive: motive ?? "")
        default: throw DomainError.missingData(field: "décision", reason: "issue « \(self.outcome) » inconnue.")
        }
        return Decision(
            dossierID: $dossier.id, waveNumber: waveNumber, outcome: outcome, decidedAt: decidedAt, simulated: simulated
        )
    }
}
