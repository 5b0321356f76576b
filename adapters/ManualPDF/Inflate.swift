internal import CZlib

/// zlib (Flate) decompression for PDF streams, with a cap so a small stream cannot expand into
/// gigabytes (a "zip bomb").
enum Inflate {
    struct Failure: Error {}

    static func decompress(_ input: ArraySlice<UInt8>, limit: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard czlib_inflate_init(&stream) == Z_OK else { throw Failure() }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = Array(input)
        return try input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk.prefix(produced))
                guard output.count <= limit else { throw Failure() }
                if status == Z_STREAM_END { return output }
                // A stream cut short still yields what it had; more input will not come.
                if status == Z_BUF_ERROR || (status == Z_OK && stream.avail_in == 0 && produced == 0) { return output }
                guard status == Z_OK else { throw Failure() }
            }
        }
    }
}
