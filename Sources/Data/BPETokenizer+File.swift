import Foundation
import Support

/// The merges file named in a manifest: a header line, the vocabulary size, then one
/// merge per line as two ids ("left right"), merge k producing id 259 + k.
extension BPETokenizer {
    static let header = "longlora-bpe 1"

    static func serialize(_ merges: [(Int32, Int32)], vocabSize: Int) -> String {
        var text = "\(header)\nvocab \(vocabSize)\n"
        for (a, b) in merges { text += "\(a) \(b)\n" }
        return text
    }

    public func save(to url: URL) throws {
        try AtomicFile.write(Self.serialize(merges, vocabSize: vocabSize), to: url)
    }

    public init(contentsOf url: URL) throws {
        let text = String(decoding: try FileReading.bytes(url), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first == Substring(Self.header) else {
            throw UserError("\(url.path):1: expected '\(Self.header)' (a BPE merges file written by longlora)")
        }
        guard lines.count > 1, lines[1].hasPrefix("vocab "), let vocab = Int(lines[1].dropFirst(6)) else {
            throw UserError("\(url.path):2: expected 'vocab N'")
        }
        var merges: [(Int32, Int32)] = []
        for (i, line) in lines.enumerated().dropFirst(2) where !line.isEmpty {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let a = Int32(parts[0]), let b = Int32(parts[1]) else {
                throw UserError("\(url.path):\(i + 1): expected two token ids 'left right', got '\(line)'")
            }
            merges.append((a, b))
        }
        do {
            try self.init(merges: merges, vocabSize: vocab)
        } catch let error as UserError {
            throw UserError("\(url.path): \(error.message)")
        }
    }
}
