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
        var line = 1, column = 1
        var index = 0
        while index < body.count {
            let byte = body[index]
            let length = utf8Length(body, at: index)
            guard length > 0 else {
                throw UserError("\(file):\(line): byte 0x\(String(byte, radix: 16, uppercase: true)) at column \(column) is not UTF-8; a spec is UTF-8 text")
            }
            if length == 1, byte < 0x20 || byte == 0x7F, byte != 0x09, byte != 0x0A, byte != 0x0D {
                throw UserError("\(file):\(line): control character U+\(String(format: "%04X", byte)) at column \(column); YAML allows only tab, newline and carriage return")
            }
            if byte == 0x0A { line += 1; column = 1 } else { column += 1 }
            index += length
        }
        return String(decoding: body, as: UTF8.self)
    }

    /// Bytes of the well-formed UTF-8 sequence starting at `index`, or 0.
    static func utf8Length(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let (length, minimum): (Int, UInt32)
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: (length, minimum) = (2, 0x80)
        case 0xE0...0xEF: (length, minimum) = (3, 0x800)
        case 0xF0...0xF4: (length, minimum) = (4, 0x10000)
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        var scalar = UInt32(lead) & (0xFF >> (length + 1))
        for k in 1..<length {
            let next = bytes[index + k]
            guard next & 0xC0 == 0x80 else { return 0 }
            scalar = scalar << 6 | UInt32(next & 0x3F)
        }
        guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return 0 }
        return length
    }
}
