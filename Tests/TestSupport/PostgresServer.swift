import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway PostgreSQL server for a test: `initdb` into a temporary folder and `pg_ctl start`
/// listening only on a Unix socket there (no TCP), stopped and removed at the end. PostgreSQL
/// refuses to run as root, so as root the server runs as the `postgres` user.
/// `@unchecked Sendable`: nothing changes after `init`.
public final class PostgresServer: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let socketFolder: String
    public let port: Int
    private let binaries: String
    private let runAs: [String]

    /// The connection string of the server's `postgres` database for `user`.
    public var conninfo: String { conninfo(database: "postgres") }

    /// The connection string of one of the server's databases.
    public func conninfo(database: String) -> String { "host=\(socketFolder) port=\(port) dbname=\(database) user=\(owner)" }
    private var owner: String { getuid() == 0 ? "postgres" : (ProcessInfo.processInfo.environment["USER"] ?? "postgres") }

    /// - Parameter settings: server settings for `postgres -c` (the tests' default turns fsync off).
    public init(settings: [String] = ["fsync=off"]) throws {
        guard let bindir = Self.output("/usr/bin/pg_config", ["--bindir"]), FileManager.default.isExecutableFile(atPath: bindir + "/initdb") else {
            throw ServerError("PostgreSQL's server is missing: make test installs Debian's postgresql")
        }
        binaries = bindir
        directory = try TemporaryDirectory()
        socketFolder = directory.path
        port = Int.random(in: 20_000..<32_000)
        runAs = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []
        if getuid() == 0 {
            // The folder (and the way to it) must be the postgres user's to use.
            if let user = getpwnam("postgres") { chown(directory.path, user.pointee.pw_uid, user.pointee.pw_gid) }
        }
        let data = directory.file("data")
        try run(["\(binaries)/initdb", "-D", data, "-A", "trust", "-U", owner, "--no-sync", "-E", "UTF8", "--locale=C"])
        try run([
            "\(binaries)/pg_ctl", "-D", data, "-l", directory.file("server.log"), "-w", "-t", "30",
            "-o", "-k \(socketFolder) -p \(port) -c listen_addresses=''" + settings.map { " -c \($0)" }.joined(), "start",
        ])
    }

    deinit { stop() }

    /// Stops the server (fast shutdown: open sessions are ended).
    public func stop() {
        _ = try? run(["\(binaries)/pg_ctl", "-D", directory.file("data"), "-m", "fast", "-w", "stop"])
    }

    /// Runs a program to its end (posix_spawn and waitpid: pg_ctl leaves the server running
    /// in the background, which Foundation's Process waits on).
    private func run(_ arguments: [String]) throws {
        let command = runAs + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, command[0], &actions, nil, argv, environ) == 0 else { throw ServerError("cannot run \(command[0])") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            let serverLog = (try? String(contentsOfFile: directory.file("server.log"), encoding: .utf8)) ?? ""
            throw ServerError("\(arguments[0]) failed (status \(status)) \(serverLog.suffix(500))")
        }
    }

    private static func output(_ program: String, _ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

public struct ServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
