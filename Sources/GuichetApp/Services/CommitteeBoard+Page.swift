import Fluent
import Foundation
import GuichetDomain
import SQLKit

/// One page of a session's board, ranked and summed by the database.
///
/// The ranking (aggregate score, then smaller request, then number) is read a page at a time
/// from an index over the aggregate score kept on each dossier (``DossierScores``); each row's
/// running total on its envelope is a sum, in SQL, over the session's staged decisions ranked
/// before it (a row-value comparison, the same on SQLite and PostgreSQL). Only the page's rows
/// leave the database. A window function over every candidate was measured first: 1.6 s for a
/// national session of 211 000 dossiers, against a few milliseconds this way. The envelope figures come from sums too (``ResultsService``), so
/// the page costs about the same for a session of 50 dossiers or of 50 000.
extension CommitteeBoard {
    struct Page {
        struct Row {
            let id: UUID
            let rank: Int
            let number: String?
            let title: String
            let organisation: String
            let themeCode: String
            let instructorGroup: String?
            let requested: Money
            let simulated: Bool
            let score: (score: Int, spread: Int)?
            /// The latest opinion's kind and amount.
            let opinion: (kind: String, proposedCents: Int64)?
            let staged: StagedDecisionModel?
            /// The present members linked to the dossier's organisation.
            let recused: [String]
            /// Staged retained amounts on this row's envelope, this row included, in rank order.
            let runningTotal: Money
            let remainingAfter: Money
            let overBudget: Bool
        }

        let session: CommitteeSessionModel
        let call: LoadedCall
        let rows: [Row]
        /// Candidates on every page (after the filters), and those with a staged decision.
        let total: Int
        let stagedCount: Int
        let page: Int
        let pageCount: Int
        /// The first row's rank minus one.
        let offset: Int
        /// The instructor groups and envelopes (draw codes) the candidates come from.
        let groups: [String]
        let drawCodes: Set<String>
        let statement: EnvelopeStatement
        let ledger: EnvelopeLedger
        /// Present members and the dossiers they are recused from.
        let recusals: [(member: String, dossiers: [String])]
        /// The members' names, by account.
        let names: [UUID: String]
    }

