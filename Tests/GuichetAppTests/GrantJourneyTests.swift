import Fluent
import Foundation
import GuichetDomain
import Testing
import VaporTesting

@testable import GuichetApp

/// After the decision, through the pages: a laureate of the seed followed from its act to its
/// payments and a recovery, by the instructor of its département and a representative of its
/// organisation; each refusal answers with its code and stores nothing.
@Suite struct GrantJourneyTests {
    /// A retained laureate of the seed in the Aisne, an instructor of the Aisne, and a
    /// representative of the laureate's organisation.
    struct World {
        let dossier: DossierModel
        let id: UUID
        let instructor: Browser
        let representative: Applicant
    }

    static func world(_ app: Application) async throws -> World {
        let seed = try await CallRepository(database: app.db).load(DemoCall.reference)
        let dossier = try #require(
            try await DossierModel.query(on: app.db).filter(\.$call.$id == seed.id)
                .filter(\.$status == DossierStatus.retained.rawValue).filter(\.$instructorGroup == "departement:02")
                .sort(\.$number).first())
        let instructor = try await Factory.staff(app, "ddets02@exemple.fr", scopes: ["departement:02"])
        let representative = try await Applicant.make(app, email: "tresoriere@exemple.fr")
        try await OrganisationMemberModel(
            organisationID: dossier.$organisation.id, userID: representative.user.requireID()
        ).create(on: app.db)
        return World(
            dossier: dossier, id: try dossier.requireID(), instructor: instructor, representative: representative)
    }

    static func movements(_ app: Application, _ id: UUID) async throws -> Int {
        try await GrantMovementModel.query(on: app.db).filter(\.$dossierID == id).count()
    }

    @Test func aLaureateFromItsActToItsPaymentsAndARecovery() async throws {
        try await withGuichet { app in
            let w = try await Self.world(app)
            let page = SiteURL.staffDossier(w.id).path
            #expect(try await w.instructor.get(page).visibleText.contains("Établir l'acte attributif"))
            // No payment before the act exists, nor before it is signed.
            try await w.instructor.get(page)
            let early = try await w.instructor.post(
                SiteURL.staffGrantPayments(w.id).path,
                ["day": ParisTime.isoDay(Date()), "amount": "100", "reference": "MDT-0"])
            #expect(early.headers.first(name: "X-Guichet-Error") == "grant_act_missing")
            try await w.instructor.get(page)
            let generated = try await w.instructor.post(SiteURL.staffGrantActGeneration(w.id).path, [:])
            #expect(generated.status == .seeOther)
            #expect(generated.headers.first(name: "X-Guichet-Error") == nil)
            let act = try #require(try await GrantActModel.query(on: app.db).filter(\.$dossierID == w.id).first())
            let granted = try Money(cents: act.amountCents)
            #expect(act.actKind == GrantActRule.statutory.kind(for: granted))
            // The printable act: its legal mentions, the parties' identifiers, the amount.
            let printed = try await w.instructor.get(SiteURL.staffGrantAct(w.id).path)
            #expect(printed.status == .ok)
            #expect(printed.visibleText.contains("Vu la loi n° 2000-321 du 12 avril 2000"))
            #expect(printed.visibleText.contains(granted.formatted()))
            #expect(printed.visibleText.contains("Compte rendu financier"))
            #expect(printed.visibleText.contains("Projet d'acte"))
            let unsigned = try await w.instructor.post(
                SiteURL.staffGrantPayments(w.id).path,
                ["day": ParisTime.isoDay(Date()), "amount": "100", "reference": "MDT-0"])
            #expect(unsigned.headers.first(name: "X-Guichet-Error") == "grant_act_unsigned")
            #expect(try await Self.movements(app, w.id) == 0)

            // The organisation reads and accepts it, confirmed; once. Its dashboard says so first.
            #expect(
                try await w.representative.browser.get(SiteURL.account.path).visibleText.contains(
                    "Acte attributif à accepter"))
            let space = try await w.representative.browser.get(SiteURL.dossier(w.id).path)
            #expect(space.visibleText.contains("Votre subvention"))
            #expect(space.visibleText.contains("J'accepte cet acte au nom de l'organisme"))
            #expect(try await w.representative.browser.get(SiteURL.grantAct(w.id).path).status == .ok)
            let unconfirmed = try await w.representative.browser.post(SiteURL.grantActAcceptance(w.id).path, [:])
            #expect(unconfirmed.headers.first(name: "X-Guichet-Error") == "invalid_form")
            #expect(try await GrantActModel.find(act.requireID(), on: app.db)?.signedAt == nil)
            let accepted = try await w.representative.browser.post(
                SiteURL.grantActAcceptance(w.id).path, ["confirmer": "oui"])
            #expect(accepted.headers.first(name: "X-Guichet-Error") == nil)
            #expect(try await DossierModel.find(w.id, on: app.db)?.status == DossierStatus.agreementSigned.rawValue)
            #expect(
                try await w.representative.browser.get(SiteURL.account.path).visibleText.contains(
                    "Compte rendu financier à remettre avant le"))
            let again = try await w.representative.browser.post(
                SiteURL.grantActAcceptance(w.id).path, ["confirmer": "oui"])
            #expect(again.headers.first(name: "X-Guichet-Error") == "grant_act_signed")
            let regenerated = try await w.instructor.post(SiteURL.staffGrantActGeneration(w.id).path, [:])
            #expect(regenerated.headers.first(name: "X-Guichet-Error") == "grant_act_signed")
            let signs = try await AuditEntryModel.query(on: app.db).filter(\.$entityID == w.id)
                .filter(\.$action == "sign_agreement").count()
            #expect(signs == 1)

            // Payments: never above what is left, never the same mandate twice.
            let ledgerBefore = try await Self.remaining(app, w.dossier)
            let above = try await w.instructor.post(
                SiteURL.staffGrantPayments(w.id).path,
                [
                    "day": ParisTime.isoDay(Date()), "amount": granted.adding(Money(cents: 1)).decimalString,
                    "reference": "MDT-1",
                ])
            #expect(above.headers.first(name: "X-Guichet-Error") == "payment_above_remaining")
            #expect(try await Self.movements(app, w.id) == 0)
            let advance = try granted.share(60, of: 100)
            let paid = try await w.instructor.post(
                SiteURL.staffGrantPayments(w.id).path,
                ["day": ParisTime.isoDay(Date()), "amount": advance.decimalString, "reference": "MDT-2021 0042"])
            #expect(paid.headers.first(name: "X-Guichet-Error") == nil)
            #expect(try await DossierModel.find(w.id, on: app.db)?.status == DossierStatus.paid.rawValue)
            let twice = try await w.instructor.post(
                SiteURL.staffGrantPayments(w.id).path,
                ["day": ParisTime.isoDay(Date()), "amount": "1", "reference": "mdt-2021  0042"])
            #expect(twice.headers.first(name: "X-Guichet-Error") == "payment_reference_taken")
            let future = try await w.instructor.post(
                SiteURL.staffGrantPayments(w.id).path,
                ["day": ParisTime.isoDay(Date().addingTimeInterval(3 * 86_400)), "amount": "1", "reference": "MDT-9"])
            #expect(future.headers.first(name: "X-Guichet-Error") == "invalid_form")
            #expect(try await Self.movements(app, w.id) == 1)
            // What the page keeps of a refused form: the amount typed.
            #expect(try await w.instructor.get(page).body.string.contains("value=\"1\""))

            // A recovery: never above what was paid; it returns to the envelope's room.
            let tooMuch = try await w.instructor.post(
                SiteURL.staffGrantRecoveries(w.id).path,
                [
                    "day": ParisTime.isoDay(Date()), "amount": advance.adding(Money(cents: 1)).decimalString,
                    "reference": "TR-1",
                ])
            #expect(tooMuch.headers.first(name: "X-Guichet-Error") == "recovery_above_paid")
            let recovered = try await w.instructor.post(
                SiteURL.staffGrantRecoveries(w.id).path,
                ["day": ParisTime.isoDay(Date()), "amount": "1 000", "reference": "TR-1"])
            #expect(recovered.headers.first(name: "X-Guichet-Error") == nil)
            #expect(try await Self.movements(app, w.id) == 2)
            let ledgerAfter = try await Self.remaining(app, w.dossier)
            #expect(ledgerAfter == (try ledgerBefore.adding(Money(cents: 100_000))))
            let shown = try await w.instructor.get(page).visibleText
            #expect(shown.contains("Versé : \(advance.formatted())"))
            #expect(shown.contains("Reversé : 1 000 €"))
            // The staff API says the same, for the dossier's territory only.
            let api = try await w.instructor.get(SiteURL.apiDossierGrant(w.id).path)
            #expect(api.status == .ok)
            let json = try JSONDecoder().decode(APIGrant.self, from: Data(api.body.readableBytesView))
            #expect(json.paidCents == advance.cents)
            #expect(json.recoveredCents == 100_000)
            #expect(json.movements.map(\.kind) == ["payment", "recovery"])
            #expect(json.signedHow == "accepted")
            let nordAPI = try await Factory.staff(app, "ddets59@exemple.fr", scopes: ["departement:59"])
            #expect(try await nordAPI.get(SiteURL.apiDossierGrant(w.id).path).status == .notFound)
            // Each step is an event for the webhooks, read off the audit log.
            let actions = try await AuditEntryModel.query(on: app.db).filter(\.$entityID == w.id).all()
            let events = Set(
                actions.compactMap { model in
                    WebhookEvent.type(
                        of: AuditEntry(
                            at: model.at, actor: Agent(id: nil, name: "", role: .system), action: model.action,
                            entityType: model.entityType, entityID: model.entityID, from: model.fromState,
                            to: model.toState, reason: nil))
                })
            #expect(
                events.isSuperset(of: [
                    "grant.act_generated", "dossier.agreement_signed", "grant.payment_recorded",
                    "dossier.paid", "grant.recovery_recorded",
                ]))
            let space2 = try await w.representative.browser.get(SiteURL.dossier(w.id).path).visibleText
            #expect(space2.contains("Versé : \(advance.formatted())"))
            #expect(space2.contains("TR-1"))
        }
    }

    /// The answers of a complete report (the standard Cerfa n° 15059 form) stating `spent`.
    static func report(spent: String) -> [String: String] {
        [
            "realisation": "Une camionnette a desservi douze villages chaque semaine.", "beneficiaires": "320",
            "lieux": "Laonnois", "debut": "2021-05-01", "fin": "2022-04-30", "objectifs_atteints": "oui",
            "charges_prevues": "120 000", "charges_realisees": "110 000", "produits_prevus": "120 000",
            "produits_realises": "110 000", "subvention_employee": spent,
            "ecarts": "Moins de carburant que prévu.", "attestation": "certifie",
        ]
    }

    @Test func aReportFiledOnceCorrectedThenValidatedSettlesTheGrant() async throws {
        try await withGuichet { app in
            let w = try await Self.world(app)
            let instructorUser = try await Factory.user(app, "ddets02@exemple.fr")
            let grants = GrantService(database: app.db, now: Date())
            let act = try await grants.generateAct(w.dossier, by: instructorUser)
            let granted = try Money(cents: act.amountCents)
            // Before the act is signed, no report.
            #expect(try await w.representative.browser.get(SiteURL.grantReport(w.id).path).status == .notFound)
            try await grants.accept(w.dossier, by: w.representative.user, confirmed: true)
            let advance = try granted.share(60, of: 100)
            let signed = try #require(try await DossierModel.find(w.id, on: app.db))
            try await grants.record(
                .payment, on: signed, day: Date(), amount: advance, reference: "MDT-1", by: instructorUser)

            let form = try await w.representative.browser.get(SiteURL.grantReport(w.id).path)
            #expect(form.status == .ok)
            #expect(form.visibleText.contains("Montant de la subvention employé pour l'action"))
            // Filing an incomplete report names what is missing and files nothing.
            let incomplete = try await w.representative.browser.post(
                SiteURL.grantReport(w.id).path, ["next": "file", "realisation": "En cours."])
            #expect(incomplete.status == .unprocessableEntity)
            #expect(incomplete.visibleText.contains("Total des charges réalisées"))
            #expect(
                try await GrantReportModel.query(on: app.db).filter(\.$dossierID == w.id).filter(\.$filedAt != nil)
                    .count() == 0)
            // More spent than granted is refused at its field.
            var answers = Self.report(spent: try granted.adding(Money(cents: 100)).decimalString)
            answers["charges_realisees"] = try granted.adding(Money(cents: 100_000)).decimalString
            answers["next"] = "file"
            let above = try await w.representative.browser.post(SiteURL.grantReport(w.id).path, answers)
            #expect(above.status == .unprocessableEntity)
            #expect(above.visibleText.contains("dépasse la subvention accordée"))
            // Spent: the advance less 2 000 €.
            let spent = advance.remaining(after: try Money(euros: 2_000))
            answers = Self.report(spent: spent.decimalString)
            answers["next"] = "file"
            let filed = try await w.representative.browser.post(SiteURL.grantReport(w.id).path, answers)
            #expect(filed.status == .seeOther)
            #expect(try await DossierModel.find(w.id, on: app.db)?.status == DossierStatus.reported.rawValue)
            let twice = try await w.representative.browser.post(SiteURL.grantReport(w.id).path, answers)
            #expect(twice.headers.first(name: "X-Guichet-Error") == "grant_report_filed")

            // The instructor reads it, asks for a correction; the organisation is mailed.
            let review = try await w.instructor.get(SiteURL.staffGrantReport(w.id).path)
            #expect(review.status == .ok)
            #expect(review.visibleText.contains("À reverser : 2 000 €"))
            let mails = try await OutboxMessageModel.query(on: app.db).count()
            let members = try await OrganisationMemberModel.query(on: app.db)
                .filter(\.$organisation.$id == w.dossier.$organisation.id).count()
            let correction = try await w.instructor.post(
                SiteURL.staffGrantReportCorrection(w.id).path,
                [
                    "message": "Joignez le détail des charges de carburant.",
                    "due_on": ParisTime.isoDay(Date().addingTimeInterval(10 * 86_400)),
                ])
            #expect(correction.headers.first(name: "X-Guichet-Error") == nil)
            #expect(try await OutboxMessageModel.query(on: app.db).count() == mails + members)
            let again = try await w.representative.browser.get(SiteURL.grantReport(w.id).path)
            #expect(again.visibleText.contains("Joignez le détail des charges de carburant."))
            answers["ecarts"] = "Moins de carburant que prévu : 2 000 € de moins, détail joint au message."
            #expect(
                try await w.representative.browser.post(SiteURL.grantReport(w.id).path, answers).status == .seeOther)

            // Validated, confirmed: the balance is capped by what was spent, the rest claimed back.
            try await w.instructor.get(SiteURL.staffGrantReport(w.id).path)
            let unconfirmed = try await w.instructor.post(SiteURL.staffGrantReportValidation(w.id).path, [:])
            #expect(unconfirmed.headers.first(name: "X-Guichet-Error") == "invalid_form")
            let validated = try await w.instructor.post(
                SiteURL.staffGrantReportValidation(w.id).path, ["confirmer": "oui"])
            #expect(validated.headers.first(name: "X-Guichet-Error") == nil)
            #expect(
                try await GrantReportModel.query(on: app.db).filter(\.$dossierID == w.id).first()?.status
                    == FinancialReport.Status.validated.rawValue)
            try await w.instructor.get(SiteURL.staffDossier(w.id).path)
            let balance = try await w.instructor.post(
                SiteURL.staffGrantPayments(w.id).path,
                ["day": ParisTime.isoDay(Date()), "amount": "1", "reference": "MDT-SOLDE"])
            #expect(balance.headers.first(name: "X-Guichet-Error") == "payment_above_remaining")
            let claimed = try await w.instructor.post(
                SiteURL.staffGrantRecoveries(w.id).path,
                ["day": ParisTime.isoDay(Date()), "amount": "2 000", "reference": "TR-2022-7"])
            #expect(claimed.headers.first(name: "X-Guichet-Error") == nil)
            // Filing the report is announced as such, never as a dossier filed again.
            let filedEvents = try await AuditEntryModel.query(on: app.db).filter(\.$entityID == w.id)
                .filter(\.$action == "file_report").all().map { model in
                    WebhookEvent.type(
                        of: AuditEntry(
                            at: model.at, actor: Agent(id: nil, name: "", role: .system), action: model.action,
                            entityType: model.entityType, entityID: model.entityID, from: model.fromState,
                            to: model.toState, reason: nil))
                }
            #expect(filedEvents == ["grant.report_filed", "grant.report_filed"])
            let history = try await w.instructor.get(SiteURL.staffDossier(w.id).path).visibleText
            #expect(history.contains("Compte rendu validé"))
            #expect(history.contains("Reversé : 2 000 €"))
        }
    }

    @Test func remindersLeaveBeforeAndAfterTheDueDayOnceEach() async throws {
        try await withGuichet { app in
            let w = try await Self.world(app)
            let instructorUser = try await Factory.user(app, "ddets02@exemple.fr")
            let grants = GrantService(database: app.db, now: Date())
            let act = try await grants.generateAct(w.dossier, by: instructorUser)
            try await grants.accept(w.dossier, by: w.representative.user, confirmed: true)
            let configuration = app.guichetConfiguration
            func reminders(at day: Date) async throws -> Int {
                try await GrantReportService(database: app.db, configuration: configuration, now: day).sendReminders()
            }
            let due = act.reportDueOn
            #expect(try await reminders(at: due.addingTimeInterval(-60 * 86_400)) == 0)
            #expect(try await reminders(at: due.addingTimeInterval(-10 * 86_400)) == 1)
            #expect(try await reminders(at: due.addingTimeInterval(-5 * 86_400)) == 0)
            #expect(try await reminders(at: due.addingTimeInterval(2 * 86_400)) == 1)
            #expect(try await reminders(at: due.addingTimeInterval(3 * 86_400)) == 0)
            // One of each to every representative of the organisation (the demo's and this one).
            let sent = try await OutboxMessageModel.query(on: app.db).filter(
                \.$kind ~~ ["report_reminder", "report_late"]
            )
            .filter(\.$toAddress == w.representative.user.email).all().map(\.kind).sorted()
            #expect(sent == ["report_late", "report_reminder"])
        }
    }

    @Test func theFollowUpListsWhatEachGrantWaitsForInThePersonsTerritory() async throws {
        try await withGuichet { app in
            let w = try await Self.world(app)
            let instructorUser = try await Factory.user(app, "ddets02@exemple.fr")
            let grants = GrantService(database: app.db, now: Date())
            let number = try #require(w.dossier.number)
            func listed(_ task: String) async throws -> String {
                try await w.instructor.get(SiteURL.grantFollowUpCSV.path + "?a_faire=" + task).body.string
            }
            // Every laureate of the Aisne is listed; none of the Nord.
            let aisne = try await DossierModel.query(on: app.db).filter(\.$instructorGroup == "departement:02")
                .filter(\.$status ~~ DossierStatus.laureate.map(\.rawValue)).count()
            let all = try await w.instructor.get(SiteURL.grantFollowUp.path)
            #expect(all.status == .ok)
            #expect(all.visibleText.contains("sur \(aisne)"))
            #expect(try await listed("a-etablir").contains(number))
            // Its act signed, its advance due: it leaves "à établir" for "versement dû".
            let terms = GrantTerms(advancePercent: 60)
            let call = try #require(try await CallModel.find(w.dossier.$call.id, on: app.db))
            call.grantTerms = String(decoding: try JSONEncoder().encode(terms), as: UTF8.self)
            try await call.save(on: app.db)
            try await grants.generateAct(w.dossier, by: instructorUser)
            try await grants.accept(w.dossier, by: w.representative.user, confirmed: true)
            let due = try await w.instructor.get(SiteURL.grantFollowUp.path + "?a_faire=versement-du")
            #expect(due.visibleText.contains(number))
            let act = try #require(try await GrantActModel.query(on: app.db).filter(\.$dossierID == w.id).first())
            let advance = try Money(cents: act.amountCents).share(60, of: 100)
            #expect(due.visibleText.contains(advance.formatted()))
            #expect(try await !listed("a-etablir").contains(number))
            // Paid: nothing is due until the report is validated (the balance waits for it).
            let signed = try #require(try await DossierModel.find(w.id, on: app.db))
            try await grants.record(
                .payment, on: signed, day: Date(), amount: advance, reference: "MDT-1", by: instructorUser)
            #expect(try await !listed("versement-du").contains(number))
            // Late once the due day has passed.
            #expect(try await !listed("compte-rendu-en-retard").contains(number))
            act.reportDueOn = Date().addingTimeInterval(-86_400)
            try await act.save(on: app.db)
            let late = try await listed("compte-rendu-en-retard")
            let line = try #require(late.split(separator: "\r\n").first { $0.contains(number) })
            #expect(line.contains("compte rendu en retard"))
            // Another territory sees none of the Aisne's grants.
            let nord = try await Factory.staff(app, "ddets59@exemple.fr", scopes: ["departement:59"])
            let theirs = try await nord.get(SiteURL.grantFollowUpCSV.path).body.string
            #expect(!theirs.contains(number))
            #expect(!theirs.contains("Aisne"))
        }
    }

    /// What remains on the laureate's envelope, as the committee's checks read it.
    static func remaining(_ app: Application, _ dossier: DossierModel) async throws -> Money {
        let call = try await CallRepository(database: app.db).load(id: dossier.$call.id)
        let ledger = try await ResultsService(database: app.db).ledger(call)
        let envelope = try ledger.envelope(for: dossier.domain().scope)
        return try #require(ledger.line(envelope.id)).remaining
    }

    @Test func anotherTerritoryALinkedPersonAndAnotherOrganisationAreRefused() async throws {
        try await withGuichet { app in
            let w = try await Self.world(app)
            let nord = try await Factory.staff(app, "ddets59@exemple.fr", scopes: ["departement:59"])
            for path in [SiteURL.staffGrantAct(w.id).path, SiteURL.staffDossier(w.id).path] {
                #expect(try await nord.get(path).status == .notFound)
            }
            try await nord.get(SiteURL.instruction.path)
            #expect(try await nord.post(SiteURL.staffGrantActGeneration(w.id).path, [:]).status == .notFound)
            #expect(try await GrantActModel.query(on: app.db).filter(\.$dossierID == w.id).count() == 0)
            // A person linked to the organisation: refused, the recusal recorded.
            let linked = try await Factory.staff(app, "lie02@exemple.fr", scopes: ["departement:02"])
            let organisation = try await w.dossier.$organisation.get(on: app.db)
            try await linked.get(SiteURL.staffLinks.path)
            try await linked.post(
                SiteURL.staffLinks.path,
                [
                    "siret": organisation.siret ?? "", "rna": organisation.siret == nil ? organisation.rna ?? "" : "",
                    "description": "Membre du bureau",
                ])
            try await linked.get(SiteURL.staffDossier(w.id).path)
            let refused = try await linked.post(SiteURL.staffGrantActGeneration(w.id).path, [:])
            #expect(refused.headers.first(name: "X-Guichet-Error") == "conflict_of_interest")
            #expect(try await GrantActModel.query(on: app.db).filter(\.$dossierID == w.id).count() == 0)
            #expect(
                try await AuditEntryModel.query(on: app.db).filter(\.$entityID == w.id).filter(\.$action == "recusal")
                    .count() == 1)
            // Another organisation's representative does not see the act, nor accept it.
            try await w.instructor.get(SiteURL.staffDossier(w.id).path)
            try await w.instructor.post(SiteURL.staffGrantActGeneration(w.id).path, [:])
            let stranger = try await Applicant.make(app, email: "autre-asso@exemple.fr")
            #expect(try await stranger.browser.get(SiteURL.grantAct(w.id).path).status == .notFound)
            try await stranger.browser.get(SiteURL.account.path)
            let accept = try await stranger.browser.post(SiteURL.grantActAcceptance(w.id).path, ["confirmer": "oui"])
            #expect(accept.status == .notFound)
            #expect(
                try await GrantActModel.query(on: app.db).filter(\.$dossierID == w.id).filter(\.$signedAt != nil)
                    .count() == 0)
        }
    }
}
