import CertGateCore
import Store
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The evidence folder: files named by their SHA-256 (`ab/cd/abcd….pdf`), never by the name
/// they were uploaded with; folders 0700 and files 0600, readable by the owner only.
struct EvidenceFiles {
    let root: String

    /// The configured folder (a relative one from the database file's folder); by default
    /// `evidence` beside a SQLite file. On PostgreSQL there is no file: relative to the
    /// configuration folder's parent (`/srv/certgate/config` → `/srv/certgate/evidence`); where
    /// several hosts run CertGate, configure a path they share.
    init(config: GatewayConfig.Evidence, database: Database, configDirectory: String) {
        let databaseFolder = ((database.filePath ?? configDirectory) as NSString).deletingLastPathComponent
        let base = databaseFolder.isEmpty ? "." : databaseFolder
        if let directory = config.directory, !directory.isEmpty {
            root = directory.hasPrefix("/") ? directory : (base as NSString).appendingPathComponent(directory)
        } else {
            root = (base as NSString).appendingPathComponent("evidence")
        }
    }

    func path(for sha256: String, folder: String = "") -> String {
        var path = folder.isEmpty ? root : (root as NSString).appendingPathComponent(folder)
        path = (path as NSString).appendingPathComponent(String(sha256.prefix(2)))
        path = (path as NSString).appendingPathComponent(String(sha256.dropFirst(2).prefix(2)))
        return (path as NSString).appendingPathComponent("\(sha256).pdf")
    }

    /// Stores bytes under their hash; returns whether a new file was written (false when the
    /// same content was already there). Writes a temporary file and renames it, so a crash never
    /// leaves half a file under a real name.
    func store(_ bytes: [UInt8], sha256: String, folder: String = "") throws -> Bool {
        let target = path(for: sha256, folder: folder)
        if FileManager.default.fileExists(atPath: target) { return false }
        let directory = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Folders made on the way by an older umask are tightened too.
        var walk = directory
        while walk.count >= root.count && walk.hasPrefix(root) {
            chmod(walk, 0o700)
            walk = (walk as NSString).deletingLastPathComponent
        }
        try OwnerOnlyFile.write(bytes, to: target)
        return true
    }

    func remove(sha256: String) {
        unlink(path(for: sha256))
    }
}
