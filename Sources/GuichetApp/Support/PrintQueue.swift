import Foundation

/// One press-kit print at a time in this process, and no new attempt for a while after a failure:
/// a crowd asking for a PDF that cannot be printed never starts a crowd of browsers.
actor PrintQueue {
    static let shared = PrintQueue()

    /// How long a failed print is not retried, per publication.
    static let cooldown: TimeInterval = 600

    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var failedAt: [UUID: Date] = [:]

    /// Runs `work` alone; refuses at once while the publication's last print failed recently.
    func run<T: Sendable>(
        for publication: UUID, now: Date = Date(), _ work: @Sendable () async throws -> T
    ) async throws -> T {
        if let failed = failedAt[publication], now.timeIntervalSince(failed) < Self.cooldown {
            throw AppError(
                status: .serviceUnavailable, code: "pdf_failed",
                message:
                    "Le PDF n'a pas pu être produit récemment : imprimez la page du dossier de presse depuis votre navigateur, ou réessayez dans quelques minutes."
            )
        }
        while busy { await withCheckedContinuation { waiting.append($0) } }
        busy = true
        defer {
            busy = false
            if !waiting.isEmpty { waiting.removeFirst().resume() }
        }
        do {
            return try await work()
        } catch {
            failedAt[publication] = Date()
            throw error
        }
    }
}
