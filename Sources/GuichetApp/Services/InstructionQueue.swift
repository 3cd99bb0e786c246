import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// The instruction queue: the filed dossiers a person may see, narrowed by the queue's filters,
/// with the counts per status. The queue page, its CSV and the exports share it.
struct InstructionQueue {
    let database: any Database

    /// Dossiers per page.
    static let pageSize = 50

    /// The queue's filters, as query parameters (French, as they appear in the address bar).
    struct Filters: Content {
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
    }

    /// The dossiers a user may see, narrowed by the filters; with the groups visible and the
    /// counts per status (before the status filter). The page and the CSV export share it.
    func query(
        for user: UserModel, filters: Filters
    ) async throws
        -> (QueryBuilder<DossierModel>, Set<String>?, [String: Int])
    {
        let groups = StaffDirectory.visibleGroups(
            try await StaffDirectory(database: database).scopes(of: user.requireID()))
        func visible() -> QueryBuilder<DossierModel> {
            let query = DossierModel.query(on: database).filter(\.$filedAt != nil)
            if let groups { query.filter(\.$instructorGroup ~~ Array(groups)) }
            return query
        }
        let counts = try await Self.countsByStatus(groups: groups, on: database)
        let query = visible().with(\.$organisation)
        if let status = filters.statut.flatMap(DossierStatus.init(rawValue:)) {
            query.filter(\.$status == status.rawValue)
        }
        if let theme = filters.theme, !theme.isEmpty { query.filter(\.$themeCode == theme) }
        if let territory = filters.territoire, !territory.isEmpty { query.filter(\.$instructorGroup == territory) }
        if let raw = filters.etiquette, !raw.isEmpty {
            let key = (try? DossierLabel(raw).key) ?? raw.lowercased()
            query.join(DossierLabelModel.self, on: \DossierModel.$id == \DossierLabelModel.$dossier.$id)
                .filter(DossierLabelModel.self, \.$labelKey == key)
        }
        switch filters.assignation {
        case "moi": query.filter(\.$assigneeID == user.id)
        case "personne": query.filter(\.$assigneeID == nil)
        case let value?:
            // A colleague's dossiers; an unknown value narrows to nothing rather than failing.
            if let id = UUID(uuidString: value) {
                query.filter(\.$assigneeID == id)
            } else if !value.isEmpty {
                query.filter(\.$id == UUID())
            }
        default: break
        }
        if filters.note_min != nil || filters.note_max != nil {
            // Scores are aggregated per call's grid, so the range is applied to the computed values.
            // A linked person's dossiers never match a score range: their presence would reveal it.
            let candidates = try await visible().with(\.$organisation).all()
            let linked = try await StaffDirectory(database: database).linkedDossiers(
                user.requireID(), among: candidates)
            let ids = candidates.compactMap(\.id).filter { !linked.contains($0) }
            let aggregates = try await InstructionService.aggregates(ids, on: database)
            let low = (filters.note_min ?? 0) * 100, high = (filters.note_max ?? 100) * 100
            let matching = aggregates.filter { (low...max(low, high)).contains($0.value.score) }.map(\.key)
            query.filter(\.$id ~~ matching)
        }
        switch filters.tri {
        case "montant": query.sort(\.$requestedCents, .descending)
        case "titre": query.sort(\.$title)
        case "depot": query.sort(\.$filedAt)
        default: query.sort(\.$number)
        }
        return (query, groups, counts)
    }

    /// A page of the queue. Unfiltered, the total is the sum of the counts per status already
    /// read, which spares counting every visible dossier a second time.
    static func page(
        _ query: QueryBuilder<DossierModel>, number: Int, filters: Filters, counts: [String: Int]
    ) async throws -> Page<DossierModel> {
        let narrowed =
            [filters.statut, filters.theme, filters.territoire, filters.assignation, filters.etiquette]
            .contains { !($0 ?? "").isEmpty } || filters.note_min != nil || filters.note_max != nil
        let request = PageRequest(page: number, per: pageSize)
        guard !narrowed else { return try await query.paginate(request) }
        let items = try await query.offset((number - 1) * pageSize).limit(pageSize).all()
        return Page(
            items: items, metadata: PageMetadata(page: number, per: pageSize, total: counts.values.reduce(0, +)))
    }

    /// Filed dossiers per status among the visible groups, counted by the database.
    ///
    /// Reading every visible dossier's status to count it in Swift cost most of the queue's time at
    /// 2 610 dossiers (docs/BENCHMARKS.md); `GROUP BY` returns six rows.
    static func countsByStatus(groups: Set<String>?, on db: any Database) async throws -> [String: Int] {
        let sql = try db.sql()
        if let groups, groups.isEmpty { return [:] }
        let query = sql.select().column("status").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(DossierModel.schema).where("filed_at", .isNot, SQLLiteral.null)
        if let groups { query.where("instructor_group", .in, Array(groups)) }
        let rows = try await query.groupBy("status").all()
        return try rows.reduce(into: [:]) { counts, row in
            counts[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
    }
}
