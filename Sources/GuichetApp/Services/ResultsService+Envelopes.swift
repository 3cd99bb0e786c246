import Fluent
import Foundation
import GuichetDomain
import SQLKit

/// The envelope figures of a call, summed by the database: a few rows per envelope and wave
/// whatever the number of dossiers, so that the envelope statement, the committee's board and
/// each decision's check cost the same at 300 or 300 000 dossiers.
extension ResultsService {
    /// What the call's decisions commit, by envelope and wave, over the waves counted (all when
    /// nil): ``EnvelopeCommitment``'s rule in SQL.
    ///
    /// A decision counts when it retains, its dossier is still a laureate, and, for ``EnvelopeCommitment/latest``,
    /// it is the dossier's decision of the highest counted wave (a window function, the same on
    /// SQLite and PostgreSQL). `EnvelopeFiguresTests` checks the sums equal the domain's over
    /// dossiers in memory.
    func commitments(_ callID: UUID, waves: Set<Int>?) async throws -> [EnvelopeCommitment] {
        if let waves, waves.isEmpty { return [] }
        let laureates = DossierStatus.allCases.filter(\.isLaureate).map(\.rawValue)
        let counted: SQLQueryString = waves.map { "AND w.number IN (\(binds: Array($0).sorted()))" } ?? ""
        let rows = try await database.sql().raw(
            """
            SELECT d.scope_kind AS scope_kind, d.territory_code AS territory_code, r.number AS wave,
              CAST(SUM(r.granted_cents) AS BIGINT) AS in_wave,
              CAST(SUM(CASE WHEN r.newest = 1 THEN r.granted_cents ELSE 0 END) AS BIGINT) AS latest
            FROM (
              SELECT c.dossier_id AS dossier_id, c.outcome AS outcome, c.granted_cents AS granted_cents,
                w.number AS number, ROW_NUMBER() OVER (PARTITION BY c.dossier_id ORDER BY w.number DESC) AS newest
              FROM \(ident: DecisionModel.schema) c JOIN \(ident: WaveModel.schema) w ON w.id = c.wave_id
              WHERE w.call_id = \(bind: callID) \(counted)
            ) r JOIN \(ident: DossierModel.schema) d ON d.id = r.dossier_id
            WHERE r.outcome = \(bind: DossierStatus.retained.rawValue) AND d.status IN (\(binds: laureates))
            GROUP BY d.scope_kind, d.territory_code, r.number
            """
        ).all()
        var sums: [String: [Int: (inWave: Money, latest: Money)]] = [:]
        for row in rows {
            let code = try Self.drawCode(row)
            let wave = try row.decode(column: "wave", as: Int.self)
            let known = sums[code]?[wave] ?? (.zero, .zero)
            sums[code, default: [:]][wave] = (
                try known.inWave.adding(Money(cents: row.decode(column: "in_wave", as: Int64.self))),
                try known.latest.adding(Money(cents: row.decode(column: "latest", as: Int64.self)))
            )
        }
        let movements = try await grantMovements(callID, counted: counted)
        for key in movements.keys where sums[key.drawCode]?[key.wave] == nil {
            sums[key.drawCode, default: [:]][key.wave] = (.zero, .zero)
        }
        return sums.flatMap { code, waves in
            waves.map {
                let moved = movements[GrantKey(drawCode: code, wave: $0.key)]
                return EnvelopeCommitment(
                    drawCode: code, wave: $0.key, inWave: $0.value.inWave, latest: $0.value.latest,
                    paid: moved?.paid ?? .zero, recovered: moved?.recovered ?? .zero)
            }
        }.sorted { ($0.drawCode, $0.wave) < ($1.drawCode, $1.wave) }
    }

    private struct GrantKey: Hashable {
        let drawCode: String
        let wave: Int
    }

    /// What was paid and claimed back on the call's grants, by the envelope and wave their act
    /// names, over the waves counted.
    private func grantMovements(
        _ callID: UUID, counted: SQLQueryString
    ) async throws -> [GrantKey: (paid: Money, recovered: Money)] {
        let rows = try await database.sql().raw(
            """
            SELECT a.draw_code AS draw_code, a.wave AS wave, m.kind AS kind,
              CAST(SUM(m.amount_cents) AS BIGINT) AS amount
            FROM \(ident: GrantMovementModel.schema) m JOIN \(ident: GrantActModel.schema) a ON a.id = m.act_id
              JOIN \(ident: WaveModel.schema) w ON w.call_id = a.call_id AND w.number = a.wave
            WHERE m.call_id = \(bind: callID) \(counted)
            GROUP BY a.draw_code, a.wave, m.kind
            """
        ).all()
        var sums: [GrantKey: (paid: Money, recovered: Money)] = [:]
        for row in rows {
            let key = GrantKey(
                drawCode: try row.decode(column: "draw_code", as: String.self),
                wave: try row.decode(column: "wave", as: Int.self))
            let amount = try Money(cents: row.decode(column: "amount", as: Int64.self))
            var known = sums[key] ?? (.zero, .zero)
            if try row.decode(column: "kind", as: String.self) == GrantMovementModel.Kind.recovery.rawValue {
                known.recovered = try known.recovered.adding(amount)
            } else {
                known.paid = try known.paid.adding(amount)
            }
            sums[key] = known
        }
        return sums
    }

