import Fluent
import Foundation
import GuichetDomain

/// The instruction's data as tables, for CSV and JSON exports: dossiers, scores, opinions and
/// decisions of the dossiers a person may see, narrowed by the queue's filters.
///
/// One table feeds both formats so that a CSV column and a JSON key always say the same thing.
/// Scores and opinions of a dossier whose organisation the person declared a link with are left
/// out, as on the dossier's page: a recused person reads no one's assessment of it.
struct ExportService {
    /// A dataset people can export.
    enum Dataset: String, CaseIterable, Sendable {
        case dossiers
        case notes
        case avis
        case decisions
    }

    /// A cell: typed for JSON, written as text for CSV.
    enum Value: Encodable, Sendable {
        case text(String)
        case integer(Int64)
        case bool(Bool)
        case null

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .integer(let value): try container.encode(value)
            case .bool(let value): try container.encode(value)
            case .null: try container.encodeNil()
            }
        }

        /// As a CSV cell: amounts stay in cents in JSON, but a spreadsheet reads euros.
        func csv(isCents: Bool) -> String {
            switch self {
            case .text(let text): text
            case .integer(let value):
                isCents ? ((try? Money(cents: value).decimalString) ?? String(value)) : String(value)
            case .bool(let value): value ? "oui" : "non"
            case .null: ""
            }
        }
    }

    /// A column: its machine key (JSON, camelCase like the API) and its French heading (CSV).
    struct Column: Sendable {
        let key: String
        let heading: String
        var isCents: Bool { key.hasSuffix("Cents") }
    }

    /// A chunk of a dataset: its columns and some of its rows.
    struct Table: Sendable {
        let dataset: Dataset
        let columns: [Column]
        let rows: [[Value]]

        /// The CSV heading line.
        var csvHeading: String { CSV.write([columns.map(\.heading)]) }

        /// The rows as CSV lines (formulas defused, like every export opened in a spreadsheet).
        var csvLines: String {
            rows.isEmpty ? "" : CSV.write(rows.map { row in zip(columns, row).map { $1.csv(isCents: $0.isCents) } })
        }

        /// The rows as JSON objects (`{key: value, …}`, keys sorted), separated by commas.
        func jsonObjects() throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return try rows.map { row in
                String(
                    decoding: try encoder.encode(Dictionary(uniqueKeysWithValues: zip(columns.map(\.key), row))),
                    as: UTF8.self)
            }.joined(separator: ",")
        }
    }

    /// Dossiers read per chunk: the export's memory stays that of a chunk whatever the selection.
    static let chunkSize = 500

    /// Writes `dataset` for the dossiers `ids` (already narrowed to what `user` may see, in the
    /// queue's order) as CSV or JSON, a chunk of dossiers at a time.
    ///
    /// The JSON document is `{"dataset": …, "rows": [{key: value, …}], "count": n}`: the count comes
    /// last, once the rows are written.
    func write(
        _ dataset: Dataset, ids: [UUID], user: UserModel, json: Bool, to write: (String) async throws -> Void
    ) async throws {
        var count = 0
        for (index, chunk) in ids.chunked(Self.chunkSize).enumerated() {
            let byID = Dictionary(
                try await DossierModel.query(on: database).filter(\.$id ~~ chunk).with(\.$organisation).all()
                    .compactMap { d in d.id.map { ($0, d) } }, uniquingKeysWith: { a, _ in a })
            let table = try await table(dataset, dossiers: chunk.compactMap { byID[$0] }, user: user)
            if json {
                let objects = try table.jsonObjects()
                let separator = count > 0 && !objects.isEmpty ? "," : ""
                try await write(
                    (index == 0 ? "{\"dataset\":\"\(dataset.rawValue)\",\"rows\":[" : "") + separator + objects)
            } else {
                // The byte-order mark lets spreadsheets read UTF-8.
                try await write((index == 0 ? "\u{FEFF}" + table.csvHeading : "") + table.csvLines)
            }
            count += table.rows.count
        }
        if ids.isEmpty {
            let columns = try await table(dataset, dossiers: [], user: user)
            try await write(json ? "{\"dataset\":\"\(dataset.rawValue)\",\"rows\":[" : "\u{FEFF}" + columns.csvHeading)
        }
        if json { try await write("],\"count\":\(count)}") }
    }

    let database: any Database

    /// The table of `dataset` for `dossiers` (already narrowed to what `user` may see), their
    /// organisations loaded.
    func table(_ dataset: Dataset, dossiers: [DossierModel], user: UserModel) async throws -> Table {
        let ids = dossiers.compactMap(\.id)
        let numbers = Dictionary(
            dossiers.compactMap { d in d.id.map { ($0, d.number ?? "") } }, uniquingKeysWith: { a, _ in a })
        func column(_ key: String, _ heading: String) -> Column { Column(key: key, heading: heading) }
        func date(_ value: Date?) -> Value { value.map { .text(ISO8601DateFormatter().string(from: $0)) } ?? .null }
        switch dataset {
        case .dossiers:
            let assignees = try await StaffDirectory.names(Set(dossiers.compactMap(\.assigneeID)), on: database)
            let labels = try await Teamwork(database: database, now: Date()).labels(of: ids)
            let calls = Set(dossiers.map(\.$call.id))
            let themes = try await ThemeModel.query(on: database).filter(\.$call.$id ~~ Array(calls)).all()
            let themeLabels = Dictionary(themes.map { ($0.code, $0.label) }, uniquingKeysWith: { a, _ in a })
            return Table(
                dataset: dataset,
                columns: [
                    column("number", "Numéro"), column("title", "Projet"), column("carrier", "Porteur"),
                    column("themeLabel", "Thématique"),
                    column("territoryLabel", "Territoire"), column("statusLabel", "Statut"),
                    column("requestedCents", "Montant demandé (€)"),
                    column("filedAt", "Déposé le (UTC)"), column("assignee", "Instructeur"),
                    column("labels", "Étiquettes"),
                    column("simulated", "Données simulées"), column("theme", "Code thématique"),
                    column("territory", "Code territoire"),
                    column("status", "Code statut"),
                ],
                rows: dossiers.map { d in
                    [
                        .text(d.number ?? ""), .text(d.title), .text(d.organisation.name),
                        .text(themeLabels[d.themeCode] ?? d.themeCode),
                        .text(QueuePage.groupLabel(d.instructorGroup ?? "")),
                        .text((DossierStatus(rawValue: d.status) ?? .filed).label),
                        .integer(d.requestedCents), date(d.filedAt),
                        d.assigneeID.flatMap { assignees[$0] }.map(Value.text) ?? .null,
                        .text(d.id.flatMap { labels[$0] }?.joined(separator: ", ") ?? ""), .bool(d.simulated),
                        .text(d.themeCode), .text(d.instructorGroup ?? ""), .text(d.status),
                    ]
                })
        case .notes:
            let readable = try await readableAssessments(dossiers, user: user)
            let reviews = try await ReviewModel.query(on: database).filter(\.$dossier.$id ~~ readable).with(\.$reviewer)
                .all()
            return Table(
                dataset: dataset,
                columns: [
                    column("dossier", "Dossier"), column("reviewer", "Évaluateur"), column("score", "Note (sur 100)"),
                    column("marks", "Notes par critère (JSON)"), column("comments", "Commentaires"),
                    column("createdAt", "Noté le (UTC)"),
                    column("simulated", "Données simulées"),
                ],
                rows: reviews.map { r in
                    [
                        .text(numbers[r.$dossier.id] ?? ""), .text(r.reviewer.displayName),
                        .text(QueuePage.scoreText(r.score)), .text(r.marks),
                        .text(r.comments), date(r.createdAt), .bool(r.simulated),
                    ]
                })
        case .avis:
            let readable = try await readableAssessments(dossiers, user: user)
            let opinions = try await OpinionModel.query(on: database).filter(\.$dossier.$id ~~ readable).with(\.$author)
                .sort(\.$createdAt).all()
            return Table(
                dataset: dataset,
                columns: [
                    column("dossier", "Dossier"), column("author", "Auteur"), column("kind", "Avis"),
                    column("proposedCents", "Montant proposé (€)"),
                    column("motive", "Motivation"), column("createdAt", "Donné le (UTC)"),
                    column("simulated", "Données simulées"),
                ],
                rows: opinions.map { o in
                    [
                        .text(numbers[o.$dossier.id] ?? ""), .text(o.author.displayName), .text(o.kind),
                        .integer(o.proposedCents), .text(o.motive),
                        date(o.createdAt), .bool(o.simulated),
                    ]
                })
        case .decisions:
            let decisions = try await DecisionModel.query(on: database).filter(\.$dossier.$id ~~ ids).with(\.$wave)
                .all()
            return Table(
                dataset: dataset,
                columns: [
                    column("dossier", "Dossier"), column("wave", "Vague"), column("outcome", "Décision"),
                    column("grantedCents", "Montant accordé (€)"),
                    column("motive", "Motif"), column("decidedAt", "Décidé le (UTC)"),
                    column("published", "Vague publiée"),
                    column("simulated", "Données simulées"),
                ],
                rows: decisions.sorted {
                    (numbers[$0.$dossier.id] ?? "", $0.wave.number) < (numbers[$1.$dossier.id] ?? "", $1.wave.number)
                }.map { d in
                    [
                        .text(numbers[d.$dossier.id] ?? ""), .integer(Int64(d.wave.number)), .text(d.outcome),
                        .integer(d.grantedCents),
                        d.motive.map(Value.text) ?? .null, date(d.decidedAt), .bool(d.wave.publishedAt != nil),
                        .bool(d.simulated),
                    ]
                })
        }
    }

    /// The dossiers whose scores and opinions `user` may read: those without a declared link.
    private func readableAssessments(_ dossiers: [DossierModel], user: UserModel) async throws -> [UUID] {
        // The same rule as the queue and the dossier page: one place decides who is linked.
        let linked = try await StaffDirectory(database: database).linkedDossiers(user.requireID(), among: dossiers)
        return dossiers.compactMap(\.id).filter { !linked.contains($0) }
    }
}
