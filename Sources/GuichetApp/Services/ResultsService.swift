import Fluent
import Foundation
import GuichetDomain
import NIOConcurrencyHelpers
import SQLKit

/// A call's results and envelope ledger, computed from the database.
struct CallResults: Sendable {
    let call: LoadedCall
    let report: ResultsReport
    let ledger: EnvelopeLedger
}

/// Reads dossiers, decisions and envelopes and lets the domain compute the results.
struct ResultsService {
    let database: any Database

    /// The results of a call, from what the database counts and sums: the filed dossiers counted
    /// by theme and scope, only the dossiers that may be laureates read, and the envelopes'
    /// commitments summed (``commitments(_:waves:)``) — whatever the number of dossiers.
    /// - Parameter publishedOnly: the public sees published waves only, in figures and envelopes alike.
    func results(_ call: LoadedCall, publishedOnly: Bool) async throws -> CallResults {
        let callID = try call.model.requireID()
        let laureate = DossierStatus.laureate.map(\.rawValue)
        let rows = try await Self.dossierRows(callID, statuses: laureate, database)
        let candidates = try rows.map { ResultsReport.Input(dossier: try $0.domain(), carrier: $0.organisationName) }
        let waveNumbers = Dictionary(
            uniqueKeysWithValues: call.waves.compactMap { wave in wave.id.map { ($0, wave.number) } })
        let decisions = try await Self.decisions(callID, waveNumbers: waveNumbers, statuses: laureate, database)
        let report = try ResultsReport(
            call: call.call, filed: try await filedCounts(callID), candidates: candidates, decisions: decisions,
            publishedOnly: publishedOnly)
        return CallResults(call: call, report: report, ledger: try await ledger(call, publishedOnly: publishedOnly))
    }

    /// The call's filed dossiers counted by theme, scope and simulation, from the counts the
    /// database keeps (``AddResultsCounts``).
    func filedCounts(_ callID: UUID) async throws -> [ResultsReport.FiledCount] {
        try await database.sql().raw(
            """
            SELECT theme_code, scope_kind, territory_code, scope_regions, simulated, n
            FROM \(ident: AddResultsCounts.counts.table)
            WHERE call_id = \(bind: callID) AND n > 0
            """
        ).all().map { row in
            ResultsReport.FiledCount(
                themeCode: try row.decode(column: "theme_code", as: String.self),
                scope: DossierModel.scope(
                    kind: try row.decode(column: "scope_kind", as: String.self),
                    territory: try row.decode(column: "territory_code", as: String.self),
                    regions: try row.decode(column: "scope_regions", as: String.self)),
                simulated: try row.decode(column: "simulated", as: Bool.self),
                count: try row.decode(column: "n", as: Int.self))
        }
    }
}

extension ResultsService {
    /// The columns a report needs, read with one SQL join.
    ///
    /// Reports read every dossier of a call on each request. Decoding rows through `Decodable`
    /// (Fluent models, or SQLKit's `all(decoding:)`) cost about ten times more than the query
    /// itself (measured, see docs/BENCHMARKS.md), so this path reads each column by name.
    struct DossierRow {
        let id: UUID
        let number: String?
        let title: String
        let summary: String
        let themeCode: String
        let scopeKind: String
        let territoryCode: String
        let scopeRegions: String
        let requestedCents: Int64
        let status: String
        let filedAt: Date?
        let simulated: Bool
        let organisationName: String

        init(_ row: any SQLRow) throws {
            id = try row.decodeUUID(column: "id")
            number = try row.decodeIfPresent(column: "number", as: String.self)
            title = try row.decode(column: "title", as: String.self)
            summary = try row.decode(column: "summary", as: String.self)
            themeCode = try row.decode(column: "theme_code", as: String.self)
            scopeKind = try row.decode(column: "scope_kind", as: String.self)
            territoryCode = try row.decode(column: "territory_code", as: String.self)
            scopeRegions = try row.decode(column: "scope_regions", as: String.self)
            requestedCents = try row.decode(column: "requested_cents", as: Int64.self)
            status = try row.decode(column: "status", as: String.self)
            filedAt = try row.decodeIfPresent(column: "filed_at", as: Date.self)
            simulated = try row.decode(column: "simulated", as: Bool.self)
            organisationName = try row.decode(column: "organisation_name", as: String.self)
        }

