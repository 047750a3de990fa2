import Foundation
import Support

/// Reads a spec file's text, refusing what is not a YAML text file with a message that
/// names the file (and the line, where there is one) instead of the system's: a missing
/// path, a directory, a FIFO or device (reading one could block or never end), a file too
/// large to be a spec, UTF-16, bytes that are not UTF-8, and control characters that YAML
/// does not allow.
enum SpecFile {
    /// Far above any spec (the largest committed one is a few KB).
    static let maximumBytes = 1 << 20

    static func read(_ url: URL) throws -> String {
        let path = url.path
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw UserError("cannot read spec \(path): \(String(cString: strerror(errno)))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw UserError("spec \(path) is a directory; expected a YAML file")
        default: throw UserError("spec \(path) is not a regular file (a FIFO, socket or device); expected a YAML file")
        }
        guard Int(info.st_size) <= maximumBytes else {
            throw UserError("spec \(path) has \(info.st_size) bytes; a spec is at most \(maximumBytes) bytes of YAML")
        }
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: url)) } catch {
            throw UserError("cannot read spec \(path): \(error.localizedDescription)")
        }
        return try text(of: bytes, file: path)
    }

    /// The bytes as UTF-8 text, or an error naming the line of the first bad byte.
    static func text(of bytes: [UInt8], file: String) throws -> String {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw UserError("spec \(file) is UTF-16 encoded; save it as UTF-8")
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        // The standard library's decoder; `offset` follows it so a bad byte can be named.
        var decoder = UTF8()
        var iterator = body.makeIterator()
        var line = 1, column = 1, offset = 0
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .emptyInput: break decoding
            case .error:
                throw UserError("\(file):\(line): byte 0x\(String(body[offset], radix: 16, uppercase: true)) at column \(column) is not UTF-8; a spec is UTF-8 text")
            case .scalarValue(let scalar):
                let value = scalar.value
                if value < 0x20 || value == 0x7F, value != 0x09, value != 0x0A, value != 0x0D {
                    throw UserError("\(file):\(line): control character U+\(String(format: "%04X", value)) at column \(column); YAML allows only tab, newline and carriage return")
                }
                if value == 0x0A { line += 1; column = 1 } else { column += 1 }
                offset += UTF8.width(scalar)
            }
        }
        return String(decoding: body, as: UTF8.self)
    }
}
