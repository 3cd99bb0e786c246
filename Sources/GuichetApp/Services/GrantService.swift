import Fluent
import Foundation
import GuichetDomain
import SQLKit

/// After the decision: a retained dossier's grant act, its signature, and the payments and
/// recoveries recorded against it (issue 18).
///
/// Who may act is checked as for the instruction: staff reach the dossier only through
/// ``StaffDirectory/filedDossier(_:for:)`` (their territory), and every staff step here refuses a
/// person with a declared link to the organisation, recording the recusal; the organisation's
/// representatives reach it only through ``Membership``. Each step is one transaction with its
/// audit entry; payments and recoveries run under ``SerializedWrite`` so that two people
/// recording at once cannot together pay more than granted (the unique reference per act is
/// held by the database too).
struct GrantService {
    let database: any Database
    let now: Date

    /// A dossier's grant: its act, schedule and movements, with the account they make.
    struct Grant {
        let act: GrantActModel
        let instalments: [GrantInstalmentModel]
        let movements: [GrantMovementModel]
        let account: GrantAccount

        var isSigned: Bool { act.signedAt != nil }
        var payments: [GrantMovementModel] { movements.filter { $0.movementKind == .payment } }
        var recoveries: [GrantMovementModel] { movements.filter { $0.movementKind == .recovery } }
    }

    /// A call's grant terms: its own, or the law's defaults.
    static func terms(of call: CallModel) -> GrantTerms {
        call.grantTerms.flatMap { try? JSONDecoder().decode(GrantTerms.self, from: Data($0.utf8)) } ?? .statutory
    }

    /// The grant of a dossier, once its act is generated.
    func grant(of dossierID: UUID, on db: (any Database)? = nil) async throws -> Grant? {
        let db = db ?? database
        guard let act = try await GrantActModel.query(on: db).filter(\.$dossierID == dossierID).first() else {
            return nil
        }
        let actID = try act.requireID()
        let instalments = try await GrantInstalmentModel.query(on: db).filter(\.$actID == actID)
            .sort(\.$position).all()
        let movements = try await GrantMovementModel.query(on: db).filter(\.$actID == actID)
            .sort(\.$day).sort(\.$recordedAt).all()
        return Grant(
            act: act, instalments: instalments, movements: movements,
            account: try Self.account(granted: Money(cents: act.amountCents), movements))
    }

    /// The account the stored movements make: payments first, then recoveries (each was checked
    /// against the account when recorded; a recovery dated before a payment of the same day still
    /// reads back).
    private static func account(granted: Money, _ movements: [GrantMovementModel]) throws -> GrantAccount {
        var payments: [GrantPayment] = []
        var recoveries: [GrantRecovery] = []
        for movement in movements {
            let amount = try Money(cents: movement.amountCents)
            switch movement.movementKind {
            case .payment:
                payments.append(GrantPayment(day: movement.day, amount: amount, reference: movement.reference))
            case .recovery:
                recoveries.append(GrantRecovery(day: movement.day, amount: amount, reference: movement.reference))
            }
        }
        return try GrantAccount(granted: granted, payments: payments, recoveries: recoveries)
    }

    /// What each of these dossiers' organisations has to do on its grant, in its words: accept
    /// the act, file the financial report (or say it is late), correct it. Two queries whatever
    /// the number of dossiers; the applicant's dashboard shows it beside each dossier.
    static func organisationTasks(_ dossierIDs: [UUID], now: Date, on db: any Database) async throws -> [UUID: String] {
        guard !dossierIDs.isEmpty else { return [:] }
        let acts = try await GrantActModel.query(on: db).filter(\.$dossierID ~~ dossierIDs).all()
        guard !acts.isEmpty else { return [:] }
        let reports = try await GrantReportModel.query(on: db).filter(\.$dossierID ~~ acts.map(\.dossierID)).all()
        let reportByDossier = Dictionary(reports.map { ($0.dossierID, $0) }, uniquingKeysWith: { a, _ in a })
        var tasks: [UUID: String] = [:]
        for act in acts {
            guard act.signedAt != nil else {
                tasks[act.dossierID] = "Acte attributif à accepter"
                continue
            }
            let report = reportByDossier[act.dossierID]
            switch report?.reportStatus {
            case .correctionRequested?:
                tasks[act.dossierID] = "Compte rendu financier à corriger"
            case nil, .draft?:
                tasks[act.dossierID] =
                    act.reportDueOn < now
                    ? "Compte rendu financier en retard (dû le \(ParisTime.longDate(act.reportDueOn)))"
                    : "Compte rendu financier à remettre avant le \(ParisTime.longDate(act.reportDueOn))"
            default: break
            }
        }
        return tasks
    }

