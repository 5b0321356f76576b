import Foundation
import Store

/// The database a test runs on. The suites run twice in `make test`: on SQLite files, and with
/// `CERTGATE_TEST_ENGINE=postgresql` on a throwaway PostgreSQL server this process starts once
/// (initdb into a temporary folder, a Unix socket only) and stops when it exits.
public enum TestDatabase {
    /// Whether this run's tests use PostgreSQL.
    public static let isPostgreSQL = ProcessInfo.processInfo.environment["CERTGATE_TEST_ENGINE"] == "postgresql"

    /// The database of a test's folder: a SQLite file in `directory`, or a database of its own
    /// on the shared PostgreSQL server (the same one each time for the same folder).
    public static func location(in directory: TemporaryDirectory, name: String = "certgate.db") throws -> String {
        guard isPostgreSQL else { return directory.file(name) }
        let key = directory.file(name)
        if let known = Shared.byFolder.withLock({ $0[key] }) { return known }
        let created = try newPostgreSQLDatabase()
        Shared.byFolder.withLock { $0[key] = created }
        return created
    }

    /// A new, empty database on the shared PostgreSQL server (started on first use).
    public static func newPostgreSQLDatabase() throws -> String {
        let server = try Shared.server.get()
        let name = Shared.names.withLock { count -> String in
            count += 1
            return "test_\(getpid())_\(count)"
        }
        try PostgresConnection(server.conninfo).execute("CREATE DATABASE \(name)")
        return server.conninfo(database: name)
    }

    private enum Shared {
        static let server: Result<PostgresServer, any Error> = {
            let started = Result { try PostgresServer() }
            if case .success = started { atexit { if case .success(let server) = Shared.server { server.stop() } } }
            return started
        }()
        static let names = Locked(0)
        static let byFolder = Locked([String: String]())
    }
}

/// A value shared by a test process's threads.
final class Locked<Value>: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