    /// The decisions staged as retained in the call's open sessions, by envelope and wave.
    func proposals(_ callID: UUID) async throws -> [EnvelopeProposal] {
        let rows = try await database.sql().raw(
            """
            SELECT d.scope_kind AS scope_kind, d.territory_code AS territory_code, w.number AS wave,
              CAST(SUM(s.granted_cents) AS BIGINT) AS amount
            FROM \(ident: StagedDecisionModel.schema) s
              JOIN \(ident: CommitteeSessionModel.schema) cs ON cs.id = s.session_id
              JOIN \(ident: WaveModel.schema) w ON w.id = cs.wave_id
              JOIN \(ident: DossierModel.schema) d ON d.id = s.dossier_id
            WHERE cs.call_id = \(bind: callID) AND cs.status = \(bind: CommitteeSessionModel.Status.open.rawValue)
              AND s.outcome = \(bind: DossierStatus.retained.rawValue)
            GROUP BY d.scope_kind, d.territory_code, w.number
            """
        ).all()
        var sums: [String: [Int: Money]] = [:]
        for row in rows {
            let code = try Self.drawCode(row)
            let wave = try row.decode(column: "wave", as: Int.self)
            sums[code, default: [:]][wave] = try (sums[code]?[wave] ?? .zero).adding(
                Money(cents: row.decode(column: "amount", as: Int64.self)))
        }
        return sums.flatMap { code, waves in
            waves.map { EnvelopeProposal(drawCode: code, wave: $0.key, amount: $0.value) }
        }.sorted { ($0.drawCode, $0.wave) < ($1.drawCode, $1.wave) }
    }

    /// The call's envelopes with their revisions, in the call's order: one query of plain
    /// columns (an envelope's line once per revision), read on every board and statement (a
    /// national call has a hundred envelopes, and decoding them as Fluent models cost a tenth of
    /// the board's time).
    func envelopes(_ callID: UUID) async throws -> [Envelope] {
        let e = EnvelopeModel.schema, r = EnvelopeRevisionModel.schema
        let rows = try await database.sql().raw(
            """
            SELECT e.id AS id, e.parent_id AS parent_id, e.label AS label, e.draw_code AS draw_code,
              e.owner_name AS owner_name, e.owner_siret AS owner_siret, r.id AS revision,
              r.amount_cents AS amount_cents, r.effective_on AS effective_on, r.reason AS reason
            FROM \(ident: e) e LEFT JOIN \(ident: r) r ON r.envelope_id = e.id
            WHERE e.call_id = \(bind: callID)
            ORDER BY e.position, e.id, r.effective_on, r.created_at
            """
        ).all()
        var envelopes: [(id: UUID, row: any SQLRow, revisions: [EnvelopeRevision])] = []
        for row in rows {
            let id = try row.decodeUUID(column: "id")
            if envelopes.last?.id != id { envelopes.append((id, row, [])) }
            guard !(try row.decodeNil(column: "revision")) else { continue }
            envelopes[envelopes.count - 1].revisions.append(
                EnvelopeRevision(
                    amount: try Money(cents: row.decode(column: "amount_cents", as: Int64.self)),
                    effectiveOn: try row.decode(column: "effective_on", as: Date.self),
                    reason: try row.decode(column: "reason", as: String.self)))
        }
        return try envelopes.map { id, row, revisions in
            try Envelope(
                id: id, parentID: try row.decodeUUIDIfPresent(column: "parent_id"),
                label: try row.decode(column: "label", as: String.self),
                drawCode: try row.decodeIfPresent(column: "draw_code", as: String.self),
                ownerName: try row.decode(column: "owner_name", as: String.self),
                ownerSiret: try row.decodeIfPresent(column: "owner_siret", as: String.self), revisions: revisions)
        }
    }

    private static func drawCode(_ row: any SQLRow) throws -> String {
        let scope = DossierModel.scope(
            kind: try row.decode(column: "scope_kind", as: String.self),
            territory: try row.decode(column: "territory_code", as: String.self), regions: "")
        return try EnvelopeCommitment.drawCode(of: scope)
    }
}
