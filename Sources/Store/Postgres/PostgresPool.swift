import Foundation

/// A few PostgreSQL connections shared by a process's threads (the console's requests, a pull
/// running beside them): a transaction borrows one and gives it back. Connections open as they
/// are first needed, up to `capacity`; one broken by a server restart is dropped, not reused.
final class PostgresPool: Sendable {
    let conninfo: String
    let capacity: Int
    // @unchecked state behind `condition`: the idle connections and how many are open.
    private let state = PoolState()

    init(conninfo: String, capacity: Int) throws {
        self.conninfo = conninfo
        self.capacity = max(1, capacity)
        // Connect once now, so a wrong address or password is reported on open.
        state.idle.append(try PostgresConnection(conninfo))
        state.open = 1
    }

    /// Runs `body` with a connection of its own, waiting for one when all are in use.
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    private func checkOut() throws -> PostgresConnection {
        state.condition.lock()
        while state.idle.isEmpty && state.open >= capacity { state.condition.wait() }
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
            state.condition.signal()
            state.condition.unlock()
            throw error
        }
    }

    private func checkIn(_ connection: PostgresConnection) {
        state.condition.lock()
        defer { state.condition.unlock() }
        if connection.isHealthy { state.idle.append(connection) } else { state.open -= 1 }
        state.condition.signal()
    }
}

/// `@unchecked Sendable`: every field is read and written only while holding `condition`.
private final class PoolState: @unchecked Sendable {
    let condition = NSCondition()
    var idle: [PostgresConnection] = []
    var open = 0
}
