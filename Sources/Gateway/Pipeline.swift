import Foundation

/// Produces items on a thread of its own and hands them over in batches, so one core works them
/// out while SQLite stores on the other: an import parses report rows (CSV, dates, content
/// hashes), the checks find their conditions. At most a few batches wait at a time, so memory
/// stays flat however many items there are.
final class Pipeline<Item: Sendable>: @unchecked Sendable {
    // @unchecked: every stored property is read and written only while `condition` is locked.
    private let condition = NSCondition()
    private var batches: [[Item]] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private let capacity = 4

    /// Starts producing at once. `produce` calls its argument for each item; it stops with an
    /// error when the consumer has gone away.
    init(batchSize: Int = 2000, produce: @escaping @Sendable (_ emit: (Item) throws -> Void) throws -> Void) {
        let thread = Thread { [self] in
            var batch: [Item] = []
            batch.reserveCapacity(batchSize)
            do {
                try produce { item in
                    batch.append(item)
                    if batch.count == batchSize {
                        try put(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { try put(batch) }
                end(nil)
            } catch {
                end(error)
            }
        }
        thread.stackSize = 1 << 22
        thread.start()
    }

    private struct Cancelled: Error {}

    private func put(_ batch: [Item]) throws {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= capacity && !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        batches.append(batch)
        condition.broadcast()
    }

    private func end(_ error: (any Error)?) {
        condition.lock()
        if !(error is Cancelled) { failure = error }
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch in order; nil when the producer is done. Throws what the producer threw, in
    /// its place after the batches produced before it.
    func next() throws -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !finished { condition.wait() }
        if !batches.isEmpty {
            condition.broadcast()
            return batches.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the producer (the consumer failed) and waits until it has.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}
