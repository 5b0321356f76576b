public import CertGateCore
public import Foundation

/// Reads the date-times providers write in reports.
public enum ExamTime {
    /// Parses `MM/DD/YYYY hh:mm AM|PM` (also `hh:mm:ss`, 24-hour `HH:mm`, or a date alone) in the
    /// given time zone, or ISO 8601 (`2026-01-07T14:30:00-05:00`, `…Z`, or without an offset, in
    /// the given zone).
    public static func parse(_ text: String, in zone: TimeZone) -> Date? {
        let value = text.trimmingCharacters(in: .whitespaces)
        if value.contains("/") { return parseUS(value, zone) }
        return parseISO(value, zone)
    }

    private static func parseUS(_ value: String, _ zone: TimeZone) -> Date? {
        let parts = value.split(separator: " ", omittingEmptySubsequences: true)
        guard (1...3).contains(parts.count) else { return nil }
        let date = parts[0].split(separator: "/", omittingEmptySubsequences: false)
        guard date.count == 3, date[2].count == 4, let month = Int(date[0]), let day = Int(date[1]), let year = Int(date[2])
        else { return nil }
        var hour = 0, minute = 0, second = 0
        if parts.count >= 2 {
            guard let time = clock(parts[1]) else { return nil }
            (hour, minute, second) = time
            if parts.count == 3 {
                let marker = parts[2].uppercased()
                guard (1...12).contains(hour), marker == "AM" || marker == "PM" else { return nil }
                if marker == "AM" && hour == 12 { hour = 0 }
                if marker == "PM" && hour != 12 { hour += 12 }
            }
        }
        return make(year, month, day, hour, minute, second, zone)
    }

    private static func parseISO(_ value: String, _ zone: TimeZone) -> Date? {
        let separator = value.firstIndex { $0 == "T" || $0 == " " }
        let datePart = separator.map { value[..<$0] } ?? Substring(value)
        let fields = datePart.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0].count == 4, fields[1].count == 2, fields[2].count == 2,
            let year = Int(fields[0]), let month = Int(fields[1]), let day = Int(fields[2])
        else { return nil }
        guard let separator else { return make(year, month, day, 0, 0, 0, zone) }
        var rest = value[value.index(after: separator)...]
        var zoneToUse = zone
        if rest.hasSuffix("Z") {
            zoneToUse = TimeZone(identifier: "UTC")!
            rest = rest.dropLast()
        } else if let sign = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let offset = rest[rest.index(after: sign)...].replacingOccurrences(of: ":", with: "")
            guard offset.count == 4, let hours = Int(offset.prefix(2)), let minutes = Int(offset.suffix(2)) else { return nil }
            let seconds = (hours * 3600 + minutes * 60) * (rest[sign] == "-" ? -1 : 1)
            guard let fixed = TimeZone(secondsFromGMT: seconds) else { return nil }
            zoneToUse = fixed
            rest = rest[..<sign]
        }
        if let dot = rest.firstIndex(of: ".") { rest = rest[..<dot] }  // fractions of a second
        guard let (hour, minute, second) = clock(rest) else { return nil }
        return make(year, month, day, hour, minute, second, zoneToUse)
    }

    private static func clock(_ text: Substring) -> (Int, Int, Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil }) else { return nil }
        let hour = parts[0]!, minute = parts[1]!, second = parts.count == 3 ? parts[2]! : 0
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else { return nil }
        return (hour, minute, second)
    }

    private static func make(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, _ zone: TimeZone)
        -> Date?
    {
        guard (1...12).contains(month), (1...CalendarDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(
            from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))
    }

    /// An instant as ISO 8601 in a zone, with its offset: `2026-01-07T14:30:00-05:00`.
    public static func format(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = zone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.year!)-\(two(parts.month!))-\(two(parts.day!))T\(two(parts.hour!)):\(two(parts.minute!)):\(two(parts.second!))"
            + "\(sign)\(two(abs(offset) / 3600)):\(two(abs(offset) % 3600 / 60))"
    }

    /// The calendar day an instant falls on in a zone.
    public static func day(of date: Date, in zone: TimeZone) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
