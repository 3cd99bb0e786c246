import Foundation
import GuichetDomain

/// Runs COIN-OR CBC on a portfolio model, the way PuLP does: files in a temporary directory, the
/// command line, then the solution file and the log read back.
///
/// Only this type touches processes and files; the model, the warm start and the parsing of CBC's
/// answers are pure domain code (``MILPModel``, ``CBCOutput``).
public struct CBCRunner: Sendable {
    /// The `cbc` binary.
    public let executable: URL

    /// Uses the given binary.
    public init(executable: URL) {
        self.executable = executable
    }

    /// Finds `cbc`: the configured path (`GUICHET_CBC_PATH`) if set, otherwise the first `cbc` on
    /// the system's `PATH`, otherwise `/usr/bin/cbc` (where Debian's coinor-cbc puts it).
    /// - Throws: ``PortfolioError/solverMissing(path:)``.
    public static func locate(
        configured: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(PortfolioError) -> CBCRunner {
        let files = FileManager.default
        if let configured, !configured.isEmpty {
            guard files.isExecutableFile(atPath: configured) else { throw .solverMissing(path: configured) }
            return CBCRunner(executable: URL(fileURLWithPath: configured))
        }
        let directories =
            (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        for directory in directories where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent("cbc").path
            if files.isExecutableFile(atPath: candidate) {
                return CBCRunner(executable: URL(fileURLWithPath: candidate))
            }
        }
        throw .solverMissing(path: nil)
    }

    /// Solves `model` with CBC and returns its parsed answer; the temporary files are removed.
    /// - Throws: ``PortfolioError/solverFailed(_:)`` when CBC cannot be started or answers nothing usable.
    public func solve(_ model: MILPModel) async throws -> MILPSolution {
        let files = FileManager.default
        let directory = files.temporaryDirectory.appendingPathComponent("guichet-cbc-\(UUID().uuidString)")
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? files.removeItem(at: directory) }

        let modelFile = directory.appendingPathComponent("model.lp")
        let solutionFile = directory.appendingPathComponent("solution.txt")
        let logFile = directory.appendingPathComponent("cbc.log")
        try Data(model.lpText.utf8).write(to: modelFile)
        var arguments = [modelFile.path]
        // A start below the minimum asked for would be of no use, and CBC may report it as its
        // answer all the same: it is left out then.
        if let start = model.warmStart, model.minimumObjective == nil {
            let startFile = directory.appendingPathComponent("start.mst")
            try Data(start.utf8).write(to: startFile)
            arguments += ["-mipstart", startFile.path]
        }
        // Wall-clock seconds (the committee waits in wall-clock time), no relative gap tolerated.
        let seconds = String(format: "%.1f", max(1, model.timeLimitSeconds))
        arguments += [
            "-timeMode", "elapsed", "-sec", seconds, "-ratio", "0", "-allowableGap", "0", "-solve", "-solu",
            solutionFile.path,
        ]
        if let minimum = model.minimumObjective {
            // CBC keeps only solutions above the cutoff, in the problem's own sense (here a
            // maximisation); half a point below the minimum keeps a solution scoring exactly it.
            arguments.insert(contentsOf: ["-cutoff", String(format: "%.1f", Double(minimum) - 0.5)], at: 1)
        }

        _ = files.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = log
        process.standardError = log
        do {
            try await ChildProcess.run(process, graceSeconds: max(1, model.timeLimitSeconds) + 30)
        } catch let error as PortfolioError {
            throw error
        } catch {
            throw PortfolioError.solverFailed("impossible de lancer \(executable.path) (\(error.localizedDescription))")
        }
        let logText = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        guard let solutionText = try? String(contentsOf: solutionFile, encoding: .utf8) else {
            throw PortfolioError.solverFailed(
                "CBC s'est arrêté (code \(process.terminationStatus)) sans écrire de solution")
        }
        return try CBCOutput.parse(solution: solutionText, log: logText)
    }
}
