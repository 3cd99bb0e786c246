import Foundation

/// The proposal as a mixed-integer program, written for COIN-OR CBC.
///
/// Variables, per dossier `i` not forced out: `x_i` ∈ {0,1} (selected); with partial funding,
/// `y_i` the whole euros granted and, for a request with cents, `f_i` ∈ {0,1} (funded in full, so
/// that the cents are paid too). The amount in cents is `r_i·x_i`, or `100·y_i + c_i·f_i`.
///
/// Every row has integer coefficients divided by their greatest common divisor, so that CBC,
/// which computes in doubles, adds exact integers (below 2⁵³) and a violated row is violated by at
/// least one unit; shares are written `10000·Σ_theme amount − p·Σ amount ≥ 0` with p in hundredths
/// of a percent. Without partial funding the objective coefficients are the scores, integers, so
/// CBC's cut-off increment and `-ratio 0` prove optimality to the unit.
public struct MILPModel: Sendable {
    /// The instance's name, for logs.
    public let name: String
    /// The model in CPLEX LP format.
    public let lpText: String
    /// A feasible selection in CBC's `-mipstart` format (`index name value` per line), if one was found.
    public let warmStart: String?
    /// The seconds CBC may use.
    public let timeLimitSeconds: Double
    /// Whether every objective coefficient is an integer (no partial funding).
    public let integralObjective: Bool
    /// When set, only selections scoring at least this many points are wanted: the solver may
    /// prune every branch that cannot reach it and answer "infeasible" when none does (CBC's
    /// `-cutoff`). A core searched against a target needs nothing below the target, and pruning
    /// against it from the first node makes CBC several times faster there.
    public var minimumObjective: Int64?

    let prepared: PreparedPortfolio

    /// Whether the whole euros `y_i` are continuous: the model is then a relaxation whose
    /// optimum bounds the proposal's, and whose amounts ``grants(from:)`` rounds down to the euro.
    public let continuousAmounts: Bool

    /// Writes the model of `prepared`, with `start` (amounts per dossier) as the warm start.
    /// - Throws: ``PortfolioError/amountOverflow`` when a share row's coefficients do not fit in 64 bits.
    /// - Parameter fixed: per dossier, `true` or `false` to fix it in or out (a core problem),
    ///   `nil` to leave it to the solver; forced dossiers are fixed whatever it says.
    /// - Parameter minimumObjective: see ``minimumObjective``; only for an integral objective.
    /// - Parameter continuousAmounts: see ``continuousAmounts``; only with partial funding.
    init(
        _ prepared: PreparedPortfolio, start: [Int64]?, timeLimitSeconds: Double, fixed: [Bool?]? = nil,
        minimumObjective: Int64? = nil, continuousAmounts: Bool = false
    ) throws(PortfolioError) {
        self.prepared = prepared
        self.name = prepared.problem.name
        self.timeLimitSeconds = timeLimitSeconds
        self.integralObjective = !prepared.partial
        self.minimumObjective = prepared.partial ? nil : minimumObjective
        self.continuousAmounts = prepared.partial && continuousAmounts
        self.lpText = try Self.write(prepared, fixed: fixed, continuousAmounts: self.continuousAmounts)
        self.warmStart = start.map { Self.startText(prepared, granted: $0, fixed: fixed) }
    }

    /// The amount terms of dossier `index`: (coefficient, column) pairs whose sum is its amount in cents.
    static func amountTerms(_ prepared: PreparedPortfolio, _ index: Int) -> [(Int64, String)] {
        let range = prepared.range[index]
        guard range.isPartial else { return [(range.requested, "x\(index)")] }
        var terms: [(Int64, String)] = [(100, "y\(index)")]
        if range.extraCents > 0 { terms.append((range.extraCents, "f\(index)")) }
        return terms
    }

