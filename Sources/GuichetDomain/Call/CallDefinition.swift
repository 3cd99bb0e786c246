import Foundation

/// A call for projects as its authors write it: everything that makes the call what it is, in one
/// versioned document (`calls/*.json`, JSON Schema `call.schema.json`).
///
/// The definition is data, not code: an administrator writes it in the browser or in a file, the
/// seed's call is one such file, and `guichet call export` writes it back byte for byte the same
/// way. What happens to the call afterwards (dossiers, decisions, publications, the published
/// waves) is not part of it.
///
/// Dates are calendar days in Europe/Paris written `yyyy-mm-dd`: the call opens at the start of
/// ``opensOn`` and filing ends with the end of ``deadline`` — as the people who run a call say it.
/// Money is in integer cents.
///
/// Check a definition with ``check(territories:)`` before using it; ``CallDefinition/load(json:territories:)``
/// does the whole reading (schema shape, then rules) and names every error by its path.
public struct CallDefinition: Sendable, Equatable, Codable {
    /// The version of this document's format; ``currentFormat`` is the only one read today.
    public var format: Int
    /// Stable short name used in URLs and files (`hdf-2021`): lowercase letters, digits, dashes.
    public var reference: String
    public var title: String
    /// The programme the call belongs to ("Stratégie nationale de prévention et de lutte contre la pauvreté").
    public var programme: String
    /// The context, as the call's public page introduces it.
    public var context: String
    /// Who may apply and for what, as the public page states it.
    public var eligibility: String
    /// Where the call funds projects: the whole country, a region, or one département.
    public var scope: CallScope
    /// Whether the call's figures are simulated (demonstration), said on every page that shows them.
    public var simulated: Bool
    /// Prefix of receipt numbers (`HDF-2021` gives `HDF-2021-0001`).
    public var receiptPrefix: String
    /// The first day dossiers can be filed (from its start in Paris).
    public var opensOn: String
    /// The last day dossiers can be filed (until its end in Paris).
    public var deadline: String
    /// INSEE codes in the order results list territories (the press kit's); the scope's own order
    /// when left out.
    public var territoryOrder: [String]?
    public var waves: [WaveSpec]
    public var themes: [Entry]
    public var objectives: [Entry]
    /// The envelope tree, parents before or after their children, tied by ``EnvelopeSpec/parent``.
    public var envelopes: [EnvelopeSpec]
    /// The dossier form, with the roles Guichet reads (title, theme, territory, amount).
    public var form: FormDefinition
    public var scoringGrid: ScoringGrid
    /// Which expert service to propose for which theme (`{"alimentation": "DRAAF"}`).
    public var expertServices: [String: String]
    /// The committee a session starts from.
    public var committee: CommitteeSpec
    /// What happens after the decision: acts, payments, the financial report; the law's defaults
    /// when absent (``GrantTerms``).
    public var grants: GrantTerms?

    /// The format written by this version of Guichet.
    public static let currentFormat = 1

    public init(
        format: Int = CallDefinition.currentFormat, reference: String, title: String, programme: String,
        context: String, eligibility: String, scope: CallScope, simulated: Bool, receiptPrefix: String,
        opensOn: String, deadline: String, territoryOrder: [String]?, waves: [WaveSpec], themes: [Entry],
        objectives: [Entry], envelopes: [EnvelopeSpec], form: FormDefinition, scoringGrid: ScoringGrid,
        expertServices: [String: String], committee: CommitteeSpec, grants: GrantTerms? = nil
    ) {
        self.format = format
        self.reference = reference
        self.title = title
        self.programme = programme
        self.context = context
        self.eligibility = eligibility
        self.scope = scope
        self.simulated = simulated
        self.receiptPrefix = receiptPrefix
        self.opensOn = opensOn
        self.deadline = deadline
        self.territoryOrder = territoryOrder
        self.waves = waves
        self.themes = themes
        self.objectives = objectives
        self.envelopes = envelopes
        self.form = form
        self.scoringGrid = scoringGrid
        self.expertServices = expertServices
        self.committee = committee
        self.grants = grants
    }

    enum CodingKeys: String, CodingKey {
        case format, reference, title, programme, context, eligibility, scope, simulated
        case receiptPrefix = "receipt_prefix"
        case opensOn = "opens_on"
        case deadline
        case territoryOrder = "territory_order"
        case waves, themes, objectives, envelopes, form
        case scoringGrid = "scoring_grid"
        case expertServices = "expert_services"
        case committee, grants
    }

    /// A theme or an objective: a stable code and its wording.
    public struct Entry: Sendable, Equatable, Codable {
        /// Lowercase letters, digits and dashes (`acces-aux-droits`), used in URLs, files and the API.
        public var code: String
        public var label: String

        public init(code: String, label: String) {
            self.code = code
            self.label = label
        }
    }

    /// A wave of decisions: its number (1, 2, …), its label and its planned announcement day.
    public struct WaveSpec: Sendable, Equatable, Codable {
        public var number: Int
        public var label: String
        public var announcedOn: String

        public init(number: Int, label: String, announcedOn: String) {
            self.number = number
            self.label = label
            self.announcedOn = announcedOn
        }

        enum CodingKeys: String, CodingKey {
            case number, label
            case announcedOn = "announced_on"
        }
    }

