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
        try Self.dossier(
            id: requireID(), number: number, title: title, summary: summary, themeCode: themeCode, scopeKind: scopeKind,
            territoryCode: territoryCode, scopeRegions: scopeRegions, requestedCents: requestedCents, status: status,
            filedAt: filedAt, simulated: simulated)
    }

    /// The domain dossier from the stored columns: the one mapping, for a model or a row read
    /// column by column (the results' fast path).
    /// - Throws: ``DomainError`` when the stored values break a rule (unknown status, negative amount…).
    static func dossier(
        id: UUID, number: String?, title: String, summary: String, themeCode: String, scopeKind: String,
        territoryCode: String, scopeRegions: String, requestedCents: Int64, status rawStatus: String, filedAt: Date?,
        simulated: Bool
    ) throws -> Dossier {
        guard let status = DossierStatus(rawValue: rawStatus) else {
            throw DomainError.missingData(field: "statut", reason: "statut « \(rawStatus) » inconnu.")
        }
        return Dossier(
            id: id, number: number, title: title, summary: summary, themeCode: themeCode,
            scope: scope(kind: scopeKind, territory: territoryCode, regions: scopeRegions),
            requestedAmount: try Money(cents: requestedCents), status: status, filedAt: filedAt, simulated: simulated)
    }
}
