import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// The instruction queue: the filed dossiers a person may see, narrowed by the queue's filters,
/// with the counts per status. The queue page, its CSV and the exports share it.
///
/// The selection is one SQL condition over the dossiers (`d`) and their organisations (`o`), and a
/// page is read as plain rows of the columns the queue shows: decoding whole Fluent models cost
/// more than half of the queue's time at 2 610 dossiers (docs/BENCHMARKS.md), and the score range
/// is matched on the aggregate kept on each dossier (``DossierScores``) rather than on every
/// visible dossier's reviews.
struct InstructionQueue {
    let database: any Database
    /// The request's kept values (the person's scopes and links, ``SiteRevisions``).
    var keeping: Keeping? = nil

    /// Dossiers per page.
    static let pageSize = 50

    /// The queue's filters, as query parameters (French, as they appear in the address bar).
    struct Filters: Content {
        /// A call's reference: two calls' dossiers otherwise mix in one queue.
        var appel: String?
        var statut: String?
        var theme: String?
        var territoire: String?
        var assignation: String?
        var etiquette: String?
        var tri: String?
        var page: Int?
        /// Aggregate score bounds, out of 100.
        var note_min: Int?
        var note_max: Int?

        init(
            appel: String? = nil, statut: String? = nil, theme: String? = nil, territoire: String? = nil,
            assignation: String? = nil, etiquette: String? = nil, tri: String? = nil, page: Int? = nil,
            note_min: Int? = nil, note_max: Int? = nil
        ) {
            self.appel = appel
            (self.statut, self.theme, self.territoire, self.assignation) = (statut, theme, territoire, assignation)
            (self.etiquette, self.tri, self.page) = (etiquette, tri, page)
            (self.note_min, self.note_max) = (note_min, note_max)
        }

