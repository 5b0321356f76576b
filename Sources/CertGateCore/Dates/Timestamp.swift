public import Foundation
import Synchronization

/// ISO 8601 UTC timestamps, as stored.
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        // A run stamps hundreds of thousands of rows and audit events with the same instant:
        // formatting it once saves most of the cost.
        if let text = last.withLock({ $0?.date == date ? $0?.text : nil }) { return text }
        let text = date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        last.withLock { $0 = (date, text) }
        return text
    }

    private static let last = Mutex<(date: Date, text: String)?>(nil)
}

extension CalendarDate {
    /// The day (in UTC, as stored) an instant falls on; now by default.
    public static func day(of date: Date = Date()) -> CalendarDate {
        CalendarDate(parsing: Timestamp.string(date).prefix(10))!
    }
}
