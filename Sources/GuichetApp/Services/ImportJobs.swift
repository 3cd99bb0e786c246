import Fluent
import Foundation
import GuichetDomain
import Vapor

/// Long imports run in the background of the instance that received the file; their progress and
/// outcome are written to `import_jobs`, so the page that follows them can be served by any
/// instance.
enum ImportJobs {
    /// A faulty row as the job page lists it.
    struct Faulty: Codable {
        let line: Int
        let problems: [String]
    }

    /// Records the job and starts it; returns its id.
    static func start(
        _ app: Application, call: LoadedCall, user: UserModel, fileName: String, text: String, dryRun: Bool
    ) async throws -> UUID {
        let job = ImportJobModel()
        job.$call.id = call.id
        job.$user.id = try user.requireID()
        job.fileName = fileName
        job.content = text
        job.dryRun = dryRun
        job.status = ImportJobModel.Status.running.rawValue
        job.total = max(0, text.split(whereSeparator: \.isNewline).count - 1)
        job.processed = 0
        job.createdAt = Date()
        try await job.create(on: app.db)
        let id = try job.requireID()
        let agent = InstructionService.agent(user)
        Task.detached { await run(id, call: call, agent: agent, app: app) }
        return id
    }

    /// Runs a job to its end: done, refused with its faulty rows, or failed with the reason.
    static func run(_ id: UUID, call: LoadedCall, agent: Agent, app: Application) async {
        let db = app.db
        guard let job = try? await ImportJobModel.find(id, on: db) else { return }
        let progress: @Sendable (Int, Int) -> Void = { done, total in
            // Progress is advisory: a lost update only makes the page lag by one step.
            Task {
                try? await ImportJobModel.query(on: db).filter(\.$id == id).set(\.$processed, to: done).set(
                    \.$total, to: total
                ).update()
            }
        }
        do {
            let summary = try await ImportService(database: db, now: Date())
                .run(call, text: job.content, dryRun: job.dryRun, by: agent, progress: progress)
            job.status = ImportJobModel.Status.done.rawValue
            job.outcome = summary.text
            job.processed = summary.rows
        } catch let report as ImportReport {
            job.status = ImportJobModel.Status.refused.rawValue
            let faulty = report.issuesByLine.map { Faulty(line: $0.line, problems: $0.issues.map(\.message)) }
            job.outcome = (try? JSONEncoder().encode(faulty)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
            job.processed = report.rowsRead
            job.total = report.rowsRead
        } catch {
            job.status = ImportJobModel.Status.failed.rawValue
            job.outcome =
                (error as? DomainError)?.message
                ?? "Erreur inattendue : l'import n'a rien écrit. Réessayez ou contactez l'administrateur du serveur."
            app.logger.error("import job \(id): \(error)")
        }
        // The file is not kept once imported or refused.
        job.content = ""
        job.finishedAt = Date()
        try? await job.save(on: db)
    }
}
