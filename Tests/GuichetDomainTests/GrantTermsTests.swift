import Foundation
import Testing

@testable import GuichetDomain

/// A call's grant terms, its act's template, the ledger's paid and recovered figures, and the
/// open data's payment columns.
@Suite struct GrantTermsTests {
    private func day(_ iso: String) throws -> Date { try #require(ParisTime.day(iso)) }

    @Test func theReportIsDueMonthsAfterTheFinancialYearTheActionEndsIn() throws {
        // Twelve months from 10 May 2021 end in 2022: due 30 June 2023 (six months after 2022).
        #expect(
            ParisTime.isoDay(GrantTerms.statutory.reportDue(actionStartingOn: try day("2021-05-10"))) == "2023-06-30")
        // An action of six months ending in 2021, a report three months after: 31 March 2022.
        let short = GrantTerms(durationMonths: 6, reportMonths: 3)
        #expect(ParisTime.isoDay(short.reportDue(actionStartingOn: try day("2021-01-15"))) == "2022-03-31")
        // February's end, in a leap year.
        let february = GrantTerms(durationMonths: 1, reportMonths: 2)
        #expect(ParisTime.isoDay(february.reportDue(actionStartingOn: try day("2023-03-01"))) == "2024-02-29")
    }

    @Test func termsRefuseWhatTheLawDoesNotAllowEachByItsPath() {
        let terms = GrantTerms(
            conventionAboveCents: 3_000_000, advancePercent: 100, durationMonths: 0, reportMonths: 7,
            articles: [
                .init(heading: " ", text: "Montant : {montant} versé par {tresorier}"),
                .init(heading: "B", text: "{objet"),
            ])
        let paths = terms.issues(path: "grants").map(\.path)
        #expect(
            paths == [
                "grants.convention_above_cents", "grants.advance_percent", "grants.duration_months",
                "grants.report_months", "grants.articles[0].heading", "grants.articles[0].text",
                "grants.articles[1].text",
            ])
        #expect(GrantTerms(conventionAboveCents: 0).issues(path: "grants").count == 1)
        #expect(GrantTerms.statutory.issues(path: "grants").isEmpty)
        #expect(GrantActTemplate(articles: GrantActTemplate.standard).issues(path: "a").isEmpty)
        #expect(GrantActTemplate(articles: []).issues(path: "a").map(\.path) == ["a"])
    }

    @Test func theActIsFilledFromItsFactsWithTheLegalMentions() throws {
        let granted = try Money(euros: 40_000)
        let terms = GrantTerms(advancePercent: 60)
        let schedule = try terms.schedule(granted: granted)
        let facts = GrantActFacts(
            kind: terms.actRule.kind(for: granted), number: "HDF-2021-0012", callTitle: "Soutien alimentaire",
            grantorName: "Préfecture de la région Hauts-de-France", grantorSiret: "17590111500018",
            beneficiary: "Les Restos du Nord", siret: "12345678901234", rna: nil,
            address: "3 rue des Écoles, 02000 Laon",
            object: "Épicerie itinérante", amount: granted, durationMonths: terms.duration, schedule: schedule,
            reportDue: try day("2023-06-30"), decidedOn: try day("2021-04-16"), wave: 1)
        let act = terms.template.render(facts)
        #expect(act.title == "Convention attributive de subvention n° HDF-2021-0012")
        #expect(act.parties[0].contains("SIRET 17590111500018"))
        #expect(act.parties[1].contains("Les Restos du Nord, SIRET 12345678901234, 3 rue des Écoles, 02000 Laon"))
        #expect(act.visas.contains { $0.contains("décret n° 2001-495") })
        #expect(act.articles.map(\.heading).first == "Article 1er — Objet")
        let text = act.articles.map(\.text).joined(separator: "\n")
        #expect(text.contains("40 000 €"))
        #expect(
            text.contains(
                "Avance : 24 000 € à la signature de l'acte ; Solde : 16 000 € à la validation du compte rendu financier"
            ))
        #expect(text.contains("au plus tard le 30 juin 2023"))
        #expect(!text.contains("{"))
        // Below the threshold, an arrêté.
        var small = facts
        small.kind = GrantActRule.statutory.kind(for: try Money(euros: 8_000))
        #expect(terms.template.render(small).title.hasPrefix("Arrêté attributif"))
    }

    @Test func theStatementShowsWhatWasPaidAndReturnsRecoveriesToTheRoom() throws {
        let envelope = try Envelope(
            id: UUID(), parentID: nil, label: "Hauts-de-France", drawCode: "32", ownerName: "Préfecture",
            initial: EnvelopeRevision(
                amount: try Money(euros: 100_000), effectiveOn: try day("2021-01-01"), reason: "Initial"))
        let wave = Wave(number: 1, label: "Vague 1", announcedOn: try day("2021-04-16"), publishedAt: nil)
        let commitment = EnvelopeCommitment(
            drawCode: "32", wave: 1, inWave: try Money(euros: 60_000), latest: try Money(euros: 60_000),
            paid: try Money(euros: 36_000), recovered: try Money(euros: 5_000))
        let statement = try EnvelopeStatement(
            envelopes: [envelope], commitments: [commitment], waves: [wave], proposals: [])
        let line = try #require(statement.lines.first)
        #expect(line.committed == (try Money(euros: 55_000)))
        #expect(line.remaining == (try Money(euros: 45_000)))
        #expect(line.paid == (try Money(euros: 36_000)))
        #expect(line.recovered == (try Money(euros: 5_000)))
        #expect(line.leftToPay == (try Money(euros: 24_000)))
        let figures = try #require(line.byWave[1])
        #expect(figures.remaining == (try Money(euros: 45_000)))
        #expect(figures.leftToPay == (try Money(euros: 24_000)))
        // The committee's checks read the same room.
        let ledger = try EnvelopeLedger(envelopes: [envelope], commitments: [commitment])
        #expect(ledger.line(envelope.id)?.remaining == (try Money(euros: 45_000)))
    }

    @Test func theOpenDataPaymentColumnsComeFromTheScheduleAndThePayments() throws {
        let laureate = PublishedResults.Laureate(
            dossierID: UUID(), number: "HDF-2021-0012", title: "Épicerie", carrier: "Les Restos", description: "",
            amountCents: 4_000_000, themeCode: "alimentation", territoryCode: "02", heading: "Dans l'Aisne", wave: 1,
            simulated: false)
        let decided = try day("2021-04-16")
        func grant(_ schedule: PaymentSchedule?, signed: Date? = nil, payments: [Date] = []) -> GrantedSubsidies.Grant {
            GrantedSubsidies.Grant(
                laureate: laureate, decidedAt: decided, beneficiarySiret: "12345678901234", beneficiaryRNA: nil,
                grantorName: "Préfecture", grantorSiret: "17590111500018", schedule: schedule, signedAt: signed,
                paymentDays: payments)
        }
        let none = grant(nil)
        #expect(none.paymentTerms == .unique)
        #expect(none.paymentDates == .day(CalendarDay(inParis: decided)))
        let staggered = try PaymentSchedule.advanceAndBalance(granted: try Money(euros: 40_000), percent: 60)
        let signed = try day("2021-05-10")
        let paidTwice = grant(staggered, signed: signed, payments: [try day("2022-03-01"), try day("2021-05-20")])
        #expect(paidTwice.paymentTerms == .staggered)
        #expect(paidTwice.paymentDates.text == "2021-05-20/2022-03-01")
        let rows = GrantedSubsidies.rows([paidTwice], callReference: "hdf-2021", callTitle: "Appel")
        #expect(rows.first?.conditionsVersement.text == "échelonné")
        #expect(rows.first?.dateConvention == CalendarDay(inParis: signed))
        let waiting = grant(staggered, signed: signed)
        #expect(waiting.paymentDates == .day(CalendarDay(inParis: signed)))
    }
}
