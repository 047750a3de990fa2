import Model
import Support

/// A `LlamaModel` seen as a `CausalLanguageModel`: windows run through the model's
/// forward pass under the requested attention pattern; decoding uses `LlamaDecoder`.
public struct LlamaLanguageModel: CausalLanguageModel {
    public let model: LlamaModel

    public init(_ model: LlamaModel) { self.model = model }

    public var vocabSize: Int { model.config.vocabSize }

    /// The model sees the whole window of n tokens, as in the official evaluation (this
    /// matters for grouped patterns, whose G divides n, not n - 1); the last position's
    /// prediction has no target and is dropped.
    public func nextTokenLosses(_ tokens: [Int32], attention: AttentionChoice) throws -> [Float] {
        let n = tokens.count
        model.attention = try PatternAttention(attention.pattern, groupSize: attention.groupSize, length: n)
        let losses = try model.tokenLosses(batch: tokens + [0], batchSize: 1, length: n)  // [n]
        return Array(losses[..<(n - 1)])
    }

    public func makeDecoder() throws -> any IncrementalDecoder { try LlamaDecoder(model: model) }
}
