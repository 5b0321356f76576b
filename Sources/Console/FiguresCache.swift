import Foundation
import Gateway
import Synchronization

/// The dashboard's figures, kept a minute per view (who sees what, which year): on a state's
/// database they count a year of results, and a dashboard need not be newer than that.
final class FiguresCache: Sendable {
    private struct Entry {
        var figures: DashboardFigures
        var at: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    let seconds: TimeInterval

    init(seconds: TimeInterval = 60) { self.seconds = seconds }

    /// The figures of `account`'s view of `year`, counted again when older than `seconds`; and when they were counted.
    func figures(_ gateway: Gateway, account: UserAccount, year: SchoolYear) throws -> (DashboardFigures, Date) {
        let key = [account.role.rawValue, account.schools.sorted().joined(separator: "\u{1F}"), account.teacherName ?? "", year.description]
            .joined(separator: "\u{1E}")
        let now = Date()
        if let entry = entries.withLock({ $0[key] }), now.timeIntervalSince(entry.at) < seconds { return (entry.figures, entry.at) }
        let figures = try gateway.dashboardFigures(visibleTo: account, schoolYear: year)
        entries.withLock { entries in
            if entries.count > 1000 { entries = entries.filter { now.timeIntervalSince($0.value.at) < seconds } }
            entries[key] = Entry(figures: figures, at: now)
        }
        return (figures, now)
    }
}