    static func agent(_ user: UserModel) -> Agent {
        Agent(id: user.id, name: user.displayName, role: Role(rawValue: user.role) ?? .applicant)
    }

    // MARK: - The act

    /// Generates the act of a retained dossier from its latest decision and its call's terms:
    /// the kind by amount, the schedule, the report's due day, the document. An act not yet
    /// signed is generated again (after a revised decision, or revised terms); a signed one never.
    @discardableResult
    func generateAct(_ dossier: DossierModel, by user: UserModel) async throws -> GrantActModel {
        try await StaffDirectory(database: database).checkNotConflicted(
            user, on: dossier, action: "établir l'acte attributif de ce dossier", now: now)
        let dossierID = try dossier.requireID()
        guard DossierStatus(rawValue: dossier.status) == .retained else {
            if let existing = try await grant(of: dossierID), existing.isSigned {
                throw DomainError.grantStep(.actSigned)
            }
            throw DomainError.grantStep(.notRetained)
        }
        let latest = try await DecisionModel.query(on: database).filter(\.$dossier.$id == dossierID)
            .join(WaveModel.self, on: \DecisionModel.$wave.$id == \WaveModel.$id)
            .sort(WaveModel.self, \.$number, .descending).sort(\.$decidedAt, .descending).first()
        guard let latest, latest.outcome == DossierStatus.retained.rawValue, latest.grantedCents > 0 else {
            throw DomainError.grantStep(.notRetained)
        }
        let wave = try latest.joined(WaveModel.self).number
        let amount = try Money(cents: latest.grantedCents)
        let callModel = try await dossier.$call.get(on: database)
        let call = try await CallRepository(database: database).load(callModel)
        let scope = try dossier.domain().scope
        let envelope = try await ResultsService(database: database).ledger(call).envelope(for: scope)
        let organisation = try await dossier.$organisation.get(on: database)
        let terms = Self.terms(of: callModel)
        let schedule = try terms.schedule(granted: amount)
        let kind = terms.actRule.kind(for: amount)
        let number = dossier.number ?? UUIDText.lowercased(dossierID)
        let reportDue = terms.reportDue(actionStartingOn: now)
        let address = [
            organisation.address,
            [organisation.postcode, organisation.city].compactMap { $0 }
                .joined(separator: " "),
        ]
        .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        let document = terms.template.render(
            GrantActFacts(
                kind: kind, number: number, callTitle: callModel.title, grantorName: envelope.ownerName,
                grantorSiret: envelope.ownerSiret, beneficiary: organisation.name, siret: organisation.siret,
                rna: organisation.rna, address: address, object: dossier.title, amount: amount,
                durationMonths: terms.duration, schedule: schedule, reportDue: reportDue, decidedOn: latest.decidedAt,
                wave: wave))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let act = GrantActModel()
        act.dossierID = dossierID
        act.callID = try callModel.requireID()
        act.kind = kind.rawValue
        act.number = number
        act.amountCents = amount.cents
        act.drawCode = try EnvelopeCommitment.drawCode(of: scope)
        act.wave = wave
        act.document = String(decoding: try encoder.encode(document), as: UTF8.self)
        act.reportDueOn = reportDue
        act.generatedAt = now
        act.generatedBy = user.displayName
        act.simulated = dossier.simulated
        let agent = Self.agent(user)
        try await database.transaction { db in
            if let existing = try await GrantActModel.query(on: db).filter(\.$dossierID == dossierID).first() {
                guard existing.signedAt == nil else { throw DomainError.grantStep(.actSigned) }
                try await GrantInstalmentModel.query(on: db).filter(\.$actID == existing.requireID()).delete()
                try await existing.delete(on: db)
            }
            try await act.create(on: db)
            let actID = try act.requireID()
            for (index, instalment) in schedule.instalments.enumerated() {
                try await GrantInstalmentModel(actID: actID, position: index + 1, instalment: instalment).create(on: db)
            }
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: agent, action: "generate_grant_act", entityType: "dossier", entityID: dossierID,
                    from: nil, to: kind.rawValue,
                    reason:
                        "\(document.title) — \(amount.formatted()), compte rendu financier dû le \(ParisTime.longDate(reportDue))"
                )
            ).create(on: db)
        }
        return act
    }

    /// The organisation accepts the act in its space: the act is signed, the dossier's status
    /// follows (``DossierAction/signAgreement``).
    /// - Parameter confirmed: accepting commits the organisation, so it is confirmed.
    func accept(_ dossier: DossierModel, by user: UserModel, confirmed: Bool) async throws {
        let dossierID = try dossier.requireID()
        guard let grant = try await grant(of: dossierID) else { throw DomainError.grantStep(.actMissing) }
        guard !grant.isSigned else { throw DomainError.grantStep(.actSigned) }
        guard confirmed else {
            throw DomainError.invalidForm(errors: [
                "confirmer":
                    "Cochez « J'accepte cet acte au nom de l'organisme » : l'acceptation engage l'organisme à en respecter les conditions."
            ])
        }
        try await sign(grant.act, dossierID: dossierID, how: .accepted, by: user, file: nil)
    }

    /// The staff record the copy the organisation signed on paper: the file is kept, the act signed.
    func recordSignedCopy(
        _ dossier: DossierModel, fileName: String, data: Data, store: AttachmentStore, policy: AttachmentPolicy,
        by user: UserModel
    ) async throws {
        try await StaffDirectory(database: database).checkNotConflicted(
            user, on: dossier, action: "enregistrer l'acte signé de ce dossier", now: now)
        let dossierID = try dossier.requireID()
        guard let grant = try await grant(of: dossierID) else { throw DomainError.grantStep(.actMissing) }
        guard !grant.isSigned else { throw DomainError.grantStep(.actSigned) }
        guard !data.isEmpty else {
            throw DomainError.invalidForm(errors: ["fichier": "Joignez l'exemplaire signé de l'acte (PDF ou image)."])
        }
        let name = AttachmentPolicy.safeFileName(fileName)
        do { _ = try policy.check(name: name, data: data) } catch {
            throw DomainError.invalidForm(errors: ["fichier": error.message])
        }
        let sha256 = AttachmentStore.sha256(data)
        try await store.store(data, sha256: sha256)
        guard await store.scan(sha256: sha256) != .infected else {
            throw DomainError.invalidForm(errors: [
                "fichier":
                    "Le fichier « \(name) » contient un virus : il a été mis en quarantaine, l'acte n'est pas enregistré."
            ])
        }
        try await sign(grant.act, dossierID: dossierID, how: .uploaded, by: user, file: (name, sha256))
    }

    /// Signs an unsigned act and moves the dossier to "convention signée", in one transaction:
    /// the organisation's acceptance, the signed copy, and the demo's simulated history.
    func sign(
        _ act: GrantActModel, dossierID: UUID, how: GrantActModel.SignedHow, by user: UserModel,
        file: (name: String, sha256: String)?
    ) async throws {
        let actID = try act.requireID()
        let now = now
        try await database.transaction { db in
            // Signed once, whoever comes first: the update holds only on an unsigned act.
            let changed = try await db.sql().update(GrantActModel.schema)
                .set("signed_at", to: now).set("signed_how", to: how.rawValue).set("signed_by", to: user.displayName)
                .set("signed_file_sha256", to: file?.sha256).set("signed_file_name", to: file?.name)
                .where("id", .equal, actID).where("signed_at", .is, SQLLiteral.null)
                .returning("id").all()
            guard !changed.isEmpty else { throw DomainError.grantStep(.actSigned) }
            try await DossierService(database: db).apply(.signAgreement, to: dossierID, by: Self.agent(user), now: now)
        }
    }

    // MARK: - Payments and recoveries

    /// Records a payment or a recovery: never above what is left to pay (or what was paid and not
    /// claimed back), never the same reference twice on the act, only once the act is signed.
    /// The first payment moves the dossier to "versé".
    func record(
        _ kind: GrantMovementModel.Kind, on dossier: DossierModel, day: Date, amount: Money, reference: String,
        by user: UserModel
    ) async throws {
        try await StaffDirectory(database: database).checkNotConflicted(
            user, on: dossier,
            action: kind == .payment
                ? "enregistrer un versement sur ce dossier" : "enregistrer un reversement sur ce dossier",
            now: now)
        let dossierID = try dossier.requireID()
        let callID = dossier.$call.id
        let now = now
        // A movement is dated by its day in Paris, as the accounts date it, and recorded once made.
        let day = ParisTime.calendar.startOfDay(for: day)
        guard day <= now else {
            let noun = kind == .payment ? "versement" : "reversement"
            throw DomainError.invalidForm(errors: [
                "day": "Le \(noun) est enregistré une fois fait : sa date ne peut pas être à venir."
            ])
        }
        try await SerializedWrite.run(on: database, call: callID) { db in
            guard let grant = try await GrantService(database: db, now: now).grant(of: dossierID, on: db) else {
                throw DomainError.grantStep(.actMissing)
            }
            guard grant.isSigned else { throw DomainError.grantStep(.actUnsigned) }
            var account = grant.account
            // Once the financial report is validated, the grant is reduced to what was spent.
            if kind == .payment,
                let report = try await GrantReportModel.query(on: db).filter(\.$dossierID == dossierID)
                    .filter(\.$status == FinancialReport.Status.validated.rawValue).first(),
                let spent = report.spentCents.flatMap({ try? Money(cents: $0) })
            {
                let left = account.leftToPay(spent: spent)
                guard amount <= left else { throw DomainError.paymentAboveRemaining(amount: amount, remaining: left) }
            }
            switch kind {
            case .payment: try account.record(GrantPayment(day: day, amount: amount, reference: reference))
            case .recovery: try account.record(GrantRecovery(day: day, amount: amount, reference: reference))
            }
            let movement = GrantMovementModel()
            movement.actID = try grant.act.requireID()
            movement.dossierID = dossierID
            movement.callID = callID
            movement.kind = kind.rawValue
            movement.day = day
            movement.amountCents = amount.cents
            movement.reference = reference.trimmingCharacters(in: .whitespacesAndNewlines)
            movement.referenceKey = GrantPayment(day: day, amount: amount, reference: reference).referenceKey
            movement.recordedAt = now
            movement.recordedBy = user.displayName
            movement.simulated = false
            try await movement.create(on: db)
            let agent = Self.agent(user)
            if kind == .payment,
                try await DossierModel.find(dossierID, on: db)?.status == DossierStatus.agreementSigned.rawValue
            {
                try await DossierService(database: db).apply(.recordPayment, to: dossierID, by: agent, now: now)
            }
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: agent, action: kind == .payment ? "grant_payment" : "grant_recovery",
                    entityType: "dossier", entityID: dossierID, from: nil, to: String(amount.cents),
                    reason:
                        "\(kind == .payment ? "Versement" : "Reversement") de \(amount.formatted()) le \(ParisTime.longDate(day)), référence \(movement.reference)"
                )
            ).create(on: db)
        }
    }
}
