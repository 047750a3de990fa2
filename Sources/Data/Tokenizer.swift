/// Turns bytes into token ids and back. Every tokenizer here is lossless:
/// `decode(encode(x)) == x` for any bytes `x`, and `encode` never emits BOS/EOS/PAD.
public protocol Tokenizer: Sendable {
    /// Names the tokenizer exactly (e.g. `byte`, `bpe4096-1f2e3d4c5b6a`); stored in manifests.
    var id: String { get }
    var vocabSize: Int { get }
    var bos: Int32 { get }
    var eos: Int32 { get }
    var pad: Int32 { get }
    func encode(_ bytes: some Collection<UInt8>) -> [Int32]
    /// Special and unused ids decode to no bytes.
    func decode(_ ids: [Int32]) -> [UInt8]
}

/// Ids 0...255 are the bytes themselves, then BOS 256, EOS 257, PAD 258: 259 ids in all
/// (`ModelConfig.byteVocabSize`). BPE keeps this layout and numbers its merges from 259.
public struct ByteTokenizer: Tokenizer {
    public static let bos: Int32 = 256
    public static let eos: Int32 = 257
    public static let pad: Int32 = 258
    public static let vocabSize = 259
    /// BOS, EOS and PAD: the ids of the byte and BPE tokenizers that stand for no text.
    public static let specialIDs: Set<Int32> = [bos, eos, pad]

    public init() {}

    public var id: String { "byte" }
    public var vocabSize: Int { Self.vocabSize }
    public var bos: Int32 { Self.bos }
    public var eos: Int32 { Self.eos }
    public var pad: Int32 { Self.pad }

    public func encode(_ bytes: some Collection<UInt8>) -> [Int32] {
        bytes.map { Int32($0) }
    }

    public func decode(_ ids: [Int32]) -> [UInt8] {
        ids.compactMap { (0..<256).contains($0) ? UInt8($0) : nil }
    }
}
