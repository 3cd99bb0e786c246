import Foundation

/// A day of the proleptic Gregorian calendar, with no time and no time zone.
///
/// Dates in open data files are legal days (the day a convention was signed), not instants:
/// converting them to `Date` would shift them by the server's time zone around midnight.
public struct CalendarDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The year, 1 to 9999 (ISO 8601 basic four-digit years).
    public let year: Int
    /// The month, 1 to 12.
    public let month: Int
    /// The day of the month, 1 to 28–31 depending on the month and leap years.
    public let day: Int

    /// Builds a day, or `nil` if it does not exist in the calendar (2021-02-29, 2021-13-01).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            day >= 1, day <= CalendarDay.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` with ASCII digits; `nil` for any other shape or an unreal day.
    public init?(iso text: String) {
        guard let parts = CalendarDay.isoParts(text) else { return nil }
        self.init(year: parts.year, month: parts.month, day: parts.day)
    }

    /// Whether `text` has the `YYYY-MM-DD` shape, whatever the numbers.
    ///
    /// Separating shape from existence lets messages say « mauvais format » or
    /// « date inexistante », which call for different fixes.
    public static func hasISOShape(_ text: String) -> Bool { isoParts(text) != nil }

    /// The day written `YYYY-MM-DD`, as the SCDL and ISO 8601 expect.
    public var iso: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Same as ``iso``.
    public var description: String { iso }

    /// Orders days chronologically.
    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// The number of days in a month, with Gregorian leap years (2000 yes, 1900 no).
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func isoParts(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 10, scalars[4] == "-", scalars[7] == "-" else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for scalar in scalars[range] {
                guard ("0"..."9").contains(scalar) else { return nil }
                value = value * 10 + Int(scalar.value - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        return (year, month, day)
    }
}

extension CalendarDay {
    /// The calendar day in Paris on which `date` falls: French administrative acts are dated in
    /// Paris time whatever the server's zone. Always a real day, so this cannot fail.
    public init(inParis date: Date) {
        let c = ParisTime.calendar.dateComponents([.year, .month, .day], from: date)
        year = c.year ?? 1970
        month = c.month ?? 1
        day = c.day ?? 1
    }
}
