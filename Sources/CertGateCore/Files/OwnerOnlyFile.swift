#if canImport(Glibc)
    import Glibc
#endif

/// Writes files that hold student data (exports, evidence copies, their index): readable by the
/// owner only, and never through a link someone planted.
///
/// The bytes go to a new temporary file in the target's folder, created with `O_EXCL |
/// O_NOFOLLOW` and mode 0600, then renamed over the target. A symlink at the target is replaced,
/// not followed (so what it points to is untouched); an existing file's looser mode does not
/// survive; a crash never leaves half a file under the real name.
public enum OwnerOnlyFile {
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty, name != ".", name != ".." else { throw CertGateError(.io, "'\(path)' is not a file name") }
        var temporary = ""
        var descriptor: Int32 = -1
        for attempt in 0..<100 {
            temporary = "\(folder)/.\(name).\(getpid()).\(attempt).tmp"
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else {
            throw CertGateError(.io, "cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        var failure: Int32 = 0
        let contiguous = Array(bytes)
        contiguous.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == 0, fchmod(descriptor, 0o600) != 0 || fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw CertGateError(.io, "cannot write '\(path)': \(String(cString: strerror(failure)))")
        }
    }
}
