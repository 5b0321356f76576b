import CZip
import Foundation

/// A .zip file read through libzip, entry by entry, with the limits a file from outside needs:
/// how many entries, how large each may grow when inflated, and how far it may outgrow its
/// compressed size (a zip bomb is refused as it inflates, not after).
final class ZipArchive {
    struct Limits {
        var entries = 10_000
        /// Inflated bytes one entry may have.
        var entryBytes = 64 << 20
        /// Inflated bytes over compressed bytes, past the first MiB (workbooks inflate 5 to 20 times).
        var ratio = 100
    }

    let name: String
    let limits: Limits
    private let archive: OpaquePointer
    /// The bytes of an archive opened from memory (libzip reads them until it is closed).
    private var buffer: UnsafeMutableRawBufferPointer?

    init(path: String, limits: Limits = Limits()) throws {
        name = (path as NSString).lastPathComponent
        self.limits = limits
        var error: Int32 = 0
        guard let archive = zip_open(path, ZIP_RDONLY, &error) else {
            throw SpreadsheetError(name, error == ZIP_ER_NOZIP ? "not an .xlsx workbook (not a zip file)" : "cannot be opened (libzip error \(error))")
        }
        self.archive = archive
        try checkEntries()
    }

    /// An archive in memory (the fuzzer's input, an upload).
    init(bytes: [UInt8], name: String, limits: Limits = Limits()) throws {
        self.name = name
        self.limits = limits
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        copy.copyBytes(from: bytes)
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let source = zip_source_buffer_create(copy.baseAddress, UInt64(bytes.count), 0, &error) else {
            copy.deallocate()
            throw SpreadsheetError(name, "cannot be read")
        }
        guard let archive = zip_open_from_source(source, ZIP_RDONLY, &error) else {
            zip_source_free(source)
            copy.deallocate()
            throw SpreadsheetError(name, zip_error_code_zip(&error) == ZIP_ER_NOZIP ? "not an .xlsx workbook (not a zip file)" : "cannot be opened")
        }
        self.archive = archive
        buffer = copy
        try checkEntries()
    }

    private func checkEntries() throws {
        let count = zip_get_num_entries(archive, 0)
        guard count >= 0, count <= Int64(limits.entries) else {
            throw SpreadsheetError(name, "has \(count) parts; a workbook has far fewer (at most \(limits.entries) are read)")
        }
    }

    deinit {
        zip_close(archive)
        buffer?.deallocate()
    }

    func contains(_ entry: String) -> Bool { zip_name_locate(archive, entry, 0) >= 0 }

    /// One entry, to read its inflated bytes a chunk at a time.
    func open(_ entry: String) throws -> ZipEntryStream {
        let index = zip_name_locate(archive, entry, 0)
        guard index >= 0 else { throw SpreadsheetError(name, "has no \(entry)") }
        var stat = zip_stat_t()
        zip_stat_init(&stat)
        guard zip_stat_index(archive, UInt64(index), 0, &stat) == 0 else { throw SpreadsheetError(name, "cannot read \(entry)") }
        let compressed = (stat.valid & UInt64(ZIP_STAT_COMP_SIZE)) != 0 ? Int(stat.comp_size) : 0
        guard let file = zip_fopen_index(archive, UInt64(index), 0) else { throw SpreadsheetError(name, "cannot read \(entry) (damaged?)") }
        return ZipEntryStream(file: file, archive: self, entry: entry, compressed: compressed)
    }
}

/// An entry being inflated: each read counts against the archive's limits.
final class ZipEntryStream {
    private let file: OpaquePointer
    private let archive: ZipArchive
    let entry: String
    private let compressed: Int
    private var total = 0
    /// Why reading stopped, when it failed.
    private(set) var failure: SpreadsheetError?

    init(file: OpaquePointer, archive: ZipArchive, entry: String, compressed: Int) {
        self.file = file
        self.archive = archive
        self.entry = entry
        self.compressed = compressed
    }

    deinit { zip_fclose(file) }

    /// Up to `count` bytes into `buffer`: how many (0 at the end), or -1 with `failure` set.
    func read(_ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        let got = zip_fread(file, buffer, UInt64(count))
        if got < 0 {
            failure = SpreadsheetError(archive.name, "\(entry) is damaged (it does not inflate)")
            return -1
        }
        total += Int(got)
        let limits = archive.limits
        if total > limits.entryBytes {
            failure = SpreadsheetError(archive.name, "\(entry) inflates past \(limits.entryBytes >> 20) MiB: refused (a zip bomb?)")
            return -1
        }
        if total > 1 << 20 && total > max(compressed, 1) * limits.ratio {
            failure = SpreadsheetError(archive.name, "\(entry) inflates more than \(limits.ratio) times its size: refused (a zip bomb?)")
            return -1
        }
        return Int(got)
    }
}

/// What is wrong with a workbook, naming it (and the sheet and row where there is one).
public struct SpreadsheetError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ file: String, _ problem: String) { description = "\(file): \(problem)" }
}
