import Foundation
import Gateway
import Synchronization

/// "Pull now" from the console: one pull at a time on a thread of its own, its progress kept for
/// the Pulls page to show while it runs and its outcome after.
final class BackgroundPull: Sendable {
    struct State: Sendable {
        var running = false
        var startedBy: String?
        var startedAt: Date?
        /// The latest progress lines, oldest first.
        var progress: [String] = []
        /// How the last pull ended, one line per provider, or why it could not run.
        var outcome: [String] = []
    }

    private let state = Mutex(State())
    private let options: PullOptions

    init(options: PullOptions) { self.options = options }

    var current: State { state.withLock { $0 } }

    /// Starts a pull acting as `gateway`'s actor; false when one is already running here.
    func start(_ gateway: Gateway) -> Bool {
        let started = state.withLock { state -> Bool in
            guard !state.running else { return false }
            state = State(running: true, startedBy: gateway.actor, startedAt: Date())
            return true
        }
        guard started else { return false }
        let options = options
        Thread { [self] in
            var outcome: [String]
            do {
                let report = try gateway.pull(options) { [self] event in
                    let line = event.provider.isEmpty ? event.message : "\(event.provider): \(event.message)"
                    state.withLock { $0.progress = Array(($0.progress + [line]).suffix(12)) }
                }
                outcome = report.providers.map { summary in
                    "\(summary.provider): \(summary.status.rawValue), \(summary.fetched) fetched, \(summary.new) new, "
                        + "\(summary.updated) updated, \(summary.rejected) rejected" + (summary.error.map { " (\($0))" } ?? "")
                }
                outcome.append("matching and checks done: \(report.checks.tasksOpened) task(s) opened, \(report.checks.tasksResolved) resolved")
            } catch {
                outcome = ["the pull could not run: \(error)"]
            }
            state.withLock {
                $0.running = false
                $0.outcome = outcome
            }
        }.start()
        return true
    }
}