    /// Loads page `page` (from 1) of the board, narrowed by theme and territory when given.
    static func page(
        _ session: CommitteeSessionModel, theme: String?, territory: String?, page requested: Int, perPage: Int,
        keeping: Keeping? = nil, on db: any Database
    ) async throws -> Page {
        let call = try await CallRepository(database: db).load(id: session.$call.id)
        let sessionID = try session.requireID()
        let candidates = try candidateFilter(session, call: call, theme: theme, territory: territory)
        let sql = try db.sql()
        let d = DossierModel.schema, s = StagedDecisionModel.schema
        // How many candidates and how many staged, counted in two parts: the dossiers still to
        // decide from the counts the database keeps per call, status and filtered column
        // (``AddBoardCounts``; the narrowing condition reads them as it reads the dossiers), then
        // the session's staged ones. The groups and envelopes the page offers are
        // those of the session's territory within the call's, from the catalogue.
        let narrowing = try narrowingFilter(session, theme: theme, territory: territory, d: "d")
        let decidable = DossierLifecycle.statuses(from: .decide).map(\.rawValue)
        var total = 0, stagedCount = 0
        // An applied session's board reads its frozen ranking (``FreezeAppliedBoards``) when every
        // decision carries it; filtered, it reads the columns frozen with it (``FreezeBoardFilters``)
        // on the decisions alone, named as on the dossiers so that the same condition applies.
        var frozen = false
        let filtered = !(theme ?? "").isEmpty || !(territory ?? "").isEmpty
        let frozenNarrowing = try narrowingFilter(session, theme: theme, territory: territory, d: "f")
        // Unfiltered, the count reads the index alone.
        let shown: SQLQueryString =
            filtered ? "CAST(COALESCE(SUM(CASE WHEN \(frozenNarrowing) THEN 1 ELSE 0 END), 0) AS BIGINT)" : "0"
        if !session.isOpen,
            let row = try await sql.raw(
                """
                SELECT COUNT(*) AS n, COUNT(board_rank) AS frozen, \(shown) AS shown
                FROM \(ident: s) f WHERE session_id = \(bind: sessionID)
                """
            ).first()
        {
            let n = try row.decode(column: "n", as: Int.self)
            if n == (try row.decode(column: "frozen", as: Int.self)) {
                let shown = filtered ? try row.decode(column: "shown", as: Int.self) : n
                (frozen, total, stagedCount) = (true, shown, shown)
            }
        }
        // Both parts in one statement (the kept counts as a scalar subquery, whose `d` is theirs).
        let pending: SQLQueryString =
            session.isOpen
            ? """
            (SELECT CAST(COALESCE(SUM(d.n), 0) AS BIGINT) FROM \(ident: AddBoardCounts.counts.table) d
              WHERE d.call_id = \(bind: call.id) AND d.status IN (\(binds: decidable)) AND \(narrowing))
            """
            : "0"
        if !frozen,
            let row = try await sql.raw(
                """
                SELECT COUNT(*) AS n, CAST(COALESCE(SUM(CASE WHEN d.status IN (\(binds: decidable)) THEN 0 ELSE 1 END), 0) AS BIGINT) AS others,
                  \(pending) AS pending
                FROM \(ident: s) s CROSS JOIN \(ident: d) d
                WHERE d.id = s.dossier_id AND s.session_id = \(bind: sessionID) AND d.call_id = \(bind: call.id)
                  AND \(narrowing)
                """
            ).first()
        {
            let staged = try row.decode(column: "n", as: Int.self)
            stagedCount = staged
            // An open session counts its staged dossiers still to decide among the pending ones.
            total +=
                session.isOpen
                ? try row.decode(column: "others", as: Int.self) + row.decode(column: "pending", as: Int.self) : staged
        }
        let (groups, drawCodes) = try offered(by: session, in: call)
        let pageCount = max(1, (total + perPage - 1) / perPage)
        let page = min(max(requested, 1), pageCount)
        let offset = (page - 1) * perPage
        // The page comes straight from the ranking's index (`dossiers_board_rank`) for an open
        // session, organisations joined to the page's rows only; an applied one starts from its
        // own decisions (`CROSS JOIN` keeps them the outer
        // loop on SQLite, which would otherwise walk the call's dossiers in rank order to find them).
        let source: SQLQueryString =
            session.isOpen
            ? """
            \(ident: d) d
              LEFT JOIN \(ident: s) s ON s.dossier_id = d.id AND s.session_id = \(bind: sessionID)
            """
            : "\(ident: s) s CROSS JOIN \(ident: d) d"
        let joined: SQLQueryString =
            session.isOpen ? "" : "d.id = s.dossier_id AND s.session_id = \(bind: sessionID) AND "
        // Unfiltered, the running totals frozen on the decisions; filtered, summed within the
        // filter over the session's decisions in their frozen order.
        let frozenPage: SQLQueryString =
            filtered
            ? """
            SELECT * FROM (
              SELECT f.id, f.dossier_id, f.outcome, f.granted_cents, f.motive, f.staged_by, f.staged_at, f.board_rank,
                CAST(SUM(CASE WHEN f.outcome = 'retained' THEN f.granted_cents ELSE 0 END)
                  OVER (PARTITION BY f.draw_code ORDER BY f.board_rank ROWS UNBOUNDED PRECEDING) AS BIGINT) AS board_total
              FROM \(ident: s) f WHERE f.session_id = \(bind: sessionID) AND \(frozenNarrowing)
            ) w ORDER BY w.board_rank LIMIT \(bind: perPage) OFFSET \(bind: offset)
            """
            : """
            SELECT * FROM \(ident: s) WHERE session_id = \(bind: sessionID)
            ORDER BY board_rank LIMIT \(bind: perPage) OFFSET \(bind: offset)
            """
        let rows =
            frozen
            ? try await sql.raw(
                """
                SELECT d.id AS id, d.number AS number, d.title AS title, o.name AS organisation,
                  d.theme_code AS theme_code, d.instructor_group AS instructor_group,
                  d.requested_cents AS requested_cents, d.simulated AS simulated, d.draw_code AS draw_code,
                  d.aggregate_score AS aggregate_score, d.score_spread AS score_spread, s.id AS staged_id,
                  s.outcome AS staged_outcome, s.granted_cents AS staged_cents, s.motive AS staged_motive,
                  s.staged_by AS staged_by, s.staged_at AS staged_at, s.board_total AS board_total,
                  x.kind AS opinion_kind, x.proposed_cents AS opinion_cents
                FROM (\(frozenPage)) s
                  JOIN \(ident: d) d ON d.id = s.dossier_id
                  JOIN \(ident: OrganisationModel.schema) o ON o.id = d.organisation_id
                  \(unsafeRaw: Self.latestOpinion("d"))
                ORDER BY s.board_rank
                """
            ).all()
            : try await sql.raw(
                """
                SELECT p.*, o.name AS organisation, x.kind AS opinion_kind, x.proposed_cents AS opinion_cents FROM (
                  SELECT d.id AS id, d.number AS number, d.title AS title, d.organisation_id AS organisation_id,
                    d.theme_code AS theme_code, d.instructor_group AS instructor_group,
                    d.requested_cents AS requested_cents, d.simulated AS simulated, d.draw_code AS draw_code,
                    d.aggregate_score AS aggregate_score, d.score_spread AS score_spread, s.id AS staged_id,
                    s.outcome AS staged_outcome, s.granted_cents AS staged_cents, s.motive AS staged_motive,
                    s.staged_by AS staged_by, s.staged_at AS staged_at
                  FROM \(source)
                  WHERE \(joined)\(candidates)
                  ORDER BY \(unsafeRaw: Self.rankOrder("d"))
                  LIMIT \(bind: perPage) OFFSET \(bind: offset)
                ) p JOIN \(ident: OrganisationModel.schema) o ON o.id = p.organisation_id
                  \(unsafeRaw: Self.latestOpinion("p"))
                ORDER BY \(unsafeRaw: Self.rankOrder("p"))
                """
            ).all()
        let ids = try rows.map { try $0.decodeUUID(column: "id") }
        // Nothing staged within the filter (counted above, a superset of the retained decisions
        // the sums read): every running total is zero, without a statement.
        let running =
            frozen
            ? try RunningTotals(frozen: rows)
            : stagedCount == 0
                ? RunningTotals.none
                : try await RunningTotals.load(session: sessionID, staged: candidates, page: ids, on: sql)
        let (statement, ledger) = try await ResultsService(database: db).statementAndLedger(call, publishedOnly: false)
        let room = try await room(session, call: call, ledger: ledger, on: db)
        let (names, links) = try await members(of: session, keeping: keeping, on: db)
        let (recusedBy, summary) = try await recusals(
            session, candidates: candidates, members: names, links: links, on: db)
        let pageRows = try rows.enumerated().map { index, row -> Page.Row in
            let id = try row.decodeUUID(column: "id")
            let code = try row.decodeIfPresent(column: "draw_code", as: String.self) ?? ""
            let running = try Money(cents: running.total(of: id))
            let remaining = room[code] ?? .zero
            var staged: StagedDecisionModel?
            if let stagedID = try row.decodeUUIDIfPresent(column: "staged_id") {
                let model = StagedDecisionModel()
                model.id = stagedID
                model.$session.id = sessionID
                model.$dossier.id = id
                model.outcome = try row.decode(column: "staged_outcome", as: String.self)
                model.grantedCents = try row.decode(column: "staged_cents", as: Int64.self)
                model.motive = try row.decodeIfPresent(column: "staged_motive", as: String.self)
                model.stagedBy = try row.decodeUUID(column: "staged_by")
                model.stagedAt = try row.decode(column: "staged_at", as: Date.self)
                staged = model
            }
            let score = try row.decodeIfPresent(column: "aggregate_score", as: Int.self).map {
                (score: $0, spread: try row.decodeIfPresent(column: "score_spread", as: Int.self) ?? 0)
            }
            return Page.Row(
                id: id, rank: offset + index + 1,
                number: try row.decodeIfPresent(column: "number", as: String.self),
                title: try row.decode(column: "title", as: String.self),
                organisation: try row.decode(column: "organisation", as: String.self),
                themeCode: try row.decode(column: "theme_code", as: String.self),
                instructorGroup: try row.decodeIfPresent(column: "instructor_group", as: String.self),
                requested: try Money(cents: row.decode(column: "requested_cents", as: Int64.self)),
                simulated: try row.decode(column: "simulated", as: Bool.self), score: score,
                opinion: try row.decodeIfPresent(column: "opinion_kind", as: String.self).map {
                    (kind: $0, proposedCents: try row.decode(column: "opinion_cents", as: Int64.self))
                }, staged: staged, recused: (recusedBy[id] ?? []).sorted(),
                runningTotal: running, remainingAfter: remaining.remaining(after: running),
                overBudget: running > remaining)
        }
        return Page(
            session: session, call: call, rows: pageRows, total: total, stagedCount: stagedCount, page: page,
            pageCount: pageCount, offset: offset, groups: groups, drawCodes: drawCodes, statement: statement,
            ledger: ledger, recusals: summary, names: names)
    }

