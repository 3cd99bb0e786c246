import Foundation
import GuichetDomain

extension DossierModel {
    /// A row holding the domain dossier's values.
    convenience init(_ dossier: Dossier, callID: UUID, organisationID: UUID) {
        self.init()
        self.id = dossier.id
        self.$call.id = callID
        self.$organisation.id = organisationID
        apply(dossier)
    }

    /// Copies the domain dossier's values into the row.
    func apply(_ dossier: Dossier) {
        number = dossier.number
        title = dossier.title
        summary = dossier.summary
        themeCode = dossier.themeCode
        scopeKind = dossier.scope.kind
        territoryCode = dossier.scope.territoryCode
        if case .national(let regions) = dossier.scope {
            scopeRegions = regions.joined(separator: ",")
        } else {
            scopeRegions = ""
        }
        requestedCents = dossier.requestedAmount.cents
        status = dossier.status.rawValue
        filedAt = dossier.filedAt
        simulated = dossier.simulated
    }

    /// The scope stored in a row's three columns.
    ///
    /// Stored rows are read leniently about the territory (a département merged by INSEE must
    /// still display); the scope's kind decides how its code is read.
    static func scope(kind: String, territory: String, regions: String) -> Scope {
        switch kind {
        case "national": .national(regions: regions.split(separator: ",").map(String.init))
        case "regional": .regional(region: territory)
        default: .departemental(departement: territory)
        }
    }

    /// The domain dossier.
    /// - Throws: ``DomainError`` when the stored row breaks a rule (unknown status, negative amount…).
    func domain(territories: TerritoryCatalog = .france) throws -> Dossier {
        guard let status = DossierStatus(rawValue: status) else {
            throw DomainError.missingData(field: "statut", reason: "statut « \(self.status) » inconnu.")
        }
        return Dossier(
            id: try requireID(), number: number, title: title, summary: summary, themeCode: themeCode,
            scope: Self.scope(kind: scopeKind, territory: territoryCode, regions: scopeRegions),
            requestedAmount: try Money(cents: requestedCents), status: status,
            filedAt: filedAt, simulated: simulated)
    }
}

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
