import Foundation

/// Runs helper programs (CBC, Chromium) without blocking a thread of the event loops.
enum ChildProcess {
    /// Runs `process` to completion; stops it when the task is cancelled or when it outlives
    /// `graceSeconds`, so that a stuck helper never holds a request forever.
    static func run(_ process: Process, graceSeconds: Double) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                process.terminationHandler = { _ in continuation.resume() }
                do {
                    try process.run()
                } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: error)
                    return
                }
                let identifier = process.processIdentifier
                DispatchQueue.global().asyncAfter(deadline: .now() + graceSeconds) {
                    if process.isRunning, process.processIdentifier == identifier { process.terminate() }
                }
                // A process that ignores SIGTERM (a shell waiting on its child) is killed.
                DispatchQueue.global().asyncAfter(deadline: .now() + graceSeconds + 5) {
                    if process.isRunning, process.processIdentifier == identifier { kill(identifier, SIGKILL) }
                }
            }
        } onCancel: {
            if process.isRunning { process.terminate() }
        }
    }

    /// The first executable named one of `names` on `PATH` (then in `/usr/bin`), or `configured`
    /// when it is set.
    static func locate(
        _ names: [String], configured: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> URL? {
        let files = FileManager.default
        if let configured, !configured.isEmpty {
            return files.isExecutableFile(atPath: configured) ? URL(fileURLWithPath: configured) : nil
        }
        let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin"]
        for name in names {
            for directory in directories {
                let candidate = URL(fileURLWithPath: directory).appendingPathComponent(name).path
                if files.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
            }
        }
        return nil
    }
}
