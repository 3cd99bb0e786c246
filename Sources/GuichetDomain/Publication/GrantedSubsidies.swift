import Foundation

/// The granted subsidies of a publication as SCDL *subventions* rows, one per granted dossier.
///
/// The schema describes one subsidy per row; a beneficiary appears on as many rows as it holds
/// granted dossiers, each row naming it with its identifiers. The granting body is the owner of
/// the envelope the dossier draws on (a region's prefecture, a ministry), with its SIRET.
public enum GrantedSubsidies {
    /// A granted dossier with what open data needs beyond the published snapshot.
    public struct Grant: Sendable {
        public let laureate: PublishedResults.Laureate
        public let decidedAt: Date
        public let beneficiarySiret: String?
        public let beneficiaryRNA: String?
        public let grantorName: String
        public let grantorSiret: String?
        /// The grant act's payment schedule, once the act is generated.
        public let schedule: PaymentSchedule?
        /// When the act was signed.
        public let signedAt: Date?
        /// The days of the payments recorded, in order.
        public let paymentDays: [Date]

        public init(
            laureate: PublishedResults.Laureate, decidedAt: Date, beneficiarySiret: String?, beneficiaryRNA: String?,
            grantorName: String, grantorSiret: String?, schedule: PaymentSchedule? = nil, signedAt: Date? = nil,
            paymentDays: [Date] = []
        ) {
            self.laureate = laureate
            self.decidedAt = decidedAt
            self.beneficiarySiret = beneficiarySiret
            self.beneficiaryRNA = beneficiaryRNA
            self.grantorName = grantorName
            self.grantorSiret = grantorSiret
            self.schedule = schedule
            self.signedAt = signedAt
            self.paymentDays = paymentDays.sorted()
        }

        /// `conditionsVersement`: from the act's schedule (one payment or instalments); a grant
        /// without an act yet is paid at once, as the decision stands.
        public var paymentTerms: SCDLSubsidy.PaymentTerms { schedule?.openDataTerms ?? .unique }

        /// `datesPeriodeVersement`: the payments' day, or their period from the first to the
        /// last; before any payment, the day the act was signed (or the decision's), to the
        /// day the last instalment may be paid from when the schedule dates one.
        public var paymentDates: SCDLSubsidy.PaymentDates {
            if let first = paymentDays.first, let last = paymentDays.last {
                let start = CalendarDay(inParis: first), end = CalendarDay(inParis: last)
                return start == end ? .day(start) : .period(start: start, end: end)
            }
            let start = CalendarDay(inParis: signedAt ?? decidedAt)
            let dated = (schedule?.instalments ?? []).compactMap { instalment -> Date? in
                if case .from(let day) = instalment.condition { return day }
                return nil
            }
            guard let latest = dated.max(), CalendarDay(inParis: latest) > start else { return .day(start) }
            return .period(start: start, end: CalendarDay(inParis: latest))
        }
    }

    /// The rows, in the press kit's order.
    ///
    /// The act's signature day (in Paris) is the convention's date — the committee's decision
    /// day until the act is signed; the payment terms and dates come from the act's schedule and
    /// the payments recorded (``Grant/paymentTerms``, ``Grant/paymentDates``); in cash, the whole
    /// subsidy to the one beneficiary. A missing SIRET of the granting body is left empty on purpose: the validator
    /// then names the faulty rows and publication is refused, rather than inventing an identifier.
    public static func rows(_ grants: [Grant], callReference: String, callTitle: String) -> [SCDLSubsidy] {
        grants.map { grant in
            let day = CalendarDay(inParis: grant.signedAt ?? grant.decidedAt)
            let reference = [callReference, "vague \(grant.laureate.wave)", grant.laureate.number].compactMap { $0 }
                .joined(separator: " — ")
            return SCDLSubsidy(
                nomAttribuant: grant.grantorName, idAttribuant: grant.grantorSiret ?? "", dateConvention: day,
                referenceDecision: reference, nomBeneficiaire: grant.laureate.carrier,
                idBeneficiaire: grant.beneficiarySiret, rnaBeneficiaire: grant.beneficiaryRNA,
                objet: grant.laureate.title, montantCents: grant.laureate.amountCents, nature: .cash,
                conditionsVersement: grant.paymentTerms, datesPeriodeVersement: grant.paymentDates,
                notificationUE: false,
                pourcentageSubvention: .whole, dispositifAide: callTitle)
        }
    }
}
