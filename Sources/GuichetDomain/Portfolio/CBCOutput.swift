import Foundation

/// What a MILP solver answered, whichever solver it was.
public struct MILPSolution: Equatable, Sendable {
    /// How the solver's search ended.
    public enum Status: Equatable, Sendable {
        /// Optimal within a relative gap of zero.
        case optimal
        /// Stopped by the time limit with a feasible selection.
        case stoppedWithSolution
        /// Stopped by the time limit before finding any feasible selection.
        case stoppedWithoutSolution
        /// Proven infeasible.
        case infeasible
    }

    /// How the search ended.
    public var status: Status
    /// The objective of the returned values, as the solver computed it.
    public var objective: Double?
    /// The best bound the solver proved (for a maximisation, an upper bound).
    public var bound: Double?
    /// Column values by name; columns not listed are zero.
    public var values: [String: Double]

    /// Creates a solution.
    public init(status: Status, objective: Double?, bound: Double?, values: [String: Double]) {
        self.status = status
        self.objective = objective
        self.bound = bound
        self.values = values
    }
}

/// Reads CBC's solution file (`-solu`) and its log (standard output).
///
/// The solution file's first line gives the status (`Optimal`, `Stopped on time`, `Infeasible`,
/// `Integer infeasible`, …) and the objective; each following line is
/// `index name value reduced-cost`, with `**` in front of values outside their bounds. The log gives
/// what the file does not: the best bound when the search was stopped (`Upper bound:` for a
/// maximisation, `Lower bound:` for a minimisation, or `best possible` in the progress lines).
public enum CBCOutput {
    /// Parses a run's solution file and log.
    /// - Throws: ``PortfolioError/solverFailed(_:)`` for an empty or unrecognised answer.
    public static func parse(solution: String, log: String) throws(PortfolioError) -> MILPSolution {
        var lines = solution.split(whereSeparator: \.isNewline).makeIterator()
        guard let header = lines.next().map(String.init), !header.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .solverFailed("fichier de solution vide" + logTail(log))
        }
        let lowered = header.lowercased()
        let status: MILPSolution.Status
        if lowered.hasPrefix("optimal") {
            status = .optimal
        } else if lowered.hasPrefix("infeasible") || lowered.hasPrefix("integer infeasible") {
            status = .infeasible
        } else if lowered.hasPrefix("stopped") {
            let continuousOnly = lowered.contains("no integer solution") || log.contains("No feasible solution found")
            status = continuousOnly ? .stoppedWithoutSolution : .stoppedWithSolution
        } else {
            throw .solverFailed("statut inattendu « \(header) »" + logTail(log))
        }

        var values: [String: Double] = [:]
        if status == .optimal || status == .stoppedWithSolution {
            while let line = lines.next() {
                var fields = line.split(separator: " ", omittingEmptySubsequences: true)
                if fields.first == "**" { fields.removeFirst() }
                if let first = fields.first, first.hasPrefix("**") { fields[0] = first.dropFirst(2) }
                guard fields.count >= 3, Int(fields[0]) != nil, let value = Double(fields[2]) else { continue }
                values[String(fields[1])] = value
            }
        }
        let objective =
            status == .optimal || status == .stoppedWithSolution ? number(after: "objective value", in: header) : nil
        var bound = labelled(["Upper bound:", "Lower bound:"], in: log) ?? bestPossible(in: log)
        if status == .optimal { bound = objective }
        return MILPSolution(status: status, objective: objective, bound: bound, values: values)
    }

    /// The first number after `marker` in `text`.
    static func number(after marker: String, in text: String) -> Double? {
        guard let range = text.range(of: marker) else { return nil }
        let rest = text[range.upperBound...].drop { $0 == " " || $0 == ":" }
        let token = rest.prefix { !$0.isWhitespace && $0 != ")" && $0 != "," }
        return Double(token)
    }

    /// The value of the last log line starting with one of `labels`.
    static func labelled(_ labels: [String], in log: String) -> Double? {
        var found: Double?
        for line in log.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            for label in labels where trimmed.hasPrefix(label) {
                if let value = number(after: label, in: trimmed) { found = value }
            }
        }
        return found
    }

    /// The bound in the last progress line (`… (best possible -7462485)`), sign restored:
    /// CBC minimises internally and prints the negated objective of a maximisation there.
    static func bestPossible(in log: String) -> Double? {
        var found: Double?
        for line in log.split(whereSeparator: \.isNewline) where line.contains("best possible") {
            if let value = number(after: "best possible", in: String(line)) { found = value }
        }
        guard let found else { return nil }
        return log.contains("Maximization problem reformulated as minimization") ? -found : found
    }

    private static func logTail(_ log: String) -> String {
        let tail = log.split(whereSeparator: \.isNewline).suffix(3).joined(separator: " / ")
        return tail.isEmpty ? "" : " (journal : \(tail))"
    }
}
