import Foundation

/// The five (at most) classes a choropleth map shades its values into.
///
/// Method: quantiles of the positive values (each class holds about the same number of
/// départements, so the map never ends up all one colour because of a single outlier), each
/// break rounded to two significant digits so the legend reads « 1 200 000 € » rather than
/// « 1 187 342,17 € »; when rounding pushes a break outside the values, the exact quantile is
/// kept instead. A value equal to a break belongs to the upper class, hence the legend's
/// « de … à moins de … », the wording INSEE uses; the last class includes the maximum.
/// Breaks that would leave a class empty are removed, so all-equal values or a single value give
/// one class. Zero, negative and missing values are « Aucun montant » and belong to no class.
public struct ShadingClasses: Sendable, Hashable {
    /// One class: the values from `lower` to `upper`, the upper bound included only in the last class.
    public struct Interval: Sendable, Hashable {
        /// The smallest value of the class (the minimum of the values for the first class).
        public let lower: Int64
        /// The bound of the class: excluded, except for the last class where it is the maximum.
        public let upper: Int64
        /// Whether `upper` belongs to the class (last class only).
        public let includesUpper: Bool
        /// How many of the classified values fall in the class.
        public let count: Int
    }

    /// The sequential palette, lightest first: blues from ColorBrewer's family, darkened so that
    /// every class has a contrast of at least 3:1 against a white page and the white strokes
    /// (3.0, 4.7, 7.2, 11.1, 15.9), with at least 1.43:1 between neighbouring classes plus a hue
    /// shift from cyan-blue to navy for colour-blind readers.
    public static let palette = ["#469ec9", "#2e78b9", "#22569f", "#183489", "#0c146a"]

    /// The classes, in increasing order; empty when there is no positive value.
    public let ranges: [Interval]

    /// Classes the values into at most `maximumCount` quantile classes (see the type's comment).
    public init(values: some Sequence<Int64>, maximumCount: Int = 5) {
        let sorted = values.filter { $0 > 0 }.sorted()
        guard let minimum = sorted.first, let maximum = sorted.last else {
            ranges = []
            return
        }
        let count = max(1, min(maximumCount, Self.palette.count))
        var breaks: [Int64] = []
        for step in 1..<max(count, 1) {
            let quantile = sorted[step * sorted.count / count]
            let rounded = Self.roundedToTwoDigits(quantile)
            let candidate = (minimum < rounded && rounded <= maximum) ? rounded : quantile
            if minimum < candidate && candidate <= maximum && !breaks.contains(candidate) { breaks.append(candidate) }
        }
        var lowers = [minimum] + breaks.sorted()
        // Drop the break of any empty class, merging it into the class below, until none is empty.
        while true {
            let counts = Self.counts(sorted, lowers: lowers)
            guard let empty = counts.indices.dropFirst().first(where: { counts[$0] == 0 }) else {
                ranges = lowers.indices.map { index in
                    let isLast = index == lowers.count - 1
                    return Interval(
                        lower: lowers[index], upper: isLast ? maximum : lowers[index + 1],
                        includesUpper: isLast, count: counts[index])
                }
                return
            }
            lowers.remove(at: empty)
        }
    }

    /// The class of a value, or nil for zero, negative and missing values (« Aucun montant »).
    public func classIndex(of value: Int64) -> Int? {
        guard value > 0, !ranges.isEmpty else { return nil }
        return ranges.lastIndex { $0.lower <= value } ?? 0
    }

    /// The fill of a class: with fewer than five classes the palette is sampled evenly, so the
    /// classes stay as far apart as possible.
    public func fill(ofClass index: Int) -> String {
        let spread: [[Int]] = [[2], [1, 3], [0, 2, 4], [0, 1, 3, 4], [0, 1, 2, 3, 4]]
        let count = max(1, min(ranges.count, spread.count))
        let indices = spread[count - 1]
        return Self.palette[indices[max(0, min(index, indices.count - 1))]]
    }

    /// The legend wording of a class, e.g. « de 100 000 € à moins de 250 000 € ».
    public func legendText(ofClass index: Int, label: (Int64) -> String) -> String {
        guard ranges.indices.contains(index) else { return "" }
        let range = ranges[index]
        if range.includesUpper {
            return range.lower == range.upper ? label(range.lower) : "de \(label(range.lower)) à \(label(range.upper))"
        }
        return "de \(label(range.lower)) à moins de \(label(range.upper))"
    }

    private static func counts(_ sorted: [Int64], lowers: [Int64]) -> [Int] {
        var counts = Array(repeating: 0, count: lowers.count)
        for value in sorted {
            counts[lowers.lastIndex { $0 <= value } ?? 0] += 1
        }
        return counts
    }

    /// The value rounded to two significant digits, halves up: 1 187 342 → 1 200 000.
    static func roundedToTwoDigits(_ value: Int64) -> Int64 {
        guard value >= 100 else { return value }
        var unit: Int64 = 1
        while value / unit >= 100 { unit *= 10 }
        let (sum, overflow) = value.addingReportingOverflow(unit / 2)
        return overflow ? value : sum / unit * unit
    }
}
