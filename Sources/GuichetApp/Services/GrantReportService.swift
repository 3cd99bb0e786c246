import Fluent
import Foundation
import GuichetDomain
import SQLKit

/// The financial report (*compte rendu financier*, Cerfa n° 15059) of a signed grant: written by
/// the organisation as a form of the call, filed once, validated by the instructor or sent back
/// for corrections (the dossier's correction flow), reminded by mail before and after its due day.
///
/// The organisation's steps come through ``Membership``; the instructor's through
/// ``StaffDirectory/filedDossier(_:for:)`` and refuse a linked person here, as every instruction
/// step does.
struct GrantReportService {
    let database: any Database
    let configuration: AppConfiguration
    let now: Date

    /// A report's answers after a save: what was refused, by field, and what was typed.
    struct SaveOutcome {
        var errors: [String: String] = [:]
        var raw: [String: [String]] = [:]
        var filed = false
    }

    /// How long before the due day the first reminder leaves.
    static let reminderLead: TimeInterval = 30 * 86_400

    /// The report of a dossier's grant, once started.
    func report(of dossierID: UUID) async throws -> GrantReportModel? {
        try await GrantReportModel.query(on: database).filter(\.$dossierID == dossierID).first()
    }

    /// The form a report answers: its own once started (frozen), else the call's in force.
    func form(_ report: GrantReportModel?, act: GrantActModel) async throws -> FormDefinition {
        if let report { return try report.definition() }
        guard let call = try await CallModel.find(act.callID, on: database) else { return FinancialReport.standardForm }
        return GrantService.terms(of: call).report
    }

    /// Saves the organisation's answers (those posted and valid), and files the report when
    /// `file` and everything holds: required answers, the form's rules, the amount spent within
    /// the grant. The dossier then moves to "bilan remis".
    func save(
        _ dossier: DossierModel, posted: [String: [String]], file: Bool, by user: UserModel
    ) async throws -> SaveOutcome {
        let dossierID = try dossier.requireID()
        guard let grant = try await GrantService(database: database, now: now).grant(of: dossierID) else {
            throw DomainError.grantStep(.actMissing)
        }
        guard grant.isSigned else { throw DomainError.grantStep(.actUnsigned) }
        let existing = try await report(of: dossierID)
        if let existing, !existing.reportStatus.isEditable { throw DomainError.grantStep(.reportFiled) }
        let form = try await form(existing, act: grant.act)
        let submission = form.parse(posted)
        var outcome = SaveOutcome(errors: submission.errors, raw: submission.raw)
        var answers = try existing?.values() ?? [:]
        for field in form.fields where posted[field.key] != nil && outcome.errors[field.key] == nil {
            answers[field.key] = submission.values[field.key]
        }
        outcome.errors.merge(
            form.ruleProblems(answers, skipping: outcome.errors, touching: Set(posted.keys))
        ) { first, _ in first }
        let granted = try Money(cents: grant.act.amountCents)
        let spent = FinancialReport.spent(answers, form: form)
        if let spent, spent > granted, let key = form.fields.first(where: { $0.role == .amountSpent })?.key {
            outcome.errors[key] =
                "Le montant employé (\(spent.formatted())) dépasse la subvention accordée (\(granted.formatted()))."
        }
        if file { outcome.errors.merge(form.validateForFiling(answers)) { first, _ in first } }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let report = existing ?? GrantReportModel()
        if existing == nil {
            report.actID = try grant.act.requireID()
            report.dossierID = dossierID
            report.callID = grant.act.callID
            report.form = String(decoding: try encoder.encode(form), as: UTF8.self)
            report.status = FinancialReport.Status.draft.rawValue
            report.simulated = false
        }
        report.answers = String(decoding: try encoder.encode(answers), as: UTF8.self)
        let filing = file && outcome.errors.isEmpty
        let agent = GrantService.agent(user)
        let now = now
        try await database.transaction { db in
            if filing {
                report.status = FinancialReport.Status.filed.rawValue
                report.filedAt = now
                report.spentCents = spent?.cents
                let status = try await DossierModel.find(dossierID, on: db).flatMap {
                    DossierStatus(rawValue: $0.status)
                }
                if let status, DossierLifecycle.statuses(from: .recordReport).contains(status) {
                    try await DossierService(database: db).apply(.recordReport, to: dossierID, by: agent, now: now)
                }
                try await AuditEntryModel(
                    AuditEntry(
                        at: now, actor: agent, action: "file_report", entityType: "dossier", entityID: dossierID,
                        from: nil, to: FinancialReport.Status.filed.rawValue,
                        reason: "Compte rendu financier remis : subvention employée \(spent?.formatted() ?? "—")")
                ).create(on: db)
            }
            try await report.save(on: db)
        }
        outcome.filed = filing
        return outcome
    }

