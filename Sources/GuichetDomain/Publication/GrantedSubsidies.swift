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

        public init(
            laureate: PublishedResults.Laureate, decidedAt: Date, beneficiarySiret: String?, beneficiaryRNA: String?,
            grantorName: String, grantorSiret: String?
        ) {
            self.laureate = laureate
            self.decidedAt = decidedAt
            self.beneficiarySiret = beneficiarySiret
            self.beneficiaryRNA = beneficiaryRNA
            self.grantorName = grantorName
            self.grantorSiret = grantorSiret
        }
    }

    /// The rows, in the press kit's order.
    ///
    /// The committee's decision is the act that grants: its day (in Paris) is the convention's
    /// date and the payment date, paid at once (`unique`), in cash, the whole subsidy to the one
    /// beneficiary. A missing SIRET of the granting body is left empty on purpose: the validator
    /// then names the faulty rows and publication is refused, rather than inventing an identifier.
    public static func rows(_ grants: [Grant], callReference: String, callTitle: String) -> [SCDLSubsidy] {
        grants.map { grant in
            let day = CalendarDay(inParis: grant.decidedAt)
            let reference = [callReference, "vague \(grant.laureate.wave)", grant.laureate.number].compactMap { $0 }
                .joined(separator: " — ")
            return SCDLSubsidy(
                nomAttribuant: grant.grantorName, idAttribuant: grant.grantorSiret ?? "", dateConvention: day,
                referenceDecision: reference, nomBeneficiaire: grant.laureate.carrier,
                idBeneficiaire: grant.beneficiarySiret, rnaBeneficiaire: grant.beneficiaryRNA,
                objet: grant.laureate.title, montantCents: grant.laureate.amountCents, nature: .cash,
                conditionsVersement: .unique, datesPeriodeVersement: .day(day), notificationUE: false,
                pourcentageSubvention: .whole, dispositifAide: callTitle)
        }
    }
}