        /// Reads the address bar. The filter form sends every field, so an empty score bound
        /// (`note_min=`) means "no bound"; a bound that is not a whole number is refused.
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func bound(_ key: CodingKeys) throws -> Int? {
                guard let text = try c.decodeIfPresent(String.self, forKey: key)?.trimmingCharacters(in: .whitespaces),
                    !text.isEmpty
                else { return nil }
                guard let value = Int(text) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not a whole number")
                }
                return value
            }
            self.init(
                appel: try c.decodeIfPresent(String.self, forKey: .appel),
                statut: try c.decodeIfPresent(String.self, forKey: .statut),
                theme: try c.decodeIfPresent(String.self, forKey: .theme),
                territoire: try c.decodeIfPresent(String.self, forKey: .territoire),
                assignation: try c.decodeIfPresent(String.self, forKey: .assignation),
                etiquette: try c.decodeIfPresent(String.self, forKey: .etiquette),
                tri: try c.decodeIfPresent(String.self, forKey: .tri), page: try bound(.page),
                note_min: try bound(.note_min), note_max: try bound(.note_max))
        }

        /// Whether anything narrows the visible dossiers (the counts per status then no longer
        /// add up to the total).
        var narrows: Bool {
            [appel, statut, theme, territoire, assignation, etiquette].contains { !($0 ?? "").isEmpty }
                || note_min != nil || note_max != nil
        }
    }

    /// One dossier as the queue lists it.
    struct Row: Sendable {
        let id: UUID
        let number: String?
        let title: String
        let organisation: String
        let siret: String?
        let rna: String?
        let themeCode: String
        let instructorGroup: String?
        let status: String
        let callID: UUID
        let requestedCents: Int64
        let filedAt: Date?
        let assigneeID: UUID?
        let simulated: Bool
        /// The aggregate on the call's grid, in hundredths out of 100, with its spread and the
        /// number of reviews; nil before the first review.
        let score: (score: Int, spread: Int, count: Int)?

        /// Whether a person with these declared links is linked to the dossier's organisation.
        func isLinked(_ links: [DeclaredLink]) -> Bool {
            ConflictOfInterest.isConflicted(links: links, organisationSiret: siret, organisationRNA: rna)
        }
    }

    /// What a person sees with these filters: the groups visible to them, the counts per status
    /// (before the filters), their declared links, and the condition that selects the dossiers.
    struct Selection {
        let filters: Filters
        let groups: Set<String>?
        let counts: [String: Int]
        let links: [DeclaredLink]
        /// A condition over `d` (dossiers) and `o` (organisations).
        fileprivate let condition: SQLQueryString
        fileprivate let order: SQLQueryString
    }

    /// The dossiers a user may see, narrowed by the filters.
    func selection(for user: UserModel, filters: Filters) async throws -> Selection {
        let directory = StaffDirectory(database: database, keeping: keeping)
        let groups = StaffDirectory.visibleGroups(try await directory.scopes(of: user.requireID()))
        let links = try await directory.links(of: user.requireID())
        let counts = try await Self.countsByStatus(groups: groups, on: database)
        var parts: [SQLQueryString] = ["d.filed_at IS NOT NULL"]
        if let groups { parts.append(Self.isIn("d.instructor_group", Array(groups))) }
        if let call = filters.appel, !call.isEmpty {
            parts.append(
                "d.call_id IN (SELECT c.id FROM \(ident: CallModel.schema) c WHERE c.reference = \(bind: call))")
        }
        if let status = filters.statut.flatMap(DossierStatus.init(rawValue:)) {
            parts.append("d.status = \(bind: status.rawValue)")
        }
        if let theme = filters.theme, !theme.isEmpty { parts.append("d.theme_code = \(bind: theme)") }
        if let territory = filters.territoire, !territory.isEmpty {
            parts.append("d.instructor_group = \(bind: territory)")
        }
        if let raw = filters.etiquette, !raw.isEmpty {
            let key = (try? DossierLabel(raw).key) ?? raw.lowercased()
            parts.append(
                """
                EXISTS (SELECT 1 FROM \(ident: DossierLabelModel.schema) l
                  WHERE l.dossier_id = d.id AND l.label_key = \(bind: key))
                """)
        }
        switch filters.assignation {
        case "moi": parts.append("d.assignee_id = \(bind: try user.requireID())")
        case "personne": parts.append("d.assignee_id IS NULL")
        case let value?:
            // A colleague's dossiers; an unknown value narrows to nothing rather than failing.
            if let id = UUID(uuidString: value) {
                parts.append("d.assignee_id = \(bind: id)")
            } else if !value.isEmpty {
                parts.append("1 = 0")
            }
        default: break
        }
        if filters.note_min != nil || filters.note_max != nil {
            let low = (filters.note_min ?? 0) * 100, high = (filters.note_max ?? 100) * 100
            parts.append("d.aggregate_score BETWEEN \(bind: low) AND \(bind: max(low, high))")
            // A linked person's dossiers never match a score range: their presence would reveal it.
            parts += Self.notLinked(links)
        }
        let order: SQLQueryString =
            switch filters.tri {
            case "montant": "d.requested_cents DESC, d.number"
            case "titre": "d.title, d.number"
            case "depot": "d.filed_at, d.number"
            default: "d.number"
            }
        return Selection(
            filters: filters, groups: groups, counts: counts, links: links,
            condition: parts.joined(separator: " AND "), order: order)
    }

    /// A page of the selection and the number of dossiers it holds. Unfiltered, the total is the
    /// sum of the counts per status already read, which spares counting every visible dossier a
    /// second time.
    func page(_ selection: Selection, number: Int) async throws -> (rows: [Row], metadata: PageMetadata) {
        let sql = try database.sql()
        let total: Int
        if selection.filters.narrows {
            let row = try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM \(ident: DossierModel.schema) d
                  JOIN \(ident: OrganisationModel.schema) o ON o.id = d.organisation_id
                WHERE \(selection.condition)
                """
            ).first()
            total = try row?.decode(column: "n", as: Int.self) ?? 0
        } else {
            total = selection.counts.values.reduce(0, +)
        }
        let rows = try await sql.raw(
            """
            SELECT d.id AS id, d.number AS number, d.title AS title, o.name AS organisation, o.siret AS siret,
              o.rna AS rna, d.theme_code AS theme_code, d.instructor_group AS instructor_group, d.status AS status,
              d.call_id AS call_id, d.requested_cents AS requested_cents, d.filed_at AS filed_at, d.assignee_id AS assignee_id,
              d.simulated AS simulated, d.aggregate_score AS aggregate_score, d.score_spread AS score_spread,
              d.score_count AS score_count
            FROM \(ident: DossierModel.schema) d
              JOIN \(ident: OrganisationModel.schema) o ON o.id = d.organisation_id
            WHERE \(selection.condition)
            ORDER BY \(selection.order)
            LIMIT \(literal: Self.pageSize) OFFSET \(literal: (number - 1) * Self.pageSize)
            """
        ).all()
        return (try rows.map(Self.row), PageMetadata(page: number, per: Self.pageSize, total: total))
    }

    /// Every dossier of the selection, in its order: what the exports read, a chunk at a time.
    func ids(_ selection: Selection) async throws -> [UUID] {
        try await database.sql().raw(
            """
            SELECT d.id AS id FROM \(ident: DossierModel.schema) d
              JOIN \(ident: OrganisationModel.schema) o ON o.id = d.organisation_id
            WHERE \(selection.condition)
            ORDER BY \(selection.order)
            """
        ).all().map { try $0.decodeUUID(column: "id") }
    }

    private static func row(_ row: any SQLRow) throws -> Row {
        let score = try row.decodeIfPresent(column: "aggregate_score", as: Int.self).map {
            (
                score: $0, spread: try row.decodeIfPresent(column: "score_spread", as: Int.self) ?? 0,
                count: try row.decodeIfPresent(column: "score_count", as: Int.self) ?? 0
            )
        }
        return Row(
            id: try row.decodeUUID(column: "id"),
            number: try row.decodeIfPresent(column: "number", as: String.self),
            title: try row.decode(column: "title", as: String.self),
            organisation: try row.decode(column: "organisation", as: String.self),
            siret: try row.decodeIfPresent(column: "siret", as: String.self),
            rna: try row.decodeIfPresent(column: "rna", as: String.self),
            themeCode: try row.decode(column: "theme_code", as: String.self),
            instructorGroup: try row.decodeIfPresent(column: "instructor_group", as: String.self),
            status: try row.decode(column: "status", as: String.self),
            callID: try row.decodeUUID(column: "call_id"),
            requestedCents: try row.decode(column: "requested_cents", as: Int64.self),
            filedAt: try row.decodeIfPresent(column: "filed_at", as: Date.self),
            assigneeID: try row.decodeUUIDIfPresent(column: "assignee_id"),
            simulated: try row.decode(column: "simulated", as: Bool.self), score: score)
    }

    /// `column IN (…)`, in chunks that stay under SQLite's and PostgreSQL's parameter limits;
    /// an empty list matches nothing.
    private static func isIn(_ column: String, _ values: [String]) -> SQLQueryString {
        guard !values.isEmpty else { return "1 = 0" }
        let chunks: [SQLQueryString] = values.chunked(5_000).map { "\(unsafeRaw: column) IN (\(binds: $0))" }
        return "(" + chunks.joined(separator: " OR ") + ")"
    }

    /// The SQL form of ``ConflictOfInterest/isConflicted(links:organisationSiret:organisationRNA:)``
    /// negated, over `o`: the same SIREN (the SIRET's first nine digits) or the same RNA number.
    /// `InstructionTests` and `CommitteeTerritoryTests` check both forms leave out the same dossiers.
    private static func notLinked(_ links: [DeclaredLink]) -> [SQLQueryString] {
        var parts: [SQLQueryString] = []
        let sirens = Array(Set(links.compactMap { $0.siret.map { String($0.prefix(9)) } })).sorted()
        let rnas = Array(Set(links.compactMap(\.rna))).sorted()
        if !sirens.isEmpty { parts.append("(o.siret IS NULL OR SUBSTR(o.siret, 1, 9) NOT IN (\(binds: sirens)))") }
        if !rnas.isEmpty { parts.append("(o.rna IS NULL OR o.rna NOT IN (\(binds: rnas)))") }
        return parts
    }

    /// Filed dossiers per status among the visible groups, from the counts the database keeps
    /// (``AddQueueCounts``): a few rows per group, whatever the number of dossiers.
    static func countsByStatus(groups: Set<String>?, on db: any Database) async throws -> [String: Int] {
        if let groups, groups.isEmpty { return [:] }
        let scope: SQLQueryString = groups.map { " AND " + isIn("instructor_group", Array($0)) } ?? ""
        let rows = try await db.sql().raw(
            """
            SELECT status, CAST(SUM(n) AS BIGINT) AS n FROM \(ident: AddQueueCounts.table)
            WHERE n > 0\(scope) GROUP BY status
            """
        ).all()
        return try rows.reduce(into: [:]) { counts, row in
            counts[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
    }
}