    /// The join of each of the page's rows with its latest opinion (as `x`), in the outer query:
    /// found for the page's rows only, not for every candidate before the sort, without a
    /// statement of its own, and without sorting (`opinions_dossier_latest`).
    static func latestOpinion(_ table: String) -> String {
        """
        LEFT JOIN \(OpinionModel.schema) x ON x.id = (SELECT y.id FROM \(OpinionModel.schema) y \
        WHERE y.dossier_id = \(table).id ORDER BY y.created_at DESC, y.id DESC LIMIT 1)
        """
    }

    /// The board's ranking as an `ORDER BY` over `table`: best aggregate first (unscored last),
    /// then the smaller request, then the number and the id.
    static func rankOrder(_ table: String) -> String {
        "COALESCE(\(table).aggregate_score, -1) DESC, \(table).requested_cents, COALESCE(\(table).number, ''), \(table).id"
    }

    /// The amounts retained by a session's staged decisions, summed per envelope in rank order by
    /// a window function, read for the page's rows only: the page's dossiers join the staged
    /// decisions in one ranking (with nothing to add), and each keeps the sum reached at its
    /// place — its own amount included when it is staged, since its staged copy ranks first.
    /// The database sorts the session's decisions (4 100 in an applied national session);
    /// Swift reads at most a page of sums.
    struct RunningTotals {
        private let totals: [UUID: Int64]

