import Data

/// UTF-8 bytes of text each token id stands for, so that bits per byte compares a
/// byte-level model with a BPE model: both are charged for the same text.
///
/// Special tokens (BOS, EOS, PAD) decode to no bytes; their loss still counts in the
/// numerator, so a model is not rewarded for predicting document ends.
public struct TokenBytes: Sendable, Equatable {
    /// lengths[id] = bytes of `decode([id])`.
    public let lengths: [Int]

    public init(lengths: [Int]) { self.lengths = lengths }

    /// Decodes every id on its own (a BPE token decodes to its whole byte string, even
    /// when that string is part of one UTF-8 character).
    public init(_ tokenizer: any Tokenizer) {
        lengths = (0..<tokenizer.vocabSize).map { tokenizer.decode([Int32($0)]).count }
    }

    /// Bytes covered by `tokens`.
    public func count<C: Collection>(_ tokens: C) -> Int where C.Element == Int32 {
        tokens.reduce(0) { $0 + lengths[Int($1)] }
    }
}