    /// An envelope of the tree, with its granting body and its dated amounts.
    public struct EnvelopeSpec: Sendable, Equatable, Codable {
        /// Stable within the call (`plan`, `hdf`); parents are named by it.
        public var key: String
        /// The key of the envelope this one is part of; `nil` at the top of the tree.
        public var parent: String?
        public var label: String
        /// Which dossiers draw on it: `FR` for national-scope dossiers, a region's INSEE code for
        /// the region's and its départements' dossiers; `nil` for a pool that only bounds its children.
        public var draws: String?
        /// The granting body (the SCDL *attribuant*).
        public var owner: Owner
        /// Oldest first; the first is the initial amount.
        public var revisions: [RevisionSpec]

        public init(
            key: String, parent: String?, label: String, draws: String?, owner: Owner, revisions: [RevisionSpec]
        ) {
            self.key = key
            self.parent = parent
            self.label = label
            self.draws = draws
            self.owner = owner
            self.revisions = revisions
        }
    }

    /// A granting body: its name and SIRET, as open data publishes them.
    public struct Owner: Sendable, Equatable, Codable {
        public var name: String
        public var siret: String?

        public init(name: String, siret: String?) {
            self.name = name
            self.siret = siret
        }
    }

    /// A dated amount of an envelope, with its reason.
    public struct RevisionSpec: Sendable, Equatable, Codable {
        public var amountCents: Int64
        public var effectiveOn: String
        public var reason: String

        public init(amountCents: Int64, effectiveOn: String, reason: String) {
            self.amountCents = amountCents
            self.effectiveOn = effectiveOn
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case amountCents = "amount_cents"
            case effectiveOn = "effective_on"
            case reason
        }
    }

    /// The committee a session of this call starts from: who sits (by title) and the quorum.
    public struct CommitteeSpec: Sendable, Equatable, Codable {
        public var quorum: Int
        public var members: [Seat]

        public init(quorum: Int, members: [Seat]) {
            self.quorum = quorum
            self.members = members
        }

        /// A seat of the committee: the chair or a member, and who holds it ("DRAAF").
        public struct Seat: Sendable, Equatable, Codable {
            public var role: SeatRole
            public var title: String

            public init(role: SeatRole, title: String) {
                self.role = role
                self.title = title
            }
        }

        public enum SeatRole: String, Sendable, Codable, CaseIterable {
            case chair, member
        }
    }
}

/// Where a call funds projects.
public enum CallScope: Sendable, Hashable, Codable {
    case national
    case region(String)
    case departement(String)

    /// `national`, `region` or `departement`.
    public var level: TerritoryKey.Level {
        switch self {
        case .national: .national
        case .region: .region
        case .departement: .departement
        }
    }

    /// The INSEE code, `nil` for national.
    public var code: String? {
        switch self {
        case .national: nil
        case .region(let code), .departement(let code): code
        }
    }

    /// The region the call is limited to: its own, or its département's; `nil` for a national
    /// call or an unknown code (reported once, at `scope.code`, not again on every envelope).
    public func regionCode(territories: TerritoryCatalog = .france) -> String? {
        switch self {
        case .national: nil
        case .region(let code): (try? territories.region(code))?.code
        case .departement(let code): try? territories.departement(code).regionCode
        }
    }

    /// The stored form, the same as a staff scope's: `national`, `region:32`, `departement:02`.
    public var stored: String {
        switch self {
        case .national: "national"
        case .region(let code): "region:\(code)"
        case .departement(let code): "departement:\(code)"
        }
    }

    /// Reads the stored form; `nil` when it is not one.
    public init?(stored: String) {
        let parts = stored.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first, parts.count) {
        case ("national", 1): self = .national
        case ("region", 2): self = .region(parts[1])
        case ("departement", 2): self = .departement(parts[1])
        default: return nil
        }
    }

    /// The levels a dossier of such a call may be placed at: any for a national call, the region
    /// and its départements for a regional one, the département alone for a départemental one.
    public var allowedLevels: Set<TerritoryKey.Level> {
        switch self {
        case .national: [.national, .region, .departement]
        case .region: [.region, .departement]
        case .departement: [.departement]
        }
    }

    /// The order results list territories in when a call does not say: the regions, or the
    /// region then its départements, or the département alone.
    public func defaultTerritoryOrder(territories: TerritoryCatalog = .france) -> [String] {
        switch self {
        case .national: ["FR"] + territories.regions.map(\.code)
        case .region(let code): [code] + territories.departements(in: code).map(\.code)
        case .departement(let code): [code]
        }
    }

    /// How the scope reads in French ("Hauts-de-France", "Aisne", "national").
    public func name(territories: TerritoryCatalog = .france) -> String {
        switch self {
        case .national: "national"
        case .region(let code): (try? territories.region(code).name) ?? code
        case .departement(let code): (try? territories.departement(code).name) ?? code
        }
    }

    enum CodingKeys: String, CodingKey { case level, code }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(level, forKey: .level)
        try container.encodeIfPresent(code, forKey: .code)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(TerritoryKey.Level.self, forKey: .level) {
        case .national: self = .national
        case .region: self = .region(try container.decode(String.self, forKey: .code))
        case .departement: self = .departement(try container.decode(String.self, forKey: .code))
        }
    }
}

extension CallDefinition {
    /// The instant filing opens: the start of ``opensOn`` in Paris.
    public var opensAt: Date? { ParisTime.day(opensOn) }

    /// The first instant filing is refused: the end of ``deadline`` in Paris.
    public var closesAt: Date? {
        ParisTime.day(deadline).flatMap { ParisTime.calendar.date(byAdding: .day, value: 1, to: $0) }
    }

    /// The territories in results' order: as written, or the scope's own order.
    public func resolvedTerritoryOrder(territories: TerritoryCatalog = .france) -> [String] {
        if let territoryOrder, !territoryOrder.isEmpty { return territoryOrder }
        return scope.defaultTerritoryOrder(territories: territories)
    }
}
