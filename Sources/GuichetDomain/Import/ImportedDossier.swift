import Foundation

/// The organisation carrying an imported dossier, as the file describes it.
public struct ImportedCarrier: Hashable, Sendable {
    /// The organisation's name.
    public let name: String
    /// Its SIRET, when given.
    public let siret: Siret?
    /// Its RNA number, when given.
    public let rna: RNA?
    /// Its legal form.
    public let legalForm: LegalForm
    /// The INSEE code of its head office's département, when given.
    public let departementCode: String?

    /// Describes a carrier (the reader builds it from checked values).
    public init(name: String, siret: Siret?, rna: RNA?, legalForm: LegalForm, departementCode: String?) {
        self.name = name
        self.siret = siret
        self.rna = rna
        self.legalForm = legalForm
        self.departementCode = departementCode
    }
}

/// A decision taken outside Guichet, for a call run elsewhere.
public struct ImportedDecision: Equatable, Sendable {
    /// The number of the call's wave that announced it (an unpublished wave).
    public let waveNumber: Int
    /// What was decided, checked against the committee's rules.
    public let outcome: DecisionOutcome
    /// When it was decided.
    public let decidedAt: Date

    /// Describes a decision (the reader builds it from checked values).
    public init(waveNumber: Int, outcome: DecisionOutcome, decidedAt: Date) {
        self.waveNumber = waveNumber
        self.outcome = outcome
        self.decidedAt = decidedAt
    }
}

/// One valid row of an import file, every value typed and checked.
public struct ImportedDossier: Equatable, Sendable {
    /// The file line where the row starts, to point at it again if saving fails.
    public let line: Int
    /// The dossier number given in the file; `nil` when Guichet is to number it.
    public let number: String?
    /// The project's title.
    public let title: String
    /// The project's summary.
    public let summary: String
    /// The code of one of the call's themes (resolved from a code or a label).
    public let themeCode: String
    /// Where the project acts, validated against INSEE and the call's region.
    public let scope: Scope
    /// The requested amount, above zero.
    public let requested: Money
    /// The organisation carrying the project.
    public let carrier: ImportedCarrier
    /// When the dossier was filed, within the call's filing window.
    public let filedAt: Date
    /// The decision, for a call run elsewhere; `nil` when the row has none.
    public let decision: ImportedDecision?

    /// Describes a row (the reader builds it from checked values).
    public init(
        line: Int, number: String?, title: String, summary: String, themeCode: String, scope: Scope,
        requested: Money, carrier: ImportedCarrier, filedAt: Date, decision: ImportedDecision?
    ) {
        self.line = line
        self.number = number
        self.title = title
        self.summary = summary
        self.themeCode = themeCode
        self.scope = scope
        self.requested = requested
        self.carrier = carrier
        self.filedAt = filedAt
        self.decision = decision
    }
}

extension ImportedDossier {
    /// The domain dossier to save: filed, or at its decision's status when it has one.
    ///
    /// - Parameter number: the number to store, the file's or one the app has just attributed.
    public func dossier(id: UUID, number: String?) -> Dossier {
        Dossier(
            id: id, number: number ?? self.number, title: title, summary: summary, themeCode: themeCode,
            scope: scope, requestedAmount: requested, status: decision?.outcome.status ?? .filed, filedAt: filedAt)
    }

    /// The domain organisation to save (or to match against an existing one by SIRET or RNA).
    public func organisation(id: UUID) -> Organisation {
        Organisation(
            id: id, name: carrier.name, legalForm: carrier.legalForm.rawValue, siret: carrier.siret,
            rna: carrier.rna, departementCode: carrier.departementCode, simulated: false)
    }
}

extension ImportedDecision {
    /// The domain decision to save for the dossier once it has its id.
    public func decision(dossierID: UUID) -> Decision {
        Decision(dossierID: dossierID, waveNumber: waveNumber, outcome: outcome, decidedAt: decidedAt, simulated: false)
    }
}
