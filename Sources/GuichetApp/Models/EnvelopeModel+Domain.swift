import Foundation
import GuichetDomain

extension EnvelopeModel {
    /// The domain envelope; its revisions must be loaded.
    func domain() throws -> Envelope {
        try Envelope(
            id: requireID(), parentID: $parent.id, label: label, drawCode: drawCode, ownerName: ownerName,
            ownerSiret: ownerSiret,
            revisions: try revisions.map {
                EnvelopeRevision(
                    amount: try Money(cents: $0.amountCents), effectiveOn: $0.effectiveOn, reason: $0.reason)
            })
    }
}
