import Foundation

/// What a call's decisions commit, summed by the envelope they draw on and by wave: the input of
/// ``EnvelopeLedger`` and ``EnvelopeStatement``, small whatever the number of dossiers.
///
/// The rule is ``Decision/committedAmount(of:latest:)``: a dossier still a laureate commits the
/// amount of its latest retained decision among the waves counted. ``of(dossiers:decisions:waves:territories:)``
/// applies it to dossiers in memory; the app computes the same sums in SQL for a call of any size,
/// and its tests check both agree.
public struct EnvelopeCommitment: Sendable, Equatable {
    /// The envelope drawn on (``Envelope/drawCode``): `FR` or a region's code.
    public let drawCode: String
    public let wave: Int
    /// Granted by this wave's retained decisions of dossiers still laureates.
    public let inWave: Money
    /// Of which the decisions that are their dossier's latest among the waves counted: what
    /// the wave still commits once later waves decided again.
    public let latest: Money
    /// Paid on this wave's grants (payments recorded against their acts).
    public let paid: Money
    /// Claimed back on this wave's grants (*titres de recette*): money that returns to the
    /// envelope's room, so the ledger commits ``latest`` less it (``net``).
    public let recovered: Money

    public init(
        drawCode: String, wave: Int, inWave: Money, latest: Money, paid: Money = .zero, recovered: Money = .zero
    ) {
        self.drawCode = drawCode
        self.wave = wave
        self.inWave = inWave
        self.latest = latest
        self.paid = paid
        self.recovered = recovered
    }

    /// What the wave still holds of the envelope: its latest grants less what was claimed back.
    public var net: Money { latest.remaining(after: recovered) }

    /// What the decisions alone commit, without what was paid and claimed back since: the
    /// figures the public reads next to the published waves.
    public var decided: EnvelopeCommitment { with(paid: .zero, recovered: .zero) }

    /// The same sums with what was paid and claimed back on the wave's grants.
    public func with(paid: Money, recovered: Money) -> EnvelopeCommitment {
        EnvelopeCommitment(
            drawCode: drawCode, wave: wave, inWave: inWave, latest: latest, paid: paid, recovered: recovered)
    }

    /// The envelope a scope draws on: `FR` for national, the scope's region otherwise.
    public static func drawCode(of scope: Scope, territories: TerritoryCatalog = .france) throws(DomainError) -> String
    {
        try territories.region(of: scope)?.code ?? "FR"
    }

    /// A payment or recovery recorded on a grant, with the envelope and wave its act names.
    public struct Movement: Sendable {
        public let drawCode: String
        public let wave: Int
        public let isRecovery: Bool
        public let amount: Money

        public init(drawCode: String, wave: Int, isRecovery: Bool, amount: Money) {
            self.drawCode = drawCode
            self.wave = wave
            self.isRecovery = isRecovery
            self.amount = amount
        }
    }

    /// The commitments of dossiers, decisions and grant movements held in memory.
    /// - Parameter waves: the waves counted (the public sees published ones only); all when nil.
    public static func of(
        dossiers: [Dossier], decisions: [Decision], waves: Set<Int>? = nil, movements: [Movement] = [],
        territories: TerritoryCatalog = .france
    ) throws(DomainError) -> [EnvelopeCommitment] {
        let latest = Decision.latest(decisions, in: waves)
        let byID = Dictionary(dossiers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var sums: [Key: (inWave: Money, latest: Money)] = [:]
        for decision in decisions where waves?.contains(decision.waveNumber) ?? true {
            guard let dossier = byID[decision.dossierID], dossier.status.isLaureate else { continue }
            let amount = decision.outcome.grantedAmount
            guard amount > .zero else { continue }
            let key = Key(
                drawCode: try drawCode(of: dossier.scope, territories: territories), wave: decision.waveNumber)
            let isLatest = latest[dossier.id]?.waveNumber == decision.waveNumber
            let known = sums[key] ?? (.zero, .zero)
            sums[key] = (
                try known.inWave.adding(amount), isLatest ? try known.latest.adding(amount) : known.latest
            )
        }
        var moved: [Key: (paid: Money, recovered: Money)] = [:]
        for movement in movements where waves?.contains(movement.wave) ?? true {
            let key = Key(drawCode: movement.drawCode, wave: movement.wave)
            var known = moved[key] ?? (.zero, .zero)
            if movement.isRecovery {
                known.recovered = try known.recovered.adding(movement.amount)
            } else {
                known.paid = try known.paid.adding(movement.amount)
            }
            moved[key] = known
            if sums[key] == nil { sums[key] = (.zero, .zero) }
        }
        return sums.map {
            EnvelopeCommitment(
                drawCode: $0.drawCode, wave: $0.wave, inWave: $1.inWave, latest: $1.latest,
                paid: moved[$0]?.paid ?? .zero, recovered: moved[$0]?.recovered ?? .zero)
        }
        .sorted { ($0.drawCode, $0.wave) < ($1.drawCode, $1.wave) }
    }

    private struct Key: Hashable {
        let drawCode: String
        let wave: Int
    }
}

/// A decision staged as retained in a session not yet applied, summed by envelope and wave.
public struct EnvelopeProposal: Sendable, Equatable {
    public let drawCode: String
    public let wave: Int
    public let amount: Money

    public init(drawCode: String, wave: Int, amount: Money) {
        self.drawCode = drawCode
        self.wave = wave
        self.amount = amount
    }
}
