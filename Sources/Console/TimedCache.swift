import Foundation
import Synchronization

/// Values kept for a while by key: the dashboard's figures per view (who sees what, which
/// year) and the years with data. On a state's database they count a year of results, and a
/// dashboard need not be newer than a minute.
final class TimedCache<Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var at: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    let seconds: TimeInterval

    init(seconds: TimeInterval = 60) { self.seconds = seconds }

    /// The value for `key`, computed again when older than `seconds`; and when it was computed.
    func value(_ key: String, compute: () throws -> Value) rethrows -> (Value, Date) {
        let now = Date()
        if let entry = entries.withLock({ $0[key] }), now.timeIntervalSince(entry.at) < seconds { return (entry.value, entry.at) }
        let value = try compute()
        entries.withLock { entries in
            if entries.count > 1000 { entries = entries.filter { now.timeIntervalSince($0.value.at) < seconds } }
            entries[key] = Entry(value: value, at: now)
        }
        return (value, now)
    }
}
