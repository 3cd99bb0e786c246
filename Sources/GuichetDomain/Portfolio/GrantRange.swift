import Foundation

/// The amounts a selected dossier may receive.
///
/// Without partial funding that is its request and nothing else. With a floor of p %, it is any
/// whole-euro amount from ⌈p % × request⌉ (rounded up to the euro, never below 1 €) up to the
/// request, plus the request itself when it has cents: the committee grants round euros but never
/// cuts a few cents off a request it funds in full.
struct GrantRange: Equatable, Sendable {
    /// The request, in cents: the largest amount.
    let requested: Int64
    /// The smallest whole-euro amount of the partial range, in euros.
    let lowEuros: Int64
    /// The largest whole-euro amount not above the request, in euros.
    let highEuros: Int64

    /// The all-or-nothing range.
    init(requested: Int64) {
        self.requested = requested
        self.lowEuros = 1
        self.highEuros = 0  // empty: only the request
    }

    /// The range for a floor of `floor` hundredths of a percent (5000 for 50 %).
    init(requested: Int64, floor: Int) {
        self.requested = requested
        let product = Int64(floor).multipliedFullWidth(by: requested)
        let (quotient, remainder) = Int64(1_000_000).dividingFullWidth(product)
        self.lowEuros = max(1, quotient + (remainder > 0 ? 1 : 0))
        self.highEuros = requested / 100
    }

    /// Whether amounts below the request are possible at all.
    var isPartial: Bool { lowEuros <= highEuros && lowEuros * 100 < requested }

    /// The smallest amount a selected dossier may receive, in cents.
    var floorCents: Int64 { isPartial ? lowEuros * 100 : requested }

    /// The cents of the request beyond its whole euros (`45 000,50 €` → 50).
    var extraCents: Int64 { requested % 100 }

    /// Whether `cents` is an amount this dossier may be granted when selected.
    func allows(_ cents: Int64) -> Bool {
        if cents == requested { return true }
        guard isPartial, cents % 100 == 0 else { return false }
        return (lowEuros...highEuros).contains(cents / 100)
    }
}
