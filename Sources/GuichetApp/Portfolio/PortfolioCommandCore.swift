import Foundation
import GuichetDomain

/// Solves the instance file at `path` and returns the result JSON.
///
/// What `guichet propose --instance FILE` prints, and what `scripts/portfolio/compare.py` reads.
/// CBC is looked for only when the instance needs it, so instances that split into knapsacks are
/// solved on machines without it.
/// - Throws: ``PortfolioError`` (unreadable instance, invalid rules, CBC missing or failing).
public func solvePortfolioInstance(at path: String, cbcPath: String? = nil) async throws -> String {
    let problem = try readPortfolioInstance(at: path)
    let result = try await PortfolioSolver.solve(problem, milp: cbcMILPRunner(cbcPath))
    return try result.jsonString()
}

/// Solves the instance file at `path` as it is and with `envelope` set to `remainingCents`, and
/// returns the comparison JSON (added, removed, amount changes, objective delta, both results).
public func comparePortfolioInstance(
    at path: String, envelope: String, remainingCents: Int64, cbcPath: String? = nil
) async throws -> String {
    let problem = try readPortfolioInstance(at: path)
    let comparison = try await PortfolioWhatIf.compare(
        problem, envelope: envelope, remainingCents: remainingCents, milp: cbcMILPRunner(cbcPath))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    return String(decoding: try encoder.encode(comparison), as: UTF8.self)
}

/// Reads and decodes an instance file.
/// - Throws: ``PortfolioError/invalidInstance(_:)`` when the file cannot be read or decoded.
func readPortfolioInstance(at path: String) throws -> PortfolioProblem {
    let data: Data
    do {
        data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw PortfolioError.invalidInstance("impossible de lire \(path)")
    }
    return try PortfolioProblem.decode(json: data)
}

/// The MILP runner the app uses: CBC (`GUICHET_CBC_PATH`, read by ``AppConfiguration``, or found
/// on the `PATH`), located when a model needs it.
func cbcMILPRunner(_ configured: String?) -> PortfolioSolver.MILPRunner {
    { model in try await CBCRunner.locate(configured: configured).solve(model) }
}
