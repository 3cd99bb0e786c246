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
    func queue(req: Request) async throws -> Response {
        let user = try req.auth.require(UserModel.self)
        let filters = try req.queryParameters(InstructionQueue.Filters.self)
        let queue = InstructionQueue(database: req.db, keeping: req.keeping)
        let selection = try await queue.selection(for: user, filters: filters)
        let page = try await queue.page(selection, number: max(1, min(filters.page ?? 1, 100_000)))
        let assignees = try await StaffDirectory.names(Set(page.rows.compactMap(\.assigneeID)), on: req.db)
        let teamwork = Teamwork(database: req.db, now: Date())
        let catalog = try await CallRepository(database: req.db).catalog(keeping: req.keeping)
        let extras = QueuePage.Extras(
            labels: try await teamwork.labels(of: page.rows.map(\.id)),
            labelsInUse: try await teamwork.labelsInUse(groups: selection.groups),
            colleagues: try await StaffDirectory(req).instructorNames(sharing: selection.groups),
            currentURL: req.url.string, themes: catalog.themes, calls: catalog.calls)
        let response = try await req.view.render(
            "instruction/queue",
            QueuePage(
                req, selection: selection, rows: page.rows, metadata: page.metadata, assignees: assignees,
                extras: extras)
        ).encodeResponse(for: req)
        QueueReturn.remember(req, in: response)
        return response
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
        let queue = InstructionQueue(database: req.db, keeping: req.keeping)
        let ids = try await queue.ids(queue.selection(for: user, filters: filters))
        let exporter = ExportService(database: req.db)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(
            name: .contentType, value: format == "json" ? "application/json" : "text/csv; charset=utf-8")
        headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"\(dataset.rawValue).\(format)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        // Rows are read and written a chunk of dossiers at a time: memory stays flat at any size.
        let response = Response.streamed(headers: headers) { writer in
            let text = StreamedText(writer)
            try await exporter.write(dataset, ids: ids, user: user, json: format == "json") { try await text.write($0) }
            try await text.flush()
        }
        return response
    }
}

/// The queue a staff member came from, with its filters, so that a dossier's "Retour à la liste"
/// leads back to it — across the dossier's own actions, which redirect to the dossier page.
///
/// Kept in a cookie scoped to `/instruction` rather than in the session: the queue is the most
/// read staff page, and a session write on each view would cost a database write. The cookie only
/// ever holds a queue address, checked again when read (``SiteURL/returning(_:)``).
enum QueueReturn {
    static let cookie = "guichet_queue"

    static func remember(_ req: Request, in response: Response) {
        response.cookies[cookie] = HTTPCookies.Value(
            string: req.url.string, path: SiteURL.instruction.path,
            isSecure: req.application.guichetConfiguration.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }

    /// The queue to go back to: the remembered one, or the queue unfiltered.
    static func url(_ req: Request) -> String {
        SiteURL.instruction.returning(req.cookies[cookie]?.string ?? "")
    }
}
