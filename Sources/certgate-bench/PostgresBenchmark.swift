import Foundation
import Store
import TestSupport

/// Issue 15's targets on a PostgreSQL server this benchmark starts for itself (initdb into a
/// temporary folder, a Unix socket only, stopped at the end), set as a district's DBA might
/// for a two-core host: durable (fsync on), 512 MiB of shared buffers.
final class PostgresBenchmark {
    let server: PostgresServer

    init() throws {
        server = try PostgresServer(settings: ["fsync=on", "shared_buffers=512MB", "max_connections=200", "max_wal_size=4GB"])
    }

    /// A new, empty database on the server; its connection string.
    func newDatabase(_ name: String) throws -> String {
        try PostgresConnection(server.conninfo).execute("CREATE DATABASE \(name)")
        return server.conninfo(database: name)
    }
}
