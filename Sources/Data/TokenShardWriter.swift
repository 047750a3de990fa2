import Foundation
import Support

/// Packs tokenized documents into a shard file (layout in `TokenShard`): each document's
/// ids followed by EOS. Ids are stored as uint16 when the vocabulary fits, else uint32.
/// The file is written under a temporary name and renamed when complete.
public enum TokenShardWriter {
    public static func width(forVocabSize vocabSize: Int) -> Int { vocabSize <= 1 << 16 ? 2 : 4 }

    /// Writes `documents` (already tokenized, without EOS) and returns the number of ids written.
    @discardableResult
    public static func write(_ documents: [[Int32]], eos: Int32, vocabSize: Int, to url: URL) throws -> Int {
        let width = width(forVocabSize: vocabSize)
        let count = documents.reduce(0) { $0 + $1.count + 1 }
        let idBytes = (count * width + 7) / 8 * 8
        var bytes = [UInt8](repeating: 0, count: TokenShard.headerSize + idBytes + (documents.count + 1) * 8)
        try bytes.withUnsafeMutableBytes { out in
            for (i, b) in TokenShard.magic.enumerated() { out[i] = b }
            out.storeBytes(of: UInt32(width).littleEndian, toByteOffset: 8, as: UInt32.self)
            out.storeBytes(of: UInt64(count).littleEndian, toByteOffset: 16, as: UInt64.self)
            out.storeBytes(of: UInt64(documents.count).littleEndian, toByteOffset: 24, as: UInt64.self)
            var position = 0
            let offsetBase = TokenShard.headerSize + idBytes
            for (d, document) in documents.enumerated() {
                out.storeBytes(of: UInt64(position).littleEndian, toByteOffset: offsetBase + 8 * d, as: UInt64.self)
                for id in document + [eos] {
                    guard id >= 0, Int(id) < vocabSize else {
                        throw UserError("token id \(id) in document \(d) is outside the vocabulary 0..<\(vocabSize)")
                    }
                    let at = TokenShard.headerSize + width * position
                    if width == 2 {
                        out.storeBytes(of: UInt16(id).littleEndian, toByteOffset: at, as: UInt16.self)
                    } else {
                        out.storeBytes(of: UInt32(id).littleEndian, toByteOffset: at, as: UInt32.self)
                    }
                    position += 1
                }
            }
            out.storeBytes(of: UInt64(position).littleEndian, toByteOffset: offsetBase + 8 * documents.count, as: UInt64.self)
        }
        try AtomicFile.write(Foundation.Data(bytes), to: url)
        return count
    }
}
