import Foundation

/// What a call states about its grants once decided: which act by amount, how they are paid, how
/// long the funded action lasts, when the *compte rendu financier* is due, and the act's text.
///
/// Part of the call's definition (`grants` in `call.schema.json`), optional: a call that says
/// nothing follows the law's defaults — a convention strictly above 23 000 €, the whole grant
/// paid at the act's signature, an action of twelve months, the report due within six months of
/// the end of the financial year in which the action ends (loi n° 2000-321, article 10; arrêté du
/// 11 octobre 2006 for the Cerfa n° 15059), and ``GrantActTemplate/standard``'s articles.
public struct GrantTerms: Sendable, Equatable, Codable {
    /// Amounts strictly above this many cents are awarded by a convention; 23 000 € when absent.
    public var conventionAboveCents: Int64?
    /// The share of the grant paid at the act's signature, in percent, the balance once the
    /// financial report is validated; absent, the whole grant is paid at the signature.
    public var advancePercent: Int?
    /// How long the funded action lasts from the act's signature, in months (12 when absent).
    public var durationMonths: Int?
    /// How many months after the end of the financial year in which the action ends the financial
    /// report is due (6 when absent, the law's longest).
    public var reportMonths: Int?
    /// The act's articles; ``GrantActTemplate/standard`` when absent.
    public var articles: [GrantActTemplate.Article]?
    /// The financial report's form; ``FinancialReport/standardForm`` (Cerfa n° 15059) when absent.
    public var reportForm: FormDefinition?

    public init(
        conventionAboveCents: Int64? = nil, advancePercent: Int? = nil, durationMonths: Int? = nil,
        reportMonths: Int? = nil, articles: [GrantActTemplate.Article]? = nil, reportForm: FormDefinition? = nil
    ) {
        self.conventionAboveCents = conventionAboveCents
        self.advancePercent = advancePercent
        self.durationMonths = durationMonths
        self.reportMonths = reportMonths
        self.articles = articles
        self.reportForm = reportForm
    }

    /// The law's defaults.
    public static let statutory = GrantTerms()

    enum CodingKeys: String, CodingKey {
        case conventionAboveCents = "convention_above_cents"
        case advancePercent = "advance_percent"
        case durationMonths = "duration_months"
        case reportMonths = "report_months"
        case articles
        case reportForm = "report_form"
    }

    /// The longest an action may last, in months.
    public static let longestDuration = 48

    /// The act an amount needs under these terms.
    public var actRule: GrantActRule {
        conventionAboveCents.flatMap { try? GrantActRule(conventionAbove: Money(cents: $0)) } ?? .statutory
    }

    /// The action's length in months.
    public var duration: Int { durationMonths ?? 12 }

    /// The financial report's form.
    public var report: FormDefinition { reportForm ?? FinancialReport.standardForm }

    /// The act's template.
    public var template: GrantActTemplate { GrantActTemplate(articles: articles ?? GrantActTemplate.standard) }

    /// The payment schedule of a grant under these terms.
    public func schedule(granted: Money) throws(DomainError) -> PaymentSchedule {
        guard let advancePercent else { return try .single(granted: granted) }
        return try .advanceAndBalance(granted: granted, percent: advancePercent)
    }

    /// The day the financial report is due for an action starting on `start` (Paris): the last
    /// day of the ``reportMonths``-th month after the end of the financial year (the calendar
    /// year) in which the action ends.
    public func reportDue(actionStartingOn start: Date) -> Date {
        let calendar = ParisTime.calendar
        let end = calendar.date(byAdding: .month, value: duration, to: start) ?? start
        let year = calendar.component(.year, from: end)
        let months = reportMonths ?? 6
        // The first day of the month after the due month, less a day.
        let next = ParisTime.startOfDay(year: year + 1 + months / 12, month: months % 12 + 1, day: 1) ?? end
        return calendar.date(byAdding: .day, value: -1, to: next) ?? next
    }

    /// Every rule the terms must satisfy, each problem named by its path under `path`.
    public func issues(path: String) -> [CallDefinitionIssue] {
        var issues: [CallDefinitionIssue] = []
        if let cents = conventionAboveCents,
            cents <= 0 || cents > GrantActRule.statutory.conventionAbove.cents
        {
            issues.append(
                CallDefinitionIssue(
                    DefinitionPath.join(path, "convention_above_cents"),
                    "le seuil de la convention est un montant positif d'au plus \(GrantActRule.statutory.conventionAbove.formatted()) (décret n° 2001-495)."
                ))
        }
        if let advancePercent, !(1...99).contains(advancePercent) {
            issues.append(
                CallDefinitionIssue(
                    DefinitionPath.join(path, "advance_percent"),
                    "l'avance est une part du montant accordé, entre 1 et 99 %."))
        }
        if let durationMonths, !(1...Self.longestDuration).contains(durationMonths) {
            issues.append(
                CallDefinitionIssue(
                    DefinitionPath.join(path, "duration_months"),
                    "l'action dure entre 1 et \(Self.longestDuration) mois."))
        }
        if let reportMonths, !(1...6).contains(reportMonths) {
            issues.append(
                CallDefinitionIssue(
                    DefinitionPath.join(path, "report_months"),
                    "le compte rendu financier est dû au plus six mois après la fin de l'exercice (loi n° 2000-321, article 10) : entre 1 et 6 mois."
                ))
        }
        if let articles {
            issues += GrantActTemplate(articles: articles).issues(path: DefinitionPath.join(path, "articles"))
        }
        if let reportForm {
            issues += FinancialReport.issues(of: reportForm, path: DefinitionPath.join(path, "report_form"))
        }
        return issues
    }
}
