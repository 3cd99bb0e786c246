import Foundation

/// Dates as the call's people read them: stored in UTC, shown and reasoned about in Europe/Paris.
///
/// A deadline such as "15 janvier 2021" means the end of that day in Paris, whatever the server's
/// own time zone; every conversion between a calendar day and an instant goes through here.
public enum ParisTime {
    /// The Europe/Paris time zone (falls back to UTC+1 only if the system has no time zone data).
    public static let zone: TimeZone =
        TimeZone(identifier: "Europe/Paris") ?? TimeZone(secondsFromGMT: 3600) ?? .current

    /// A Gregorian calendar in Europe/Paris, made once: a staff page names fifty days, and a
    /// calendar with its locale made for each of them cost more than the rows' markup.
    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        calendar.locale = Locale(identifier: "fr_FR")
        return calendar
    }()

    /// The instant at which the given Paris calendar day starts.
    /// - Returns: `nil` when the day does not exist (31 February…).
    public static func startOfDay(year: Int, month: Int, day: Int) -> Date? {
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }

    /// The first instant after the given Paris calendar day: the exclusive end of a deadline day.
    public static func endOfDay(year: Int, month: Int, day: Int) -> Date? {
        guard let start = startOfDay(year: year, month: month, day: day) else { return nil }
        return calendar.date(byAdding: .day, value: 1, to: start)
    }

    /// Parses an ISO calendar day (`2021-01-15`) as its start in Paris.
    public static func day(_ iso: String) -> Date? {
        let parts = iso.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        return startOfDay(year: y, month: m, day: d)
    }

    private static let monthNames = [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
        "août", "septembre", "octobre", "novembre", "décembre",
    ]

    /// `16 avril 2021`.
    public static func longDate(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        let day = c.day ?? 1
        return "\(day == 1 ? "1er" : String(day)) \(monthNames[(c.month ?? 1) - 1]) \(c.year ?? 0)"
    }

    /// `15 janvier 2021 à 23 h 59`.
    public static func longDateTime(_ date: Date) -> String {
        let c = calendar.dateComponents([.hour, .minute], from: date)
        let minute = c.minute ?? 0
        return "\(longDate(date)) à \(c.hour ?? 0) h \(minute < 10 ? "0" : "")\(minute)"
    }

    /// `avril 2021`.
    public static func monthYear(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month], from: date)
        return "\(monthNames[(c.month ?? 1) - 1]) \(c.year ?? 0)"
    }

    /// The ISO calendar day in Paris (`2021-04-16`).
    public static func isoDay(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}
