import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// The follow-up of grants (`/instruction/suivi`): the laureates a person's scopes cover, with
/// what each waits for — an act to establish or to sign, a payment due, a financial report late,
/// to examine or to correct — filtered by call, territory and what is to do, a page at a time,
/// and as CSV.
///
/// One statement selects, counts and pages in the database: what an instalment releases (the
/// act signed, its day come, the report validated), what was paid and the report's state are
/// read per grant by the statement itself, so the page costs the same at any number of grants.
struct GrantFollowUp {
    let database: any Database
    let now: Date

    /// What is to do on a grant; the filter's values.
    enum Task: String, CaseIterable {
        case toEstablish = "a-etablir"
        case toSign = "a-signer"
        case paymentDue = "versement-du"
        case reportLate = "compte-rendu-en-retard"
        case reportToExamine = "compte-rendu-a-examiner"
        case reportToCorrect = "compte-rendu-a-corriger"
        case settled = "solde"

        var label: String {
            switch self {
            case .toEstablish: "acte à établir"
            case .toSign: "acte à signer"
            case .paymentDue: "versement dû"
            case .reportLate: "compte rendu en retard"
            case .reportToExamine: "compte rendu à examiner"
            case .reportToCorrect: "compte rendu à corriger"
            case .settled: "soldé"
            }
        }

        /// The condition over the follow-up's derived table `f`.
        func condition(now: Date) -> SQLQueryString {
            switch self {
            case .toEstablish: "f.act_id IS NULL"
            case .toSign: "f.act_id IS NOT NULL AND f.signed_at IS NULL"
            case .paymentDue: "f.due_cents > 0"
            case .reportLate: "f.signed_at IS NOT NULL AND f.report_filed_at IS NULL AND f.report_due_on < \(bind: now)"
            case .reportToExamine: "f.report_status = 'filed'"
            case .reportToCorrect: "f.report_status = 'correction_requested'"
            case .settled: "f.report_status = 'validated' AND f.due_cents <= 0"
            }
        }
    }

    struct Filters: Content {
        var appel: String?
        var territoire: String?
        var a_faire: String?
        var page: Int?
    }

    /// One grant as the follow-up lists it.
    struct Row {
        let dossierID: UUID
        let number: String
        let title: String
        let organisation: String
        let call: String
        let group: String
        let granted: Int64
        let actKind: String?
        let signedAt: Date?
        let paid: Int64
        let recovered: Int64
        let due: Int64
        let reportDue: Date?
        let reportStatus: String?
        let reportFiledAt: Date?
        let simulated: Bool

        /// What is to do, in the page's words.
        func tasks(now: Date) -> [Task] {
            var tasks: [Task] = []
            if actKind == nil { tasks.append(.toEstablish) } else if signedAt == nil { tasks.append(.toSign) }
            if due > 0 { tasks.append(.paymentDue) }
            if signedAt != nil, reportFiledAt == nil, let reportDue, reportDue < now { tasks.append(.reportLate) }
            if reportStatus == FinancialReport.Status.filed.rawValue { tasks.append(.reportToExamine) }
            if reportStatus == FinancialReport.Status.correctionRequested.rawValue { tasks.append(.reportToCorrect) }
            if reportStatus == FinancialReport.Status.validated.rawValue, due <= 0 { tasks.append(.settled) }
            return tasks
        }
    }

    static let pageSize = 50

    /// The derived table: one row per laureate the groups cover, with its grant's figures.
    private func table(groups: Set<String>?, filters: Filters) -> SQLQueryString {
        let laureates = DossierStatus.allCases.filter(\.isLaureate).map(\.rawValue)
        var parts: [SQLQueryString] = ["d.status IN (\(binds: laureates))"]
        if let groups {
            parts.append(groups.isEmpty ? "1 = 0" : "d.instructor_group IN (\(binds: Array(groups).sorted()))")
        }
        if let call = filters.appel, !call.isEmpty { parts.append("c.reference = \(bind: call)") }
        if let territory = filters.territoire, !territory.isEmpty {
            parts.append("d.instructor_group = \(bind: territory)")
        }
        let payment = GrantMovementModel.Kind.payment.rawValue, recovery = GrantMovementModel.Kind.recovery.rawValue
        let validated = FinancialReport.Status.validated.rawValue
        return """
            SELECT d.id AS dossier_id, d.number AS number, d.title AS title, o.name AS organisation,
              c.reference AS call_reference, d.instructor_group AS instructor_group, d.simulated AS simulated,
              a.id AS act_id, a.kind AS act_kind, a.amount_cents AS act_cents, a.signed_at AS signed_at,
              a.report_due_on AS report_due_on, r.status AS report_status, r.filed_at AS report_filed_at,
              (SELECT x.granted_cents FROM \(ident: DecisionModel.schema) x JOIN \(ident: WaveModel.schema) w ON w.id = x.wave_id
                WHERE x.dossier_id = d.id ORDER BY w.number DESC LIMIT 1) AS granted_cents,
              CAST(COALESCE((SELECT SUM(m.amount_cents) FROM \(ident: GrantMovementModel.schema) m
                WHERE m.act_id = a.id AND m.kind = \(bind: payment)), 0) AS BIGINT) AS paid_cents,
              CAST(COALESCE((SELECT SUM(m.amount_cents) FROM \(ident: GrantMovementModel.schema) m
                WHERE m.act_id = a.id AND m.kind = \(bind: recovery)), 0) AS BIGINT) AS recovered_cents,
              CAST(CASE WHEN a.signed_at IS NULL THEN 0 ELSE
                (CASE WHEN r.status = \(bind: validated) AND r.spent_cents IS NOT NULL AND r.spent_cents < a.amount_cents
                  THEN r.spent_cents ELSE a.amount_cents END)
                - COALESCE((SELECT SUM(i.amount_cents) FROM \(ident: GrantInstalmentModel.schema) i
                    WHERE i.act_id = a.id AND NOT (i.condition = 'act_signed'
                      OR (i.condition = 'from' AND COALESCE(i.from_day <= \(bind: now), FALSE))
                      OR (i.condition = 'report_validated' AND COALESCE(r.status, '') = \(bind: validated)))), 0)
                - COALESCE((SELECT SUM(m.amount_cents) FROM \(ident: GrantMovementModel.schema) m
                    WHERE m.act_id = a.id AND m.kind = \(bind: payment)), 0)
              END AS BIGINT) AS due_cents
            FROM \(ident: DossierModel.schema) d
              JOIN \(ident: OrganisationModel.schema) o ON o.id = d.organisation_id
              JOIN \(ident: CallModel.schema) c ON c.id = d.call_id
              LEFT JOIN \(ident: GrantActModel.schema) a ON a.dossier_id = d.id
              LEFT JOIN \(ident: GrantReportModel.schema) r ON r.act_id = a.id
            WHERE \(parts.joined(separator: " AND "))
            """
    }