    /// The instructor sends the report back with what to correct, by a day.
    func requestCorrection(_ dossier: DossierModel, message: String, dueOn: Date, by user: UserModel) async throws {
        try await StaffDirectory(database: database).checkNotConflicted(
            user, on: dossier, action: "demander une correction du compte rendu financier", now: now)
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw DomainError.invalidForm(errors: ["message": "Dites ce qu'il faut corriger dans le compte rendu."])
        }
        try InstructionRules.checkCorrectionDue(dueOn, now: now)
        let dossierID = try dossier.requireID()
        guard let report = try await report(of: dossierID), report.reportStatus == .filed else {
            throw DomainError.grantStep(.reportNotFiled)
        }
        let agent = GrantService.agent(user)
        let now = now
        let configuration = configuration
        try await database.transaction { db in
            report.status = FinancialReport.Status.correctionRequested.rawValue
            report.correctionMessage = text
            report.correctionDueOn = dueOn
            try await report.save(on: db)
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: agent, action: "report_correction", entityType: "dossier", entityID: dossierID,
                    from: FinancialReport.Status.filed.rawValue, to: report.status, reason: text)
            ).create(on: db)
            try await InstructionService(database: db, configuration: configuration, now: now).notifyMembers(
                of: dossier, subject: "Compte rendu financier à corriger — dossier \(dossier.number ?? "")",
                body: """
                    Bonjour,

                    L'instruction a examiné le compte rendu financier de votre projet « \(dossier.title) » (\(dossier.number ?? "")) et demande une correction :

                    \(text)

                    À faire avant le \(ParisTime.longDate(dueOn)) : \(configuration.publicURL)\(SiteURL.grantReport(dossierID).path)
                    """, kind: "report_correction")
        }
    }

    /// The instructor validates the report: what it settles (to claim back, still to pay) is
    /// returned and written in the history; the balance released by the validation may be paid.
    @discardableResult
    func validate(_ dossier: DossierModel, by user: UserModel) async throws -> FinancialReport.Settlement {
        try await StaffDirectory(database: database).checkNotConflicted(
            user, on: dossier, action: "valider le compte rendu financier", now: now)
        let dossierID = try dossier.requireID()
        guard let report = try await report(of: dossierID), report.reportStatus == .filed,
            let grant = try await GrantService(database: database, now: now).grant(of: dossierID)
        else { throw DomainError.grantStep(.reportNotFiled) }
        let settlement = FinancialReport.Settlement(
            account: grant.account, spent: try Money(cents: report.spentCents ?? grant.act.amountCents))
        let agent = GrantService.agent(user)
        let now = now
        try await database.transaction { db in
            // Validated once, whoever comes first.
            let changed = try await db.sql().update(GrantReportModel.schema)
                .set("status", to: FinancialReport.Status.validated.rawValue).set("validated_at", to: now)
                .set("validated_by", to: user.displayName)
                .where("id", .equal, report.requireID()).where("status", .equal, FinancialReport.Status.filed.rawValue)
                .returning("id").all()
            guard !changed.isEmpty else { throw DomainError.grantStep(.reportNotFiled) }
            try await AuditEntryModel(
                AuditEntry(
                    at: now, actor: agent, action: "validate_report", entityType: "dossier", entityID: dossierID,
                    from: FinancialReport.Status.filed.rawValue, to: FinancialReport.Status.validated.rawValue,
                    reason:
                        "Subvention employée \(settlement.spent.formatted()) ; à reverser \(settlement.toRecover.formatted()) ; reste à verser \(settlement.leftToPay.formatted())"
                )
            ).create(on: db)
        }
        return settlement
    }

    /// Mails the organisations whose report is due within ``reminderLead`` and not filed, and
    /// those whose report is late, once each (claimed by a conditional update, safe on several
    /// instances). - Returns: how many reminders were queued.
    @discardableResult
    func sendReminders() async throws -> Int {
        var sent = 0
        for late in [false, true] {
            let column = late ? "reminded_after_at" : "reminded_before_at"
            var query = GrantActModel.query(on: database).filter(\.$signedAt != nil)
                .filter(\.$simulated == false)
            query =
                late
                ? query.filter(\.$remindedAfterAt == nil).filter(\.$reportDueOn < now)
                : query.filter(\.$remindedBeforeAt == nil).filter(
                    \.$reportDueOn <= now.addingTimeInterval(Self.reminderLead)
                )
                .filter(\.$reportDueOn >= now)
            for act in try await query.limit(200).all() {
                guard let actID = act.id else { continue }
                let filed = try await GrantReportModel.query(on: database).filter(\.$actID == actID)
                    .filter(
                        \.$status ~~ [FinancialReport.Status.filed.rawValue, FinancialReport.Status.validated.rawValue]
                    )
                    .count()
                guard filed == 0, let dossier = try await DossierModel.find(act.dossierID, on: database) else {
                    continue
                }
                let configuration = configuration
                let now = now
                let claimed = try await database.transaction { db -> Bool in
                    let rows = try await db.sql().update(GrantActModel.schema).set(column, to: SQLBind(now))
                        .where("id", .equal, SQLBind(actID)).where(SQLIdentifier(column), .is, SQLLiteral.null)
                        .returning("id").all()
                    guard rows.count == 1 else { return false }
                    let due = ParisTime.longDate(act.reportDueOn)
                    let link = "\(configuration.publicURL)\(SiteURL.grantReport(act.dossierID).path)"
                    try await InstructionService(database: db, configuration: configuration, now: now).notifyMembers(
                        of: dossier,
                        subject: late
                            ? "Compte rendu financier en retard — dossier \(dossier.number ?? "")"
                            : "Rappel : compte rendu financier à remettre avant le \(due)",
                        body: late
                            ? """
                            Bonjour,

                            Le compte rendu financier de la subvention accordée à votre projet « \(dossier.title) » (\(dossier.number ?? "")) était à remettre au plus tard le \(due). Il n'a pas été reçu.

                            Sans compte rendu, la subvention peut être réclamée (article 10 de la loi n° 2000-321). Remettez-le dès que possible : \(link)
                            """
                            : """
                            Bonjour,

                            Le compte rendu financier (Cerfa n° 15059) de la subvention accordée à votre projet « \(dossier.title) » (\(dossier.number ?? "")) est à remettre au plus tard le \(due).

                            Le remplir en ligne : \(link)
                            """, kind: late ? "report_late" : "report_reminder")
                    return true
                }
                if claimed { sent += 1 }
            }
        }
        return sent
    }
}
