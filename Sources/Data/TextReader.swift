import Foundation
import Support

/// Reads plain text: a file, or a folder of files (recursively; hidden files skipped).
/// Each file is one document. A lone file is cut at line boundaries into `piecesForSingleFile`
/// documents so that a document-level split still has something in every split.
public struct TextReader {
    public var path: URL
    public var piecesForSingleFile = 10

    public init(path: URL) { self.path = path }

    public func read() throws -> [Document] {
        guard FileReading.exists(path) else { throw UserError("\(path.path): no such file or folder") }
        if FileReading.isDirectory(path) {
            let files = try FileReading.files(in: path, recursive: true)
            guard !files.isEmpty else { throw UserError("\(path.path): folder holds no text files") }
            return try files.map { Document(name: $0.relative, text: try FileReading.bytes($0.url)) }
        }
        let bytes = try FileReading.bytes(path)
        return Self.cut(bytes, into: piecesForSingleFile).enumerated().map {
            Document(name: "\(path.lastPathComponent)#\(String(format: "%03d", $0.offset))", text: Array($0.element))
        }
    }

    /// Cuts at the first newline after each 1/n mark; pieces are never empty.
    static func cut(_ bytes: [UInt8], into n: Int) -> [ArraySlice<UInt8>] {
        var pieces: [ArraySlice<UInt8>] = []
        var start = 0
        for k in 1...max(1, n) {
            guard start < bytes.count else { break }
            var end = k == n ? bytes.count : max(start + 1, bytes.count * k / n)
            if end < bytes.count, let nl = bytes[end...].firstIndex(of: 0x0A) { end = nl + 1 } else { end = bytes.count }
            pieces.append(bytes[start..<end])
            start = end
        }
        return pieces
    }
}
