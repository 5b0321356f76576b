import Foundation

/// A few PostgreSQL connections shared by a process's threads (the console's requests, a pull
/// running beside them): a transaction borrows one and gives it back. Connections open as they
/// are first needed, up to `capacity`; one broken by a server restart is dropped, not reused.
///
/// Writers may hold all but a quarter of them: a write can wait long for another process (an
/// upload's checks for a running pull's), and readers (the console's pages) must still find a
/// connection meanwhile.
final class PostgresPool: Sendable {
    let conninfo: String
    let capacity: Int
    /// Connections writers may hold at once.
    let writerCapacity: Int
    // @unchecked state behind `condition`: the idle connections and how many are open.
    private let state = PoolState()

    init(conninfo: String, capacity: Int) throws {
        self.conninfo = conninfo
        self.capacity = max(1, capacity)
        writerCapacity = self.capacity == 1 ? 1 : self.capacity - max(1, self.capacity / 4)
        // Connect once now, so a wrong address or password is reported on open.
        state.idle.append(try PostgresConnection(conninfo))
        state.open = 1
    }

    /// Runs `body` with a connection of its own, waiting for one when all are in use (or, for
    /// a writer, all writers may hold).
    func withConnection<T>(writing: Bool = false, _ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try checkOut(writing: writing)
        defer { checkIn(connection, writing: writing) }
        return try body(connection)
    }

    private func checkOut(writing: Bool) throws -> PostgresConnection {
        state.condition.lock()
        while (state.idle.isEmpty && state.open >= capacity) || (writing && state.writers >= writerCapacity) {
            state.condition.wait()
        }
        if writing { state.writers += 1 }
        if let connection = state.idle.popLast() {
            state.condition.unlock()
            return connection
        }
        state.open += 1
        state.condition.unlock()
        do {
            return try PostgresConnection(conninfo)
        } catch {
            state.condition.lock()
            state.open -= 1
            if writing { state.writers -= 1 }
            state.condition.broadcast()
            state.condition.unlock()
            throw error
        }
    }

    private func checkIn(_ connection: PostgresConnection, writing: Bool) {
        state.condition.lock()
        defer { state.condition.unlock() }
        if connection.isHealthy { state.idle.append(connection) } else { state.open -= 1 }
        if writing { state.writers -= 1 }
        // Readers and writers wait on one condition for different things: wake them all.
        state.condition.broadcast()
    }
}

/// `@unchecked Sendable`: every field is read and written only while holding `condition`.
private final class PoolState: @unchecked Sendable {
    let condition = NSCondition()
    var idle: [PostgresConnection] = []
    var open = 0
    /// Connections checked out by writers.
    var writers = 0
}
