import CMicroHTTPD
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file field of a multipart upload, written to the spool folder as it arrived.
public struct UploadedFile: Sendable {
    /// The spooled copy (0600, removed when the request ends).
    public var path: String
    /// The name the browser gave, without any folder part.
    public var filename: String
    public var size: Int
}

/// Reads a `multipart/form-data` body through libmicrohttpd's POST processor as it arrives:
/// file fields go straight to files in the spool folder (so a 10 MiB PDF never sits in memory),
/// other fields are kept (at most 64 KiB of them). Past `limit` bytes the rest is thrown away
/// and the request marked too large.
final class MultipartSpool {
    private(set) var fields: [String: String] = [:]
    private(set) var files: [String: UploadedFile] = [:]
    private(set) var tooLarge = false
    private(set) var failed = false
    private var processor: OpaquePointer?
    private var fieldBytes: [String: [UInt8]] = [:]
    private var fieldTotal = 0
    private var openFile: (key: String, descriptor: Int32)?
    private var received = 0
    private let limit: Int
    private let folder: String

    init?(connection: OpaquePointer, folder: String, limit: Int) {
        self.limit = limit
        self.folder = folder
        processor = nil
        let context = Unmanaged.passUnretained(self).toOpaque()
        guard let made = MHD_create_post_processor(connection, 64 * 1024, multipartField, context) else { return nil }
        processor = made
    }

    /// Hands one chunk of the body to the POST processor.
    func feed(_ data: UnsafePointer<CChar>, count: Int) {
        received += count
        if received > limit { tooLarge = true }
        guard !tooLarge, !failed, let processor else {
            discardFiles()
            return
        }
        if MHD_post_process(processor, data, count) != MHD_Result.YES { failed = true }
    }

    /// Called once the body is complete: the fields and files are final.
    func finish() {
        if let processor { MHD_destroy_post_processor(processor) }
        processor = nil
        closeFile()
        for (key, bytes) in fieldBytes { fields[key] = String(decoding: bytes, as: UTF8.self) }
        if tooLarge || failed { discardFiles() }
    }

    /// Removes every spooled file (the request has ended).
    func discardFiles() {
        closeFile()
        for file in files.values { unlink(file.path) }
        files = [:]
    }

    deinit {
        if let processor { MHD_destroy_post_processor(processor) }
        discardFiles()
    }

    fileprivate func take(key: String, filename: String?, data: UnsafePointer<CChar>?, size: Int) -> Bool {
        guard let filename else {
            fieldTotal += size
            guard fieldTotal <= 64 * 1024 else { return false }
            if let data, size > 0 {
                data.withMemoryRebound(to: UInt8.self, capacity: size) {
                    fieldBytes[key, default: []].append(contentsOf: UnsafeBufferPointer(start: $0, count: size))
                }
            }
            return true
        }
        if openFile?.key != key {
            closeFile()
            guard files[key] == nil else { return false }  // one file per field
            let path = (folder as NSString).appendingPathComponent("upload-\(UUID().uuidString)")
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { return false }
            let shown = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
            files[key] = UploadedFile(path: path, filename: String(shown.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }), size: 0)
            openFile = (key, descriptor)
        }
        guard let data, size > 0, let descriptor = openFile?.descriptor else { return true }
        var written = 0
        while written < size {
            let result = write(descriptor, data + written, size - written)
            if result < 0 {
                if errno == EINTR { continue }
                return false
            }
            written += result
        }
        files[key]?.size += size
        return true
    }

    private func closeFile() {
        if let descriptor = openFile?.descriptor { close(descriptor) }
        openFile = nil
    }
}

private let multipartField: MHD_PostDataIterator = { context, _, key, filename, _, _, data, _, size -> MHD_Result in
    guard let context, let key else { return MHD_Result.NO }
    let spool = Unmanaged<MultipartSpool>.fromOpaque(context).takeUnretainedValue()
    return spool.take(key: String(cString: key), filename: filename.map { String(cString: $0) }, data: data, size: size)
        ? MHD_Result.YES : MHD_Result.NO
}
