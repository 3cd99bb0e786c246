import Foundation

extension Money {
    /// How an amount is written for people.
    public enum Style: Sendable {
        /// Every euro, with cents only when there are any: `4 400 000 €`, `12 500,50 €`.
        case full
        /// Millions with one decimal from 1 M€ on (`4,4 M€`, `100 M€`), full below.
        case compact
    }

    /// The amount written the French way.
    ///
    /// Groups of thousands and the euro sign are separated by ordinary spaces, as the press kit
    /// writes them, so that copied figures search and compare as people type them; pages keep an
    /// amount on one line with CSS rather than with no-break spaces.
    public func formatted(_ style: Style = .full) -> String {
        switch style {
        case .full:
            let euros = cents / 100
            let rest = cents % 100
            let grouped = Money.group(euros)
            return rest == 0 ? "\(grouped) €" : "\(grouped),\(rest < 10 ? "0" : "")\(rest) €"
        case .compact:
            let tenthOfMillion: Int64 = 10_000_000  // 100 000 € in cents
            guard cents >= 10 * tenthOfMillion else { return formatted(.full) }
            let (rounded, _) = cents.addingReportingOverflow(tenthOfMillion / 2)
            let totalTenths = rounded / tenthOfMillion
            let whole = totalTenths / 10
            let decimal = totalTenths % 10
            return decimal == 0 ? "\(Money.group(whole)) M€" : "\(Money.group(whole)),\(decimal) M€"
        }
    }

    /// The amount as a plain decimal string in euros, for machines (`4400000.00`).
    public var decimalString: String { decimalString(separator: ".") }

    /// The amount in euros with two decimals after `separator` and no grouping: `4400000,00` is
    /// how a form field offers an amount to edit (``parse(_:)`` reads it back).
    public func decimalString(separator: String) -> String {
        let rest = cents % 100
        return "\(cents / 100)\(separator)\(rest < 10 ? "0" : "")\(rest)"
    }

    /// Parses an amount as people type it: `12500`, `12 500`, `12 500,50`, `12500.5`, `12 500 €`.
    ///
    /// - Throws: ``DomainError/invalidAmount(_:)`` for anything else (letters, several decimal
    ///   separators, more than two decimals), ``DomainError/negativeAmount(_:)`` for a minus sign,
    ///   ``DomainError/amountOverflow`` for absurdly large numbers.
    public static func parse(_ text: String) throws(DomainError) -> Money {
        var cleaned = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if cleaned.hasSuffix("€") { cleaned.removeLast() }
        cleaned = cleaned.filter { !$0.isWhitespace && $0 != "\u{202F}" && $0 != "\u{A0}" }
        if cleaned.hasPrefix("-") { throw .negativeAmount(-1) }
        let parts = cleaned.split(separator: cleaned.contains(",") ? "," : ".", omittingEmptySubsequences: false)
        guard !cleaned.isEmpty, parts.count <= 2,
            let wholePart = parts.first, !wholePart.isEmpty, wholePart.allSatisfy(\.isASCIIDigit)
        else { throw .invalidAmount(text) }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard (1...2).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) else { throw .invalidAmount(text) }
            guard let value = Int64(digits) else { throw .invalidAmount(text) }
            fraction = value * (digits.count == 1 ? 10 : 1)
        }
        guard wholePart.count <= 16, let euros = Int64(wholePart) else { throw .amountOverflow }
        return try Money(cents: euros * 100 + fraction)
    }

    private static func group(_ value: Int64) -> String {
        let digits = String(value)
        let count = digits.utf8.count
        guard count > 3 else { return digits }
        // Bytes, not characters: the staff's pages write several hundred amounts each.
        var out: [UInt8] = []
        out.reserveCapacity(count + count / 3)
        for (index, byte) in digits.utf8.enumerated() {
            if index > 0, (count - index) % 3 == 0 { out.append(UInt8(ascii: " ")) }
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
