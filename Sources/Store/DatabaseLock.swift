import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps two processes from doing the same work on one database at once (two pulls of a
/// provider), released when it is released or when its process ends, even on a crash.
///
/// SQLite: an exclusive `flock` on a file beside the database, one for the whole database
/// (SQLite has one writer at a time anyway). PostgreSQL: a session advisory lock per name on a
/// connection of the lock's own, so workers on several machines pulling different providers
/// run side by side and two pulls of one provider never do.
public final class DatabaseLock {
    private enum Holder {
        case file(Int32)
        case session(PostgresConnection, [String])
    }

    private let holder: Holder

    /// Why a lock was not taken.
    public struct Held: Error, CustomStringConvertible {
        /// The lock another process holds.
        public var name: String?
        /// The process holding it, when known (SQLite's lock file records it).
        public var process: String?
        public var description: String {
            "another process holds \(name.map { "'\($0)'" } ?? "the lock")\(process.map { " (process \($0))" } ?? "")"
        }
    }

    init(file databasePath: String) throws {
        // One lock per database file however its path is spelled (`q.db`, `./q.db`, a symlink).
        let resolved = realpath(databasePath, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        }
        let path = (resolved ?? databasePath) + ".pull-lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw DatabaseError(code: 14, message: "cannot open the lock file '\(path)': \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = read(descriptor, &buffer, 31)
            close(descriptor)
            let process = count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : nil
            throw Held(name: nil, process: process)
        }
        ftruncate(descriptor, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pwrite(descriptor, pid, pid.count, 0)
        holder = .file(descriptor)
    }

    init(_ names: [String], connection: PostgresConnection) throws {
        var taken: [String] = []
        for name in names {
            guard try connection.tryAdvisoryLock(name) else {
                // Closing the connection releases what was taken.
                throw Held(name: name, process: nil)
            }
            taken.append(name)
        }
        holder = .session(connection, taken)
    }

    deinit {
        switch holder {
        case .file(let descriptor):
            flock(descriptor, LOCK_UN)
            close(descriptor)
        case .session(let connection, let names):
            for name in names { try? connection.unlockAdvisoryLock(name) }
        }
    }
}
