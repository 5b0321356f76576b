import Foundation
import Synchronization

/// Work started on a thread of its own, whose value is collected later: matching's roster index
/// built while a pull downloads, the next batch of results matched while this one is written.
final class Background<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ work: @escaping @Sendable () -> Value) {
        Thread { [self] in
            let result = work()
            value.withLock { $0 = result }
            done.signal()
        }.start()
    }

    /// Waits for the value and hands it over; this keeps no reference to it (an index can be
    /// hundreds of megabytes).
    func take() -> Value {
        done.wait()
        return value.withLock { value in
            defer { value = nil }
            return value!
        }
    }
}
