import Crypto
import Foundation
import Hashing
import Support

/// Byte-level BPE: the 259 byte-level ids (`ByteTokenizer`), then one id per learned
/// merge, in training order (id 259 + k for merge k). Encoding pre-splits with
/// `PreTokenizer` and applies merges inside each word, lowest id first, which gives the
/// same tokens as replaying the merges in training order.
public struct BPETokenizer: Tokenizer {
    /// Merge k joins `merges[k].0` and `merges[k].1` into id 259 + k.
    public let merges: [(Int32, Int32)]
    public let vocabSize: Int
    public let id: String
    /// Pair key (left << 32 | right) -> merged id.
    let mergedID: [UInt64: Int32]
    /// Bytes of every id (empty for BOS/EOS/PAD and unused ids).
    let pieces: [[UInt8]]

    public var bos: Int32 { ByteTokenizer.bos }
    public var eos: Int32 { ByteTokenizer.eos }
    public var pad: Int32 { ByteTokenizer.pad }

    public static let firstMergeID = Int32(ByteTokenizer.vocabSize)
    public static let vocabRange = 1024...8192
    /// The vocabulary of `data build --tokenizer bpe` and of a spec's `data.vocab: auto`.
    public static let defaultVocabSize = 1024

    /// `vocabSize` may exceed 259 + merges (a small training text runs out of pairs);
    /// the unused ids decode to nothing.
    public init(merges: [(Int32, Int32)], vocabSize: Int) throws {
        guard vocabSize >= ByteTokenizer.vocabSize + merges.count else {
            throw UserError("BPE vocabulary \(vocabSize) cannot hold 259 byte/special ids plus \(merges.count) merges")
        }
        var pieces = (0..<256).map { [UInt8($0)] } + [[], [], []]
        var mergedID: [UInt64: Int32] = [:]
        for (k, (a, b)) in merges.enumerated() {
            let new = Self.firstMergeID + Int32(k)
            guard (0..<new).contains(a), (0..<new).contains(b), a < 256 || a >= Self.firstMergeID,
                  b < 256 || b >= Self.firstMergeID else {
                throw UserError("BPE merge \(k) (\(a) \(b)) refers to an id that is special or not yet defined")
            }
            mergedID[Self.key(a, b)] = new
            pieces.append(pieces[Int(a)] + pieces[Int(b)])
        }
        self.merges = merges
        self.vocabSize = vocabSize
        self.mergedID = mergedID
        self.pieces = pieces
        self.id = "bpe\(vocabSize)-" + String(SHA256.hash(data: Array(Self.serialize(merges, vocabSize: vocabSize).utf8)).hex.prefix(12))
    }

    @inline(__always) static func key(_ a: Int32, _ b: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
    }

    public func encode(_ bytes: some Collection<UInt8>) -> [Int32] {
        if let result = bytes.withContiguousStorageIfAvailable({ encodeContiguous($0) }) { return result }
        return Array(bytes).withUnsafeBufferPointer { encodeContiguous($0) }
    }

    func encodeContiguous(_ bytes: UnsafeBufferPointer<UInt8>) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(bytes.count / 3 + 16)
        var cache = WordCache()
        var symbols: [Int32] = []
        symbols.reserveCapacity(PreTokenizer.maxWordLength)
        PreTokenizer.forEachWord(in: bytes) { range in
            let word = UnsafeBufferPointer(rebasing: bytes[range])
            if word.count == 1 { out.append(Int32(word[0])); return }
            let hash = WordCache.hash(word)
            if cache.append(hash: hash, word: word, to: &out) { return }
            symbols.removeAll(keepingCapacity: true)
            for b in word { symbols.append(Int32(b)) }
            mergeWord(&symbols)
            cache.insert(hash: hash, word: word, tokens: symbols)
            out.append(contentsOf: symbols)
        }
        return out
    }

    /// Repeatedly merges every occurrence of the adjacent pair with the lowest merged id.
    @inline(__always)
    func mergeWord(_ symbols: inout [Int32]) {
        while symbols.count > 1 {
            var best = Int32.max
            for i in 0..<(symbols.count - 1) {
                if let id = mergedID[Self.key(symbols[i], symbols[i + 1])], id < best { best = id }
            }
            if best == .max { return }
            let (a, b) = merges[Int(best - Self.firstMergeID)]
            var write = 0, read = 0
            while read < symbols.count {
                if read + 1 < symbols.count, symbols[read] == a, symbols[read + 1] == b {
                    symbols[write] = best
                    read += 2
                } else {
                    symbols[write] = symbols[read]
                    read += 1
                }
                write += 1
            }
            symbols.removeLast(symbols.count - write)
        }
    }

    public func decode(_ ids: [Int32]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 3)
        for id in ids where id >= 0 && Int(id) < pieces.count { out += pieces[Int(id)] }
        return out
    }
}

/// Tokens of words already encoded in this call: text repeats its words, so most words
/// are a hash lookup plus a byte comparison (never trusted on the hash alone).
struct WordCache {
    var index: [UInt64: Int] = [:]
    var bytes: [UInt8] = []
    var tokens: [Int32] = []
    var entries: [(byteStart: Int, byteCount: Int, tokenStart: Int, tokenCount: Int)] = []

    @inline(__always) static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in word { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    @inline(__always)
    mutating func append(hash: UInt64, word: UnsafeBufferPointer<UInt8>, to out: inout [Int32]) -> Bool {
        guard let e = index[hash].map({ entries[$0] }), e.byteCount == word.count else { return false }
        let same = bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + e.byteStart, word.baseAddress!, word.count) == 0 }
        guard same else { return false }
        out.append(contentsOf: tokens[e.tokenStart..<(e.tokenStart + e.tokenCount)])
        return true
    }

    mutating func insert(hash: UInt64, word: UnsafeBufferPointer<UInt8>, tokens new: [Int32]) {
        guard index[hash] == nil else { return }  // keep the first word on a (rare) collision
        index[hash] = entries.count
        entries.append((bytes.count, word.count, tokens.count, new.count))
        bytes.append(contentsOf: word)
        tokens.append(contentsOf: new)
    }
}
