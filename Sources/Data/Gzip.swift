import CZlib
import Foundation
import Support

/// Gzip decompression through zlib. Handles files made of several concatenated gzip
/// members (what `cat a.gz b.gz` and some dataset tools produce) and dictzip files
/// (gzip with an extra header field, as in dictd's `.dict.dz`).
public enum Gzip {
    /// Inflates all of `compressed`. `name` is used in error messages.
    public static func decompress(_ compressed: [UInt8], name: String) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(compressed.count * 4)
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer (checked by zlib's CRC).
        guard llb_inflateInit2(&stream, 16 + MAX_WBITS) == Z_OK else {
            throw UserError("\(name): zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var input = compressed
        try input.withUnsafeMutableBufferPointer { inBuf in
            var offset = 0
            while offset < inBuf.count {
                stream.next_in = inBuf.baseAddress! + offset
                stream.avail_in = UInt32(inBuf.count - offset)
                var status: Int32 = Z_OK
                repeat {
                    status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                        stream.next_out = out.baseAddress
                        stream.avail_out = UInt32(out.count)
                        let s = inflate(&stream, Z_NO_FLUSH)
                        output.append(contentsOf: out[0..<(out.count - Int(stream.avail_out))])
                        return s
                    }
                } while status == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0)
                let consumed = inBuf.count - offset - Int(stream.avail_in)
                if status == Z_STREAM_END {
                    offset += consumed
                    // Another member may follow; zero padding after the last one is tolerated.
                    if inBuf[offset...].allSatisfy({ $0 == 0 }) { return }
                    inflateReset(&stream)
                } else if status == Z_OK || status == Z_BUF_ERROR {
                    throw UserError("\(name):\(lineAfter(output)): gzip stream is truncated (after \(output.count) decompressed bytes)",
                                    hint: "re-download or re-compress the file")
                } else {
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw UserError("\(name):\(lineAfter(output)): broken gzip stream (after \(output.count) decompressed bytes): \(reason)",
                                    hint: "re-download or re-compress the file")
                }
            }
        }
        return output
    }

    /// The line of the decompressed text where decoding stopped, for error messages.
    private static func lineAfter(_ output: [UInt8]) -> Int {
        output.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
    }

    /// Compresses `bytes` as one gzip member (used by tests and fixtures).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        var stream = z_stream()
        // deflateInit2 is a macro; deflateInit2_ is the function behind it.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw UserError("zlib could not start deflating")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        var input = bytes
        let status = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf -> Int32 in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw UserError("zlib deflate failed (\(status))") }
        return Array(output[0..<Int(stream.total_out)])
    }
}
