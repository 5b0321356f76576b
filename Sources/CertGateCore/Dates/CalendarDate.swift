/// A day in the calendar with no time or time zone: a date of birth, a date earned.
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date, or nil when the day does not exist (February 30th, month 13).
    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2200).contains(year), (1...12).contains(month),
            (1...CalendarDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` (ISO 8601) or `MM/DD/YYYY` (US exports; one-digit month and day allowed).
    public init?(parsing text: some StringProtocol) {
        let trimmed = text.trimmingSpaces
        let iso = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        if iso.count == 3, iso[0].count == 4, iso[1].count == 2, iso[2].count == 2,
            let y = Int(iso[0]), let m = Int(iso[1]), let d = Int(iso[2])
        {
            self.init(year: y, month: m, day: d)
            return
        }
        let us = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        if us.count == 3, (1...2).contains(us[0].count), (1...2).contains(us[1].count), us[2].count == 4,
            let m = Int(us[0]), let d = Int(us[1]), let y = Int(us[2])
        {
            self.init(year: y, month: m, day: d)
            return
        }
        return nil
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a date (expected YYYY-MM-DD)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    public var trimmingSpaces: Substring {
        let text = Substring(self)
        guard let first = text.firstIndex(where: { !$0.isWhitespace }) else { return text[text.endIndex...] }
        let last = text.lastIndex(where: { !$0.isWhitespace })!
        return text[first...last]
    }
}

extension CalendarDate {
    /// The Julian day number: days counted without time zones or a Foundation calendar.
    var julianDay: Int {
        let a = (14 - month) / 12
        let y = year + 4800 - a
        let m = month + 12 * a - 3
        return day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
    }

    /// Calendar days from this day to another (negative when the other is earlier).
    public func days(to other: CalendarDate) -> Int { other.julianDay - julianDay }

    /// The day `days` later (earlier when negative).
    public func adding(days: Int) -> CalendarDate {
        let julian = julianDay + days
        let b = julian + 32044
        let c = (4 * b + 3) / 146097
        let d = b - 146097 * c / 4
        let e = (4 * d + 3) / 1461
        let f = d - 1461 * e / 4
        let g = (5 * f + 2) / 153
        return CalendarDate(
            year: 100 * c + e - 4800 + g / 10, month: g + 3 - 12 * (g / 10), day: f - (153 * g + 2) / 5 + 1)!
    }
}
