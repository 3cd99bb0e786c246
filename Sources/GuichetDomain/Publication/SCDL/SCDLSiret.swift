/// The SIRET check key, as Validata's `french-siret-value` enforces it.
///
/// Kept separate from the domain's `Siret` type because that one also accepts spaces and throws
/// a domain error; a published file must contain the 14 bare digits.
public enum SCDLSiret {
    /// La Poste's SIREN: its establishments' keys follow a digit-sum rule instead of Luhn.
    public static let laPosteSiren = "356000000"

    /// Whether `text` is exactly 14 ASCII digits with a valid key.
    ///
    /// Luhn over the 14 digits, except for La Poste (SIREN 356000000), whose establishments are
    /// valid when their digits add up to a multiple of 5; its head office keeps a Luhn key, so
    /// Luhn is still accepted there.
    public static func isValid(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 14, scalars.allSatisfy({ ("0"..."9").contains($0) }) else { return false }
        let digits = scalars.map { Int($0.value - 48) }
        if text.hasPrefix(laPosteSiren), digits.reduce(0, +) % 5 == 0 { return true }
        return luhn(digits)
    }

    /// The Luhn checksum: every second digit from the right doubled, digits summed, multiple of 10.
    public static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            let value = index % 2 == 1 ? digit * 2 : digit
            sum += value > 9 ? value - 9 : value
        }
        return sum % 10 == 0
    }
}
