import Evaluation
import Kernels
import Model
import Support
import Testing

/// A small random LLaMA with grouped-query heads (4 query heads share 2 key/value heads).
func randomLlama(lora: Bool = false, rope: RoPE = RoPE(), seed: UInt64 = 5) throws -> LlamaModel {
    let config = ModelConfig(name: "t", vocabSize: 259, dim: 32, nLayers: 2, nHeads: 4, nKVHeads: 2,
                             ffnDim: 64, maxContext: 64)
    let m = try LlamaModel(config: config, lora: lora ? LoRAConfig() : nil, trainable: [], rope: rope)
    m.initialize(rng: SplitMix64(seed: seed))
    if lora {  // B starts at zero: give it values so that the adapters change the function
        var r = SplitMix64(seed: seed ^ 9)
        for spec in m.parameters.tensors where spec.name.contains("lora_B") {
            m.parameters.setValues(of: spec.name, (0..<spec.count).map { _ in Float(0.05 * r.nextGaussian()) })
        }
    }
    return m
}

func randomTokens(_ count: Int, vocab: Int = 259, seed: UInt64) -> [Int32] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in Int32(rng.next() % UInt64(vocab)) }
}

/// Decoding is the model's one forward pass with a `KVCache`: the tokens a call adds attend
/// to the cached keys and values, and their logits must be the full forward's rows.
@Suite struct CachedDecodingTests {
    /// Prefill in uneven chunks (so the new queries start inside the kernel's 64-row tiles and
    /// span several), then one token at a time: every row equals the full forward pass's row
    /// at that position, with and without adapters, for each RoPE scaling and thread count.
    @Test(arguments: [false, true], [1, 2])
    func cachedLogitsEqualTheFullForward(_ lora: Bool, threads: Int) throws {
        let ropes = [RoPE(), RoPE(scaling: .positionInterpolation(factor: 4)), RoPE(scaling: .ntkAware(factor: 4))]
        let execution = Execution(threads: threads), V = 259
        for rope in ropes {
            let m = try randomLlama(lora: lora, rope: rope)
            let tokens = randomTokens(290, seed: 3)
            let full = try m.logits(tokens: tokens, execution: execution)  // [n, V]
            let cache = KVCache(config: m.config)
            var worst: Float = 0
            var start = 0
            for end in [30, 130, 270] + Array(271...290) {
                let logits = try m.logits(tokens: Array(tokens[start..<end]), cache: cache, execution: execution)
                #expect(logits.count == (end - start) * V)
                for j in 0..<logits.count { worst = max(worst, abs(logits[j] - full[start * V + j])) }
                start = end
                #expect(cache.count == end)
            }
            #expect(worst < 1e-5, "lora \(lora), \(rope), \(threads) threads: max |difference| \(worst)")
        }
    }

    @Test func aBadTokenLeavesTheCacheAsItWas() throws {
        let m = try randomLlama()
        let cache = KVCache(config: m.config)
        let tokens = randomTokens(20, seed: 1)
        _ = try m.logits(tokens: Array(tokens[..<10]), cache: cache, execution: .serial)
        #expect(throws: UserError.self) { try m.logits(tokens: [1, 9999], cache: cache, execution: .serial) }
        #expect(cache.count == 10)
        let next = try m.logits(tokens: Array(tokens[10...]), cache: cache, execution: .serial)
        let full = try m.logits(tokens: tokens, execution: .serial)
        #expect(zip(next, full[(10 * 259)...]).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func greedyDecodingMatchesRecomputingTheWholeSequence() throws {
        let m = try randomLlama(seed: 8)
        let prompt = randomTokens(40, seed: 4)
        let cached = try GreedyDecoding.generate(LlamaLanguageModel(m, execution: .serial), prompt: prompt, count: 6)
        var sequence = prompt
        for _ in 0..<6 {
            let logits = try m.logits(tokens: sequence, execution: .serial)
            sequence.append(GreedyDecoding.argmax(Array(logits[((sequence.count - 1) * 259)...])))
        }
        #expect(cached == Array(sequence[40...]))
    }
}