        /// No decision staged: every sum is zero.
        static let none = RunningTotals(totals: [:])

        static func load(
            session: UUID, staged: SQLQueryString, page ids: [UUID], on sql: any SQLDatabase
        ) async throws -> RunningTotals {
            guard !ids.isEmpty else { return RunningTotals(totals: [:]) }
            let d = DossierModel.schema
            let rows = try await sql.raw(
                """
                SELECT t.id AS id, t.total AS total FROM (
                  SELECT x.id AS id, x.on_page AS on_page,
                    CAST(SUM(x.amount) OVER (PARTITION BY x.draw_code ORDER BY \(unsafeRaw: rankOrder("x")), x.on_page
                      ROWS UNBOUNDED PRECEDING) AS BIGINT) AS total
                  FROM (
                    SELECT d.id AS id, d.draw_code AS draw_code, d.aggregate_score AS aggregate_score,
                      d.requested_cents AS requested_cents, d.number AS number, s.granted_cents AS amount, 0 AS on_page
                    FROM \(ident: StagedDecisionModel.schema) s CROSS JOIN \(ident: d) d
                    WHERE d.id = s.dossier_id AND s.session_id = \(bind: session) AND s.outcome = 'retained' AND \(staged)
                    UNION ALL
                    SELECT d.id, d.draw_code, d.aggregate_score, d.requested_cents, d.number, 0, 1
                    FROM \(ident: d) d WHERE d.id IN (\(binds: ids))
                  ) x
                ) t WHERE t.on_page = 1
                """
            ).all()
            var totals: [UUID: Int64] = [:]
            for row in rows {
                totals[try row.decodeUUID(column: "id")] = try row.decode(column: "total", as: Int64.self)
            }
            return RunningTotals(totals: totals)
        }

        /// The totals frozen on an applied session's decisions, read with the page's rows.
        init(frozen rows: [any SQLRow]) throws {
            var totals: [UUID: Int64] = [:]
            for row in rows {
                totals[try row.decodeUUID(column: "id")] =
                    try row.decodeIfPresent(column: "board_total", as: Int64.self) ?? 0
            }
            self.totals = totals
        }

        private init(totals: [UUID: Int64]) {
            self.totals = totals
        }

        /// The retained amounts staged on the row's envelope up to the row included.
        func total(of id: UUID) -> Int64 { totals[id] ?? 0 }
    }

    /// The session's candidates as a SQL condition on `d` (dossiers) and `s` (its staged decisions):
    /// an open session looks at what is still to decide, an applied one at what it decided; within
    /// the session's territory (``StaffScope/covers(_:territories:)``), narrowed by the filters.
    private static func candidateFilter(
        _ session: CommitteeSessionModel, call: LoadedCall, theme: String?, territory: String?, d: String = "d",
        s: String = "s"
    ) throws -> SQLQueryString {
        let decidable = DossierLifecycle.statuses(from: .decide).map(\.rawValue)
        var condition: SQLQueryString = "\(unsafeRaw: d).call_id = \(bind: call.id)"
        condition +=
            session.isOpen
            ? " AND (\(unsafeRaw: d).status IN (\(binds: decidable)) OR \(unsafeRaw: s).id IS NOT NULL)"
            : " AND \(unsafeRaw: s).id IS NOT NULL"
        return condition + " AND " + (try narrowingFilter(session, theme: theme, territory: territory, d: d))
    }

