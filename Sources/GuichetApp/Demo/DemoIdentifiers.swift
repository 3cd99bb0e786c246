import Foundation
import GuichetDomain

/// Simulated SIRET numbers for the demo's organisations and granting bodies.
///
/// The press kit names the laureates but not their identifiers, and open data needs one per
/// beneficiary and per granting body. The demo derives a stable number from each name, with a
/// valid check key so that the SCDL file passes its schema; every page offering these files says
/// that the demo's identifiers are simulated. The numbers start with 9, a SIREN range INSEE has
/// not allotted, so that none can be mistaken for a real establishment.
enum DemoIdentifiers {
    /// A 14-digit SIRET derived from `name`, whose Luhn key is valid.
    static func siret(for name: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let body =
            "9" + String(String(hash % 1_000_000_000_000).reversed()).padding(toLength: 12, withPad: "0", startingAt: 0)
        let digits = body.compactMap(\.wholeNumberValue)
        for key in 0...9 where SCDLSiret.luhn(digits + [key]) { return body + String(key) }
        return body + "0"
    }
}