    /// What a person follows with these filters: the groups they see, and the selection over
    /// the derived table `f` (its rows, narrowed by the task asked for).
    private func selection(
        for user: UserModel, keeping: Keeping?, filters: Filters
    ) async throws -> (from: SQLQueryString, groups: Set<String>?) {
        let groups = StaffDirectory.visibleGroups(
            try await StaffDirectory(database: database, keeping: keeping).scopes(of: user.requireID()))
        let task = filters.a_faire.flatMap(Task.init(rawValue:))
        let condition: SQLQueryString = task.map { "WHERE " + $0.condition(now: now) } ?? ""
        return ("FROM (\(table(groups: groups, filters: filters))) f \(condition)", groups)
    }

    /// A page of the grants the user follows, and how many match.
    func page(
        for user: UserModel, keeping: Keeping?, filters: Filters
    ) async throws -> (rows: [Row], total: Int, groups: Set<String>?) {
        let (from, groups) = try await selection(for: user, keeping: keeping, filters: filters)
        let sql = try database.sql()
        let total = try await sql.raw("SELECT COUNT(*) AS n \(from)").first()?.decode(column: "n", as: Int.self) ?? 0
        let number = max(1, min(filters.page ?? 1, 100_000))
        let rows = try await sql.raw(
            """
            SELECT * \(from) ORDER BY f.number
            LIMIT \(unsafeRaw: String(Self.pageSize)) OFFSET \(unsafeRaw: String((number - 1) * Self.pageSize))
            """
        ).all()
        return (try rows.map(Self.row), total, groups)
    }

    /// Every grant the user follows with the filters, for the CSV.
    func all(for user: UserModel, keeping: Keeping?, filters: Filters) async throws -> [Row] {
        let (from, _) = try await selection(for: user, keeping: keeping, filters: filters)
        return try await database.sql().raw("SELECT * \(from) ORDER BY f.number").all().map(Self.row)
    }

    private static func row(_ row: any SQLRow) throws -> Row {
        let act = try row.decodeNil(column: "act_id") ? nil : try row.decode(column: "act_kind", as: String.self)
        return Row(
            dossierID: try row.decode(column: "dossier_id", as: UUID.self),
            number: try row.decodeIfPresent(column: "number", as: String.self) ?? "",
            title: try row.decode(column: "title", as: String.self),
            organisation: try row.decode(column: "organisation", as: String.self),
            call: try row.decode(column: "call_reference", as: String.self),
            group: try row.decodeIfPresent(column: "instructor_group", as: String.self) ?? "",
            granted: try row.decodeIfPresent(column: "act_cents", as: Int64.self)
                ?? row.decodeIfPresent(column: "granted_cents", as: Int64.self) ?? 0,
            actKind: act,
            signedAt: try row.decodeIfPresent(column: "signed_at", as: Date.self),
            paid: try row.decode(column: "paid_cents", as: Int64.self),
            recovered: try row.decode(column: "recovered_cents", as: Int64.self),
            due: try row.decode(column: "due_cents", as: Int64.self),
            reportDue: try row.decodeIfPresent(column: "report_due_on", as: Date.self),
            reportStatus: try row.decodeIfPresent(column: "report_status", as: String.self),
            reportFiledAt: try row.decodeIfPresent(column: "report_filed_at", as: Date.self),
            simulated: try row.decode(column: "simulated", as: Bool.self))
    }
}
