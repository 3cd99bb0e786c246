import Foundation

/// Dates of an import file: an ISO day (`2021-01-10`) or an ISO 8601 date-time.
public enum ImportDate {
    /// Reads an ISO day or date-time.
    ///
    /// A day alone means noon in Paris: midnight would read as the day before for anyone
    /// converting to UTC, whereas noon stays the same calendar day in every time zone and far from
    /// the night-time changes of summer time. A date-time without offset is Paris time, the call's
    /// own clock; with `Z` or `±HH:MM` it is taken as written. Seconds may carry a fraction, which
    /// is dropped.
    /// - Returns: `nil` for anything else, or for a day that does not exist (2021-02-30).
    public static func parse(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let chars = Array(trimmed.utf8)
        guard chars.count >= 10, let year = number(chars, 0, 4), chars[4] == dash,
            let month = number(chars, 5, 2), chars[7] == dash, let day = number(chars, 8, 2)
        else { return nil }
        guard chars.count > 10 else { return make(year, month, day, 12, 0, 0, ParisTime.zone) }
        guard chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: " ") else { return nil }
        return dateTime(Array(chars[11...]), year, month, day)
    }

    /// Built once: most dates of a file are Paris days, and building a calendar per cell is slow.
    private static let parisCalendar = ParisTime.calendar
    private static let dash = UInt8(ascii: "-")
    private static let colon = UInt8(ascii: ":")

    private static func dateTime(_ time: [UInt8], _ year: Int, _ month: Int, _ day: Int) -> Date? {
        guard time.count >= 5, let hour = number(time, 0, 2), time[2] == colon, let minute = number(time, 3, 2) else {
            return nil
        }
        var index = 5
        var second = 0
        if index < time.count, time[index] == colon {
            guard let value = number(time, index + 1, 2) else { return nil }
            second = value
            index += 3
            if index < time.count, time[index] == UInt8(ascii: ".") || time[index] == UInt8(ascii: ",") {
                index += 1
                let start = index
                while index < time.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(time[index]) { index += 1 }
                guard index > start else { return nil }
            }
        }
        guard let zone = zone(Array(time[index...])) else { return nil }
        return make(year, month, day, hour, minute, second, zone)
    }

    /// The zone a date-time's suffix names: none (Paris), `Z`, `±HH:MM` or `±HHMM`.
    private static func zone(_ suffix: [UInt8]) -> TimeZone? {
        if suffix.isEmpty { return ParisTime.zone }
        if suffix == [UInt8(ascii: "Z")] { return TimeZone(secondsFromGMT: 0) }
        guard let sign = suffix.first, sign == UInt8(ascii: "+") || sign == dash else { return nil }
        let digits = Array(suffix.dropFirst().filter { $0 != colon })
        guard digits.count == 4, suffix.count == 5 || (suffix.count == 6 && suffix[3] == colon),
            let hours = number(digits, 0, 2), let minutes = number(digits, 2, 2), hours <= 14, minutes < 60
        else { return nil }
        let seconds = (hours * 3600 + minutes * 60) * (sign == dash ? -1 : 1)
        return TimeZone(secondsFromGMT: seconds)
    }

    private static func make(
        _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int,
        _ zone: TimeZone
    ) -> Date? {
        var calendar = parisCalendar
        if zone != ParisTime.zone { calendar.timeZone = zone }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard hour < 24, minute < 60, second < 60, components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }

    private static func number(_ chars: [UInt8], _ start: Int, _ length: Int) -> Int? {
        guard start + length <= chars.count else { return nil }
        var value = 0
        for char in chars[start..<(start + length)] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(char) else { return nil }
            value = value * 10 + Int(char - UInt8(ascii: "0"))
        }
        return value
    }
}
