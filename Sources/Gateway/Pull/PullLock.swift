import CertGateCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps two pulls from running on one database at once: an exclusive `flock` on a file beside
/// the database. The kernel releases it when the process ends, even on a crash.
final class PullLock {
    private let descriptor: Int32

    /// Takes the lock, or fails at once naming the process that holds it.
    init(databasePath: String) throws {
        // One lock per database file however its path is spelled (`q.db`, `./q.db`, a symlink).
        let resolved = realpath(databasePath, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        }
        let path = (resolved ?? databasePath) + ".pull-lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CertGateError(.io, "cannot open the pull lock '\(path)': \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = read(descriptor, &buffer, 31)
            let holder = count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            close(descriptor)
            throw CertGateError(.conflict, "another pull is already running on this database (process \(holder)); try again when it ends")
        }
        ftruncate(descriptor, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pwrite(descriptor, pid, pid.count, 0)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