    static func write(
        _ prepared: PreparedPortfolio, fixed: [Bool?]? = nil, continuousAmounts: Bool = false
    ) throws(PortfolioError) -> String {
        let active = (0..<prepared.count).filter { prepared.forcing[$0] != .forcedOut && fixed?[$0] != false }
        let fixedIn = { (index: Int) in prepared.forcing[index] == .forcedIn || fixed?[index] == true }
        var lp = LPWriter()
        lp.line("\\ Guichet portfolio proposal: \(prepared.problem.name.filter { !$0.isNewline })")
        lp.line("Maximize")
        var objective: [(String, String)] = []
        for index in active {
            let range = prepared.range[index]
            let score = prepared.score[index]
            if !range.isPartial {
                objective.append(("\(score)", "x\(index)"))
            } else {
                // score × amount ÷ request, with amount = 100·y + c·f.
                objective.append((decimal(Double(score) * 100 / Double(range.requested)), "y\(index)"))
                if range.extraCents > 0 {
                    objective.append(
                        (decimal(Double(score) * Double(range.extraCents) / Double(range.requested)), "f\(index)"))
                }
                objective.append(("0", "x\(index)"))
            }
        }
        lp.row("obj", objective.isEmpty ? [("0", "dummy")] : objective, nil)
        lp.line("Subject To")

        for envelope in 0..<prepared.envelopeCount where prepared.demandUnder[envelope] > prepared.remaining[envelope] {
            var terms: [(Int64, String)] = []
            for index in active where prepared.chainOf[prepared.envelopeOf[index]].contains(envelope) {
                terms += amountTerms(prepared, index)
            }
            lp.integerRow("env_\(envelope)", terms, "<=", prepared.remaining[envelope])
        }
        for theme in prepared.themeIDs.indices {
            for (kind, percent) in [("thmin", prepared.themeMin[theme]), ("thmax", prepared.themeMax[theme])] {
                guard let percent else { continue }
                var terms: [(Int64, String)] = []
                for index in active {
                    let weight = Int64(prepared.themeOf[index] == theme ? 10_000 - percent : -percent)
                    for (coefficient, column) in amountTerms(prepared, index) {
                        let (product, overflow) = coefficient.multipliedReportingOverflow(by: weight)
                        guard !overflow else { throw .amountOverflow }
                        terms.append((product, column))
                    }
                }
                lp.integerRow("\(kind)_\(theme)", terms, kind == "thmin" ? ">=" : "<=", 0)
            }
        }
        for departement in prepared.departementIDs.indices where prepared.departementMinimum[departement] > 0 {
            let terms = active.filter { prepared.departementOf[$0] == departement }.map { (Int64(1), "x\($0)") }
            lp.integerRow("dep_\(departement)", terms, ">=", Int64(prepared.departementMinimum[departement]))
        }
        var bounds: [String] = []
        var generals: [String] = []
        var binaries: [String] = []
        for index in active {
            let range = prepared.range[index]
            binaries.append("x\(index)")
            if fixedIn(index) { bounds.append("x\(index) = 1") }
            guard range.isPartial else { continue }
            // lowEuros·x ≤ y ≤ highEuros·x: a selected dossier gets at least its floor.
            lp.integerRow("lo_\(index)", [(1, "y\(index)"), (-range.lowEuros, "x\(index)")], ">=", 0)
            lp.integerRow("hi_\(index)", [(1, "y\(index)"), (-range.highEuros, "x\(index)")], "<=", 0)
            bounds.append("0 <= y\(index) <= \(range.highEuros)")
            if !continuousAmounts { generals.append("y\(index)") }
            if range.extraCents > 0 {
                // The cents are paid only with the whole request: f ≤ x and y ≥ highEuros·f.
                lp.integerRow("fx_\(index)", [(1, "f\(index)"), (-1, "x\(index)")], "<=", 0)
                lp.integerRow("fy_\(index)", [(1, "y\(index)"), (-range.highEuros, "f\(index)")], ">=", 0)
                binaries.append("f\(index)")
            }
        }
        if active.isEmpty { bounds.append("dummy = 0") }
        if !bounds.isEmpty {
            lp.line("Bounds")
            for bound in bounds { lp.line(" \(bound)") }
        }
        if !generals.isEmpty { lp.list("Generals", generals) }
        if !binaries.isEmpty { lp.list("Binaries", binaries) }
        lp.line("End")
        return lp.text
    }