        func domain() throws -> Dossier {
            try DossierModel.dossier(
                id: id, number: number, title: title, summary: summary, themeCode: themeCode, scopeKind: scopeKind,
                territoryCode: territoryCode, scopeRegions: scopeRegions, requestedCents: requestedCents,
                status: status,
                filedAt: filedAt, simulated: simulated)
        }
    }

    /// The call's decisions (those of unknown waves are ignored), read column by column.
    static func decisions(
        _ callID: UUID, waveNumbers: [UUID: Int], statuses: [String]? = nil, _ database: any Database
    ) async throws -> [Decision] {
        let sql = try database.sql()
        let c = DecisionModel.schema, d = DossierModel.schema
        let rows = try await sql.select()
            .columns(
                ["dossier_id", "wave_id", "outcome", "granted_cents", "motive", "decided_at", "simulated"].map {
                    SQLColumn($0, table: c)
                }
            )
            .from(c)
            .join(d, on: SQLColumn("dossier_id", table: c), .equal, SQLColumn("id", table: d))
            .where(SQLColumn("call_id", table: d), .equal, SQLBind(callID))
            .where(
                statuses.map { SQLBinaryExpression(SQLColumn("status", table: d), .in, SQLBind.group($0)) }
                    ?? SQLLiteral.boolean(true)
            )
            .all()
        return try rows.compactMap { row -> Decision? in
            guard let number = waveNumbers[try row.decodeUUID(column: "wave_id")] else { return nil }
            let model = DecisionModel()
            model.$dossier.id = try row.decodeUUID(column: "dossier_id")
            model.outcome = try row.decode(column: "outcome", as: String.self)
            model.grantedCents = try row.decode(column: "granted_cents", as: Int64.self)
            model.motive = try row.decodeIfPresent(column: "motive", as: String.self)
            model.decidedAt = try row.decode(column: "decided_at", as: Date.self)
            model.simulated = try row.decode(column: "simulated", as: Bool.self)
            return try model.domain(waveNumber: number)
        }
    }

    static func dossierRows(
        _ callID: UUID, statuses: [String]? = nil, _ database: any Database
    ) async throws -> [DossierRow] {
        let sql = try database.sql()
        let d = DossierModel.schema, o = OrganisationModel.schema
        return try await sql.select()
            .columns(
                [
                    "id", "number", "title", "summary", "theme_code", "scope_kind", "territory_code", "scope_regions",
                    "requested_cents", "status", "filed_at", "simulated",
                ].map { SQLColumn($0, table: d) }
            )
            .column(SQLColumn("name", table: o), as: "organisation_name")
            .from(d)
            .join(o, on: SQLColumn("organisation_id", table: d), .equal, SQLColumn("id", table: o))
            .where(SQLColumn("call_id", table: d), .equal, SQLBind(callID))
            .where(
                statuses.map { SQLBinaryExpression(SQLColumn("status", table: d), .in, SQLBind.group($0)) }
                    ?? SQLLiteral.boolean(true)
            )
            .all().map(DossierRow.init)
    }
}

extension ResultsService {
    /// The envelope statement of a call: per wave, and, for the committee, the amounts staged in
    /// open sessions. The public sees published waves only and no proposal.
    func statement(_ call: LoadedCall, publishedOnly: Bool) async throws -> EnvelopeStatement {
        try await statementAndLedger(call, publishedOnly: publishedOnly).statement
    }

