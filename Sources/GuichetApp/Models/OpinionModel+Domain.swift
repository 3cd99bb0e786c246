import Foundation
import GuichetDomain

extension OpinionModel {
    /// The stored form of an instruction opinion the domain accepted.
    convenience init(_ opinion: Opinion, dossier: UUID, author: UUID, simulated: Bool) {
        self.init()
        $dossier.id = dossier
        $author.id = author
        kind = opinion.kind.rawValue
        proposedCents = opinion.proposedAmount.cents
        motive = opinion.motive
        self.simulated = simulated
    }
}
