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
        job.heartbeatAt = job.createdAt
        try await job.create(on: app.db)
        let id = try job.requireID()
        let agent = InstructionService.agent(user)
        Task.detached { await run(id, call: call, agent: agent, app: app) }
        return id
    }

    /// How often a running job says it is alive, and how long without a sign makes it abandoned.
    static let heartbeat: Duration = .seconds(5)
    static let abandonedAfter: TimeInterval = 60

    /// Runs a job to its end: done, refused with its faulty rows, or failed with the reason.
    static func run(_ id: UUID, call: LoadedCall, agent: Agent, app: Application) async {
        let db = app.db
        guard let job = try? await ImportJobModel.find(id, on: db) else { return }
        // Alive while it runs, reading or writing: another instance ends it only if this stops.
        let alive = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: heartbeat) } catch { return }
                try? await ImportJobModel.query(on: db).filter(\.$id == id)
                    .filter(\.$status == ImportJobModel.Status.running.rawValue).set(\.$heartbeatAt, to: Date())
                    .update()
            }
        }
        defer { alive.cancel() }
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
                .run(call, source: .text(job.content), dryRun: job.dryRun, by: agent, progress: progress)
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

    /// Ends the jobs whose instance stopped while running them (no sign of life for
    /// ``abandonedAfter``): failed, with the reason the page shows, their file deleted. The import
    /// itself, all or nothing, wrote nothing. Each instance's background loop calls it; the
    /// conditional update ends each job once.
    @discardableResult
    static func endAbandoned(on db: any Database, now: Date = Date()) async throws -> Int {
        let stale = try await ImportJobModel.query(on: db)
            .filter(\.$status == ImportJobModel.Status.running.rawValue)
            .filter(\.$heartbeatAt < now.addingTimeInterval(-abandonedAfter)).all(\.$id)
        guard !stale.isEmpty else { return 0 }
        try await ImportJobModel.query(on: db).filter(\.$id ~~ stale)
            .filter(\.$status == ImportJobModel.Status.running.rawValue)
            .set(\.$status, to: ImportJobModel.Status.failed.rawValue)
            .set(
                \.$outcome,
                to:
                    "L'import a été interrompu (le serveur qui le traitait s'est arrêté) ; rien n'a été importé. Envoyez le fichier à nouveau."
            )
            .set(\.$content, to: "").set(\.$finishedAt, to: now).update()
        return stale.count
    }
}
