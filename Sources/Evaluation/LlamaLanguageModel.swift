import Model
import Support

/// A `LlamaModel` seen as a `CausalLanguageModel`: windows run through the model's forward
/// pass under the requested attention pattern; decoding runs the same forward with a
/// `KVCache`. `execution` gives the threads every call runs on.
public struct LlamaLanguageModel: CausalLanguageModel {
    public let model: LlamaModel
    public let execution: Execution

    public init(_ model: LlamaModel, execution: Execution) {
        self.model = model
        // Nothing here runs backward, so the layers share one set of saved activations (what
        // recomputation keeps): a window's memory is one layer's, not every layer's, which
        // lets a 135M model evaluate 16384 tokens in a few GB.
        self.execution = Execution(threads: execution.threads, recompute: true)
    }

    public var vocabSize: Int { model.config.vocabSize }

    /// The model sees the whole window of n tokens, as in the official evaluation (this
    /// matters for grouped patterns, whose G divides n, not n - 1); the last position's
    /// prediction has no target and is dropped.
    public func nextTokenLosses(_ tokens: [Int32], attention: AttentionChoice) throws -> [Float] {
        let n = tokens.count
        let pattern = try PatternAttention(attention.pattern, groupSize: attention.groupSize, length: n)
        let losses = try model.tokenLosses(batch: tokens + [0], batchSize: 1, length: n, attention: pattern,
                                           execution: execution)  // [n]
        return Array(losses[..<(n - 1)])
    }

    public func makeDecoder() throws -> any IncrementalDecoder { Decoder(self) }

    /// Greedy decoding's session: the tokens so far live in the cache, and each call runs
    /// only the new ones; the logits returned are the last new token's row.
    struct Decoder: IncrementalDecoder {
        let model: LlamaModel
        let execution: Execution
        let cache: KVCache

        init(_ lm: LlamaLanguageModel) {
            model = lm.model
            execution = lm.execution
            cache = KVCache(config: lm.model.config)
        }

        var position: Int { cache.count }

        mutating func append(_ token: Int32) throws -> [Float] { try prefill([token]) }

        mutating func prefill(_ tokens: [Int32]) throws -> [Float] {
            guard !tokens.isEmpty else { throw UserError("decoder: no tokens to append") }
            return try model.lastLogits(tokens: tokens, cache: cache, execution: execution)
        }
    }
}