    /// The statement and the ledger (what every decision commits, all waves): the committee's
    /// board needs both on each request. Both are computed from sums the database makes.
    func statementAndLedger(
        _ call: LoadedCall, publishedOnly: Bool
    ) async throws -> (statement: EnvelopeStatement, ledger: EnvelopeLedger) {
        let callID = try call.model.requireID()
        let (envelopes, all) = try await ledgerParts(call)
        let waves = call.call.waves.filter { !publishedOnly || $0.publishedAt != nil }
        // The statement counts the waves shown; when they are all, the ledger's sums are the same.
        let counted =
            waves.count == call.call.waves.count ? all : try await commitments(callID, waves: Set(waves.map(\.number)))
        // The public reads what the published decisions commit; the staff also what was paid
        // and claimed back since (a recovery returns to the room the committee decides in).
        let statement = try EnvelopeStatement(
            envelopes: envelopes, commitments: publishedOnly ? counted.map(\.decided) : counted, waves: waves,
            proposals: publishedOnly ? [] : try await proposals(callID))
        return (statement, try EnvelopeLedger(envelopes: envelopes, commitments: all))
    }

    /// The call's envelopes and what all its decisions commit on them, for the pages that show
    /// them (board, envelope statement): those this instance kept for the call's
    /// ``CallModel/ledgerRevision`` when the database has not raised it since (``LedgerParts``).
    ///
    /// Inside a transaction they are always read: a decision's or a revision's check must count
    /// what its own transaction wrote, and those checks use ``ledger(_:publishedOnly:)``, which
    /// never reads them from memory.
    private func ledgerParts(
        _ call: LoadedCall
    ) async throws -> (
        envelopes: [Envelope], commitments: [EnvelopeCommitment]
    ) {
        let callID = try call.model.requireID()
        let revision = database.inTransaction ? nil : call.model.ledgerRevision
        if let revision, let kept = LedgerParts.shared.parts(of: callID, revision: revision) { return kept }
        let parts = (envelopes: try await envelopes(callID), commitments: try await commitments(callID, waves: nil))
        if let revision { LedgerParts.shared.keep(parts, of: callID, revision: revision) }
        return parts
    }

    /// What every decision commits on the call's envelopes (the published waves' only when
    /// `publishedOnly`), summed by the database, without computing the results report.
    func ledger(_ call: LoadedCall, publishedOnly: Bool = false) async throws -> EnvelopeLedger {
        let callID = try call.model.requireID()
        let published = Set(call.call.waves.filter { $0.publishedAt != nil }.map(\.number))
        let commitments = try await commitments(callID, waves: publishedOnly ? published : nil)
        return try EnvelopeLedger(
            envelopes: try await envelopes(callID),
            commitments: publishedOnly ? commitments.map(\.decided) : commitments)
    }
}

/// A call's envelopes and decision sums as an instance last read them, and what each applied
/// session retained per envelope (draw code), under the call's ``CallModel/ledgerRevision``
/// (``KeptByRevision``): the database raises it in the transaction of any change to what they
/// sum (``AddLedgerRevision``). An applied session's decisions no longer change, and what could
/// move them between envelopes (a laureate's territory corrected) raises the number.
final class LedgerParts: Sendable {
    static let shared = LedgerParts()

    typealias Parts = (envelopes: [Envelope], commitments: [EnvelopeCommitment])

    private let calls = KeptByRevision<UUID, Parts>()
    private let applied = KeptByRevision<UUID, [String: Money]>()

    /// The parts kept for this revision of the call, if any.
    func parts(of call: UUID, revision: Int) -> Parts? { calls.value(of: call, revision: revision) }

    func keep(_ parts: Parts, of call: UUID, revision: Int) { calls.keep(parts, of: call, revision: revision) }

    /// The applied session's retained sums kept for this revision of its call's ledger, if any.
    func appliedSums(of session: UUID, revision: Int) -> [String: Money]? {
        applied.value(of: session, revision: revision)
    }

    func keepAppliedSums(_ sums: [String: Money], of session: UUID, revision: Int) {
        applied.keep(sums, of: session, revision: revision)
    }
}
