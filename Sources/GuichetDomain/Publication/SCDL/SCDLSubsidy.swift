/// One granted subsidy, as one row of an SCDL « subventions » 2.1.1 file.
///
/// Property names follow the schema's column names so the mapping stays obvious. Values are
/// typed (cents, calendar days, enums) so that rendering can only produce well-formed cells;
/// rules that span values (SIRET key, period order, lengths) are checked by ``SCDLValidator``
/// on the rendered file.
public struct SCDLSubsidy: Hashable, Sendable {
    /// Official name of the granting authority.
    public var nomAttribuant: String
    /// SIRET of the granting authority, 14 digits.
    public var idAttribuant: String
    /// Day the convention was signed.
    public var dateConvention: CalendarDay
    /// Internal reference of the decision (deliberation number…).
    public var referenceDecision: String?
    /// Official name of the beneficiary.
    public var nomBeneficiaire: String
    /// SIRET of the beneficiary; may be absent only for an association with an RNA number.
    public var idBeneficiaire: String?
    /// RNA number of the beneficiary association (`W` and 9 digits).
    public var rnaBeneficiaire: String?
    /// Purpose of the subsidy, 256 characters at most.
    public var objet: String
    /// Total amount granted, in euro cents; integers keep amounts exact.
    public var montantCents: Int64
    /// Cash, in kind, or both.
    public var nature: Nature
    /// Single payment, instalments, or another arrangement.
    public var conditionsVersement: PaymentTerms
    /// Payment day or period.
    public var datesPeriodeVersement: PaymentDates
    /// Identifier in the *Répertoire des aides aux entreprises*, 5 characters at most.
    public var idRAE: String?
    /// Whether the aid was notified to the European Commission (de minimis).
    public var notificationUE: Bool
    /// This beneficiary's share of the total amount.
    public var pourcentageSubvention: SCDLShare
    /// Identifier of the aid scheme (*schéma des dispositifs d'aide*).
    public var dispositifAide: String?

    /// Builds a row; optional columns default to empty.
    public init(
        nomAttribuant: String, idAttribuant: String, dateConvention: CalendarDay,
        referenceDecision: String? = nil, nomBeneficiaire: String, idBeneficiaire: String? = nil,
        rnaBeneficiaire: String? = nil, objet: String, montantCents: Int64, nature: Nature,
        conditionsVersement: PaymentTerms, datesPeriodeVersement: PaymentDates, idRAE: String? = nil,
        notificationUE: Bool, pourcentageSubvention: SCDLShare = .whole, dispositifAide: String? = nil
    ) {
        self.nomAttribuant = nomAttribuant
        self.idAttribuant = idAttribuant
        self.dateConvention = dateConvention
        self.referenceDecision = referenceDecision
        self.nomBeneficiaire = nomBeneficiaire
        self.idBeneficiaire = idBeneficiaire
        self.rnaBeneficiaire = rnaBeneficiaire
        self.objet = objet
        self.montantCents = montantCents
        self.nature = nature
        self.conditionsVersement = conditionsVersement
        self.datesPeriodeVersement = datesPeriodeVersement
        self.idRAE = idRAE
        self.notificationUE = notificationUE
        self.pourcentageSubvention = pourcentageSubvention
        self.dispositifAide = dispositifAide
    }

    /// The four values the schema's `nature` enum allows, spelled exactly as the schema does.
    public enum Nature: String, Hashable, Sendable, CaseIterable {
        /// « aide en numéraire »: money.
        case cash = "aide en numéraire"
        /// « aide en nature »: premises, equipment, staff time…
        case inKind = "aide en nature"
        /// Both, money listed first.
        case cashAndInKind = "aide en numéraire;aide en nature"
        /// Both, in-kind listed first; the schema accepts either order.
        case inKindAndCash = "aide en nature;aide en numéraire"
    }

    /// How the subsidy is paid; the schema lists `unique`, `échelonné`, or free text for « autre ».
    public enum PaymentTerms: Hashable, Sendable {
        /// One payment.
        case unique
        /// Several instalments.
        case staggered
        /// Another arrangement, described freely (256 characters at most).
        case other(description: String)

        /// The cell text: `unique`, `échelonné`, or the description (`autre` if it is blank).
        public var text: String {
            switch self {
            case .unique: "unique"
            case .staggered: "échelonné"
            case .other(let description):
                description.allSatisfy(\.isWhitespace) ? "autre" : description
            }
        }
    }

    /// A payment day, or a period `start/end` when instalments are spread or the day is unknown.
    public enum PaymentDates: Hashable, Sendable {
        /// A known single payment day.
        case day(CalendarDay)
        /// A payment period; `end` should not precede `start` (the validator reports it).
        case period(start: CalendarDay, end: CalendarDay)

        /// The cell text: `YYYY-MM-DD` or `YYYY-MM-DD/YYYY-MM-DD` (ISO 8601 interval).
        public var text: String {
            switch self {
            case .day(let day): day.iso
            case .period(let start, let end): "\(start.iso)/\(end.iso)"
            }
        }
    }
}
