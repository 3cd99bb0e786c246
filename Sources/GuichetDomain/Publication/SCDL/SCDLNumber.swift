import Foundation

/// Table Schema's number lexicon with the defaults the SCDL uses: `.` decimal, no group separator.
public enum SCDLNumber {
    /// Parses `[+-]digits[.digits][e[+-]digits]` exactly (ASCII digits only), or an integer.
    ///
    /// Stricter than Table Schema on one point: `NaN` and `INF` are refused, since no amount or
    /// share in a subsidy file can be infinite. Decimal arithmetic keeps `0.01` exact.
    public static func parse(_ text: String, integerOnly: Bool) -> Decimal? {
        var body = text
        var sign = ""
        if body.hasPrefix("-") {
            sign = "-"
            body.removeFirst()
        } else if body.hasPrefix("+") {
            body.removeFirst()
        }
        let isDigit: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) }
        var mantissa = body
        var exponent = ""
        if let e = body.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard !integerOnly else { return nil }
            mantissa = String(body[..<e])
            exponent = String(body[body.index(after: e)...])
            let digits = exponent.hasPrefix("+") || exponent.hasPrefix("-") ? String(exponent.dropFirst()) : exponent
            guard !digits.isEmpty, digits.unicodeScalars.allSatisfy(isDigit) else { return nil }
        }
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.allSatisfy({ $0.unicodeScalars.allSatisfy(isDigit) }),
            parts.contains(where: { !$0.isEmpty }), !(integerOnly && parts.count > 1)
        else { return nil }
        let normalized = sign + parts.joined(separator: ".") + (exponent.isEmpty ? "" : "e" + exponent)
        return Decimal(string: normalized, locale: Locale(identifier: "en_US_POSIX"))
    }
}