    /// The instructor groups and the envelopes (draw codes) of a session's territory within its
    /// call's: what the board's filter offers and the envelopes it shows.
    private static func offered(
        by session: CommitteeSessionModel, in call: LoadedCall
    ) throws -> (groups: [String], drawCodes: Set<String>) {
        let catalog = TerritoryCatalog.france.within(call.model.callScope)
        var groups: [String] = call.model.callScope == .national ? [StaffScope.national.stored] : []
        groups += catalog.regions.map { StaffScope.region($0.code).stored }
        groups += catalog.departements.map { StaffScope.departement($0.code).stored }
        let scope = try StaffScope(stored: session.scope)
        if let visible = StaffDirectory.visibleGroups([scope]) { groups = groups.filter(visible.contains) }
        var drawCodes = Set(catalog.regions.map(\.code))
        switch scope {
        case .national: if call.model.callScope == .national { drawCodes.insert("FR") }
        case .region(let code): drawCodes = drawCodes.intersection([code])
        case .departement(let code):
            drawCodes = drawCodes.intersection([(try? TerritoryCatalog.france.departement(code).regionCode) ?? ""])
        case .service: drawCodes = []
        }
        return (groups, drawCodes)
    }

    /// The session's territory and the board's filters, as a condition on the dossiers `d`.
    private static func narrowingFilter(
        _ session: CommitteeSessionModel, theme: String?, territory: String?, d: String
    ) throws -> SQLQueryString {
        var condition: SQLQueryString = "1 = 1"
        switch try StaffScope(stored: session.scope) {
        case .national: break
        // A region's envelope is drawn on by its regional and départemental dossiers only.
        case .region(let code): condition += " AND \(unsafeRaw: d).draw_code = \(bind: code)"
        case .departement(let code):
            condition +=
                " AND \(unsafeRaw: d).scope_kind = 'departemental' AND \(unsafeRaw: d).territory_code = \(bind: code)"
        case .service: condition += " AND 1 = 0"
        }
        if let theme, !theme.isEmpty { condition += " AND \(unsafeRaw: d).theme_code = \(bind: theme)" }
        if let territory, !territory.isEmpty {
            condition += " AND \(unsafeRaw: d).instructor_group = \(bind: territory)"
        }
        return condition
    }

    /// The room each envelope (by draw code) offers the session: what remains now, plus, once it
    /// is applied, what its own decisions took (so that its running total reads as in the meeting).
    private static func room(
        _ session: CommitteeSessionModel, call: LoadedCall, ledger: EnvelopeLedger, on db: any Database
    ) async throws -> [String: Money] {
        var room: [String: Money] = [:]
        for line in ledger.lines { if let code = line.envelope.drawCode { room[code] = line.remaining } }
        guard !session.isOpen else { return room }
        // An applied session's decisions no longer change: their sums are kept with the ledger's
        // revision (a laureate's territory corrected raises it).
        let sessionID = try session.requireID()
        let revision = db.inTransaction ? nil : call.model.ledgerRevision
        if let revision, let kept = LedgerParts.shared.appliedSums(of: sessionID, revision: revision) {
            return try room.merging(kept) { try $0.adding($1) }
        }
        var sums: [String: Money] = [:]
        let rows = try await db.sql().raw(
            """
            SELECT d.draw_code AS draw_code, CAST(SUM(s.granted_cents) AS BIGINT) AS amount
            FROM \(ident: StagedDecisionModel.schema) s JOIN \(ident: DossierModel.schema) d ON d.id = s.dossier_id
            WHERE s.session_id = \(bind: try session.requireID()) AND s.outcome = 'retained'
            GROUP BY d.draw_code
            """
        ).all()
        for row in rows {
            guard let code = try row.decodeIfPresent(column: "draw_code", as: String.self) else { continue }
            sums[code] = try (sums[code] ?? .zero).adding(Money(cents: row.decode(column: "amount", as: Int64.self)))
        }
        if let revision { LedgerParts.shared.keepAppliedSums(sums, of: sessionID, revision: revision) }
        return try room.merging(sums) { try $0.adding($1) }
    }

