#if canImport(Glibc)
    import Glibc
#endif

/// One CSV record: its fields and the line it starts on.
public struct CSVRecord: Sendable {
    public var fields: [String]
    /// The 1-based line the record starts on (a quoted field may span several lines).
    public var line: Int
    /// Whether a line end closed the record. Only the last record of an input may lack one; when
    /// it is also short of fields, the input was cut off mid-record.
    public var terminated: Bool = true
}

/// A streaming RFC 4180 CSV reader.
///
/// Reads a file in fixed-size chunks, so memory does not grow with the file. Accepts a UTF-8 byte
/// order mark, CRLF, LF or CR line ends, and quoted fields holding commas, doubled quotes and line
/// breaks. Blank lines are skipped. A quote inside an unquoted field, text after a closing quote,
/// an unterminated quote or bytes that are not UTF-8 are errors naming the line.
public final class CSVReader {
    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    private let name: String
    private let source: any ByteSource
    private var buffer: [UInt8]
    private var position = 0
    private var line = 1
    private var atStart = true
    private var finished = false

    private var field: [UInt8] = []
    private var fields: [String] = []

    /// Opens a file for reading; `displayName` is what errors call it (defaults to the path).
    public convenience init(path: String, displayName: String? = nil) throws {
        let file = try FileByteSource(path: path)
        self.init(source: file, name: displayName ?? path)
    }

    /// Reads CSV held in memory (a fetched report page).
    public convenience init(bytes: [UInt8], name: String) {
        self.init(source: MemoryByteSource(bytes: bytes), name: name)
    }

    init(source: any ByteSource, name: String) {
        self.source = source
        self.name = name
        self.buffer = []
        buffer.reserveCapacity(64 * 1024)
    }

    /// The next record, or nil at the end of the input.
    public func next() throws -> CSVRecord? {
        guard !finished else { return nil }
        while true {
            if let record = try readRecord() {
                if record.fields.count == 1 && record.fields[0].isEmpty { continue }  // blank line
                return record
            }
            finished = true
            return nil
        }
    }

    private func nextByte() throws -> UInt8? {
        if position == buffer.count {
            buffer = try source.read(maxCount: 64 * 1024)
            position = 0
            if buffer.isEmpty { return nil }
            if atStart {
                atStart = false
                if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
                if position == buffer.count { return try nextByte() }
            }
        }
        defer { position += 1 }
        return buffer[position]
    }

    private func peekByte() throws -> UInt8? {
        guard let byte = try nextByte() else { return nil }
        position -= 1
        return byte
    }

    private func finishField() throws {
        guard let text = String(validating: field, as: UTF8.self) else {
            throw InputError(
                InputLocation(file: name, line: line, field: "column \(fields.count + 1)"),
                "text is not UTF-8; save the file as UTF-8 CSV and try again", isRecoverable: false)
        }
        fields.append(text)
        field.removeAll(keepingCapacity: true)
    }

    private func readRecord() throws -> CSVRecord? {
        let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        var state = State.fieldStart
        let startLine = line
        var quoteLine = line
        fields.removeAll(keepingCapacity: true)
        field.removeAll(keepingCapacity: true)
        var sawAnything = false

        func endOfLine(_ byte: UInt8) throws {
            if byte == cr, try peekByte() == lf { position += 1 }
            line += 1
        }

        while let byte = try nextByte() {
            sawAnything = true
            switch state {
            case .fieldStart, .unquoted:
                switch byte {
                case quote where state == .fieldStart:
                    state = .quoted
                    quoteLine = line
                case quote:
                    throw InputError(
                        InputLocation(file: name, line: line, field: "column \(fields.count + 1)"),
                        "a quote inside an unquoted field; quote the whole field and double the inner quotes",
                        isRecoverable: false)
                case comma:
                    try finishField()
                    state = .fieldStart
                case cr, lf:
                    try finishField()
                    try endOfLine(byte)
                    return CSVRecord(fields: fields, line: startLine)
                default:
                    field.append(byte)
                    state = .unquoted
                }
            case .quoted:
                if byte == quote {
                    state = .quoteInQuoted
                } else {
                    if byte == lf {
                        line += 1
                    } else if byte == cr {
                        let following = try peekByte()
                        if following != lf { line += 1 }
                    }
                    field.append(byte)
                }
            case .quoteInQuoted:
                switch byte {
                case quote:
                    field.append(quote)
                    state = .quoted
                case comma:
                    try finishField()
                    state = .fieldStart
                case cr, lf:
                    try finishField()
                    try endOfLine(byte)
                    return CSVRecord(fields: fields, line: startLine)
                default:
                    throw InputError(
                        InputLocation(file: name, line: line, field: "column \(fields.count + 1)"),
                        "text after a closing quote; a quote inside a quoted field must be doubled",
                        isRecoverable: false)
                }
            }
        }
        // End of input.
        if state == .quoted {
            throw InputError(
                InputLocation(file: name, line: quoteLine, field: "column \(fields.count + 1)"),
                "the file looks cut off at line \(quoteLine): a quoted field is never closed", isCutOff: true)
        }
        guard sawAnything else { return nil }
        try finishField()
        return CSVRecord(fields: fields, line: startLine, terminated: false)
    }
}

/// Where a CSV reader's bytes come from.
protocol ByteSource: AnyObject {
    /// Up to `maxCount` bytes; an empty array at the end.
    func read(maxCount: Int) throws -> [UInt8]
}

final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0
    init(bytes: [UInt8]) { self.bytes = bytes }
    func read(maxCount: Int) throws -> [UInt8] {
        let end = min(bytes.count, offset + maxCount)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// Reads a file through the POSIX API in chunks.
final class FileByteSource: ByteSource {
    private let descriptor: Int32
    private let path: String

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CertGateError(.io, "cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    func read(maxCount: Int) throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: maxCount)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, maxCount) }
            if count >= 0 {
                chunk.removeSubrange(count...)
                return chunk
            }
            if errno == EINTR { continue }
            throw CertGateError(.io, "cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
    }
}