    /// The warm start: every integer column's value for the amounts `granted`.
    static func startText(_ prepared: PreparedPortfolio, granted: [Int64], fixed: [Bool?]? = nil) -> String {
        var lines: [String] = []
        for (index, amount) in granted.enumerated()
        where prepared.forcing[index] != .forcedOut && fixed?[index] != false {
            let range = prepared.range[index]
            lines.append("\(lines.count) x\(index) \(amount > 0 ? 1 : 0)")
            guard range.isPartial else { continue }
            let full = amount == range.requested && range.extraCents > 0
            lines.append("\(lines.count) y\(index) \(amount / 100)")
            if range.extraCents > 0 { lines.append("\(lines.count) f\(index) \(full ? 1 : 0)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The amounts per dossier in a solution's column values (rounded to the nearest integer,
    /// since CBC reports integers within its tolerance). Continuous euros are rounded down, unless
    /// within 10⁻⁶ of a whole euro: a selected dossier keeps at least its floor (a whole number of
    /// euros), and an envelope never holds more than the solver put in it.
    func grants(from values: [String: Double]) -> [Int64] {
        (0..<prepared.count).map { index in
            guard prepared.forcing[index] != .forcedOut else { return 0 }
            func integer(_ column: String, down: Bool = false) -> Int64 {
                guard let value = values[column], value.isFinite, abs(value) < 9e15 else { return 0 }
                let nearest = value.rounded()
                return Int64(down && abs(value - nearest) > 1e-6 ? value.rounded(.down) : nearest)
            }
            guard integer("x\(index)") == 1 else { return 0 }
            let range = prepared.range[index]
            guard range.isPartial else { return range.requested }
            return 100 * integer("y\(index)", down: continuousAmounts) + range.extraCents * integer("f\(index)")
        }
    }

    /// A coefficient in plain decimal notation, as CPLEX LP requires (no exponent).
    static func decimal(_ value: Double) -> String {
        let text = String(format: "%.20f", value)
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed.removeLast() }
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        return String(trimmed)
    }
}

/// Accumulates an LP file, a few terms per line (CBC's reader and people both dislike endless lines).
struct LPWriter {
    private(set) var text = ""

    mutating func line(_ content: String) {
        text += content
        text += "\n"
    }

    /// A row with textual coefficients; `sense` nil for the objective.
    mutating func row(_ name: String, _ terms: [(String, String)], _ sense: (String, String)?) {
        var current = " \(name):"
        for (position, (coefficient, column)) in terms.enumerated() {
            if position > 0, position % 8 == 0 {
                line(current)
                current = ""
            }
            let sign = coefficient.hasPrefix("-") ? "-" : "+"
            let magnitude = coefficient.hasPrefix("-") ? String(coefficient.dropFirst()) : coefficient
            current += " \(sign) \(magnitude) \(column)"
        }
        if let (sense, rhs) = sense { current += " \(sense) \(rhs)" }
        line(current)
    }

    /// A row with integer coefficients, merged per column and divided by their common divisor.
    mutating func integerRow(_ name: String, _ terms: [(Int64, String)], _ sense: String, _ rhs: Int64) {
        var merged: [(Int64, String)] = []
        var position: [String: Int] = [:]
        for (coefficient, column) in terms {
            if let at = position[column] {
                merged[at].0 += coefficient
            } else {
                position[column] = merged.count
                merged.append((coefficient, column))
            }
        }
        merged.removeAll { $0.0 == 0 }
        guard !merged.isEmpty else {
            // An empty row is either always true or always false; keep an impossible one visible.
            let holds = sense == "<=" ? 0 <= rhs : 0 >= rhs
            if !holds { row(name, [("0", "dummy")], (sense, "\(rhs)")) }
            return
        }
        var divisor = merged.reduce(Int64(0)) { gcd($0, $1.0.magnitude) }
        if divisor == 0 { divisor = 1 }
        // Dividing a ≤ row by d rounds its right-hand side down, a ≥ row up: exact for integers.
        let scaledRHS = sense == "<=" ? floorDivide(rhs, divisor) : -floorDivide(-rhs, divisor)
        row(name, merged.map { ("\($0.0 / divisor)", $0.1) }, (sense, "\(scaledRHS)"))
    }

    mutating func list(_ section: String, _ columns: [String]) {
        line(section)
        var position = 0
        while position < columns.count {
            line(" " + columns[position..<min(position + 12, columns.count)].joined(separator: " "))
            position += 12
        }
    }

    private func gcd(_ a: Int64, _ b: UInt64) -> Int64 {
        var x = UInt64(a.magnitude)
        var y = b
        while y != 0 { (x, y) = (y, x % y) }
        return Int64(x)
    }

    private func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}