    /// The session's members' names and declared links, in one query.
    private static func members(
        of session: CommitteeSessionModel, keeping: Keeping?, on db: any Database
    ) async throws -> (names: [UUID: String], links: [UUID: [DeclaredLink]]) {
        let ids = session.members.map { $0.$user.id }
        guard !ids.isEmpty else { return ([:], [:]) }
        let key = ids.map(UUIDText.lowercased).sorted().joined(separator: ",")
        let kept = try await keeping.kept(\.members, key, revision: \.staff, on: db) {
            try await readMembers(ids, on: db)
        }
        return (kept.names, kept.links)
    }

    /// The members' names and declared links: staff data, kept under the staff's revision.
    struct MemberNames: Sendable {
        let names: [UUID: String]
        let links: [UUID: [DeclaredLink]]
    }

    private static func readMembers(_ ids: [UUID], on db: any Database) async throws -> MemberNames {
        var names: [UUID: String] = [:]
        var links: [UUID: [DeclaredLink]] = [:]
        for row in try await db.sql().raw(
            """
            SELECT u.id AS id, u.display_name AS name, l.id AS link, l.siret AS siret, l.rna AS rna
            FROM \(ident: UserModel.schema) u LEFT JOIN \(ident: StaffLinkModel.schema) l ON l.user_id = u.id
            WHERE u.id IN (\(binds: ids))
            """
        ).all() {
            let id = try row.decodeUUID(column: "id")
            names[id] = try row.decode(column: "name", as: String.self)
            if !(try row.decodeNil(column: "link")) {
                links[id, default: []].append(
                    DeclaredLink(
                        siret: try row.decodeIfPresent(column: "siret", as: String.self),
                        rna: try row.decodeIfPresent(column: "rna", as: String.self)))
            }
        }
        return MemberNames(names: names, links: links)
    }

    /// For each present member with declared links, the candidates whose organisation they are
    /// linked to (``ConflictOfInterest``: the same SIREN or RNA number), found by the database.
    private static func recusals(
        _ session: CommitteeSessionModel, candidates: SQLQueryString, members: [UUID: String],
        links declared: [UUID: [DeclaredLink]], on db: any Database
    ) async throws -> (byDossier: [UUID: [String]], summary: [(member: String, dossiers: [String])]) {
        let present = session.members.filter(\.present).map { $0.$user.id }
        let links = present.flatMap { declared[$0] ?? [] }
        // Most members declare no link: then there is nothing to look for.
        guard !links.isEmpty else { return ([:], []) }
        let sirens = Array(Set(links.compactMap { $0.siret.map { String($0.prefix(9)) } }))
        let rnas = Array(Set(links.compactMap(\.rna)))
        var match: SQLQueryString = "1 = 0"
        if !sirens.isEmpty { match += " OR SUBSTR(o.siret, 1, 9) IN (\(binds: sirens))" }
        if !rnas.isEmpty { match += " OR o.rna IN (\(binds: rnas))" }
        let rows = try await db.sql().raw(
            """
            SELECT d.id AS id, d.number AS number, d.title AS title, o.siret AS siret, o.rna AS rna
            FROM \(ident: DossierModel.schema) d
              JOIN \(ident: OrganisationModel.schema) o ON o.id = d.organisation_id
              LEFT JOIN \(ident: StagedDecisionModel.schema) s ON s.dossier_id = d.id AND s.session_id = \(bind: try session.requireID())
            WHERE (\(candidates)) AND (\(match))
            """
        ).all()
        var byDossier: [UUID: [String]] = [:]
        var byMember: [String: [String]] = [:]
        for row in rows {
            let id = try row.decodeUUID(column: "id")
            let siret = try row.decodeIfPresent(column: "siret", as: String.self)
            let rna = try row.decodeIfPresent(column: "rna", as: String.self)
            let label =
                try row.decodeIfPresent(column: "number", as: String.self)
                ?? row.decode(column: "title", as: String.self)
            for user in present {
                guard let theirs = declared[user],
                    ConflictOfInterest.isConflicted(links: theirs, organisationSiret: siret, organisationRNA: rna)
                else { continue }
                let name = members[user] ?? ""
                byDossier[id, default: []].append(name)
                byMember[name, default: []].append(label)
            }
        }
        return (
            byDossier, byMember.map { (member: $0.key, dossiers: $0.value.sorted()) }.sorted { $0.member < $1.member }
        )
    }
}
