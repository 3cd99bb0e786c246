import Fluent
import Foundation
import GuichetDomain
import SQLKit
import Vapor

/// The instruction queue (`/instruction`), its CSV and the exports of what it shows.
struct InstructionQueueController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped(LoginRequired(), StaffRequired(roles: StaffDirectory.instructingRoles))
        staff.get(.instruction, use: queue)
        staff.get(.instructionCSV, use: export)
        staff.get(.instructionExport(.pattern), use: exportDataset)
    }

    @Sendable
    func queue(req: Request) async throws -> View {
        let user = try req.auth.require(UserModel.self)
        let filters = try req.queryParameters(InstructionQueue.Filters.self)
        let (query, groups, counts) = try await InstructionQueue(database: req.db).query(for: user, filters: filters)
        let pageNumber = max(1, min(filters.page ?? 1, 100_000))
        let page = try await InstructionQueue.page(
            query, number: pageNumber, filters: filters, counts: counts)
        let assignees = try await StaffDirectory.names(Set(page.items.compactMap(\.assigneeID)), on: req.db)
        // A linked person never sees the scores of the dossiers of their organisations.
        let linked = try await StaffDirectory(database: req.db).linkedDossiers(user.requireID(), among: page.items)
        let scores = try await InstructionService.aggregates(
            page.items.compactMap(\.id).filter { !linked.contains($0) }, on: req.db)
        let teamwork = Teamwork(database: req.db, now: Date())
        let extras = QueuePage.Extras(
            labels: try await teamwork.labels(of: page.items.compactMap(\.id)),
            labelsInUse: try await teamwork.labelsInUse(groups: groups),
            colleagues: try await StaffDirectory(database: req.db).instructors(sharing: groups),
            currentURL: req.url.string,
            themes: try await CallRepository(database: req.db).themeCatalog())
        return try await req.view.render(
            "instruction/queue",
            QueuePage(
                req, filters: filters, page: page, counts: counts,
                assignees: assignees, groups: groups, scores: scores,
                extras: extras))
    }

    /// The queue as CSV (UTF-8), with the filters applied: the dossiers dataset of the exports.
    @Sendable
    func export(req: Request) async throws -> Response {
        try await exportResponse(req, dataset: .dossiers, format: "csv")
    }

    /// `/instruction/exports/{dataset}.{csv|json}`: dossiers, scores (`notes`), opinions (`avis`)
    /// or decisions of the dossiers the person may see, with the queue's filters.
    @Sendable
    func exportDataset(req: Request) async throws -> Response {
        let name = req.parameters.get("dataset") ?? ""
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let dataset = ExportService.Dataset(rawValue: parts[0]),
            ["csv", "json"].contains(parts[1])
        else {
            throw AppError.notFound(
                "unknown_export", "Export inconnu : choisissez dossiers, notes, avis ou decisions, en .csv ou .json.")
        }
        return try await exportResponse(req, dataset: dataset, format: parts[1])
    }

    private func exportResponse(_ req: Request, dataset: ExportService.Dataset, format: String) async throws -> Response
    {
        let user = try req.auth.require(UserModel.self)
        let filters = try req.queryParameters(InstructionQueue.Filters.self)
        let (query, _, _) = try await InstructionQueue(database: req.db).query(for: user, filters: filters)
        let table = try await ExportService(database: req.db).table(
            dataset, dossiers: try await query.all(), user: user)
        let response: Response
        if format == "json" {
            response = Response(status: .ok, body: .init(data: try table.json()))
            response.headers.replaceOrAdd(name: .contentType, value: "application/json")
        } else {
            // The byte-order mark lets spreadsheets read UTF-8.
            response = Response(status: .ok, body: .init(string: "\u{FEFF}" + table.csv))
            response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        }
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"\(dataset.rawValue).\(format)\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }
}
