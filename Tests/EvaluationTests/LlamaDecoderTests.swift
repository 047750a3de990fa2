import Evaluation
import Kernels
import Model
import Testing

/// A small random LLaMA with grouped-query heads (4 query heads share 2 key/value heads).
func randomLlama(lora: Bool = false, rope: RoPE = RoPE(), seed: UInt64 = 5) throws -> LlamaModel {
    let config = ModelConfig(name: "t", vocabSize: 259, dim: 32, nLayers: 2, nHeads: 4, nKVHeads: 2,
                             ffnDim: 64, maxContext: 64)
    let m = try LlamaModel(config: config, lora: lora ? LoRAConfig() : nil, trainable: [], rope: rope,
                           attention: PatternAttention.full)
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

@Suite struct LlamaDecoderTests {
    /// Prefill (across the 256-row query block) then one token at a time: every step's
    /// logits equal the full forward pass's row at that position.
    @Test(arguments: [false, true])
    func decoderLogitsEqualTheFullForward(_ lora: Bool) throws {
        let ropes = [RoPE(), RoPE(scaling: .positionInterpolation(factor: 4)), RoPE(scaling: .ntkAware(factor: 4))]
        for rope in ropes {
            let m = try randomLlama(lora: lora, rope: rope)
            let tokens = randomTokens(290, seed: 3)
            let full = try m.logits(tokens: tokens)  // [n, V]
            var decoder = try LlamaDecoder(model: m)
            var worst: Float = 0
            var logits = try decoder.prefill(Array(tokens[..<270]))
            for t in 269..<290 {
                if t > 269 { logits = try decoder.append(tokens[t]) }
                for j in 0..<259 { worst = max(worst, abs(logits[j] - full[t * 259 + j])) }
            }
            #expect(decoder.position == 290)
            #expect(worst < 1e-5, "lora \(lora), \(rope): max |difference| \(worst)")
        }
    }

    @Test func greedyDecodingMatchesRecomputingTheWholeSequence() throws {
        let m = try randomLlama(seed: 8)
        let prompt = randomTokens(40, seed: 4)
        let cached = try GreedyDecoding.generate(LlamaLanguageModel(m), prompt: prompt, count: 6)
        var sequence = prompt
        for _ in 0..<6 {
            let logits = try m.logits(tokens: sequence)
            sequence.append(GreedyDecoding.argmax(Array(logits[((sequence.count - 1) * 259)...])))
        }
        #expect(cached == Array(sequence[40...]))
    }
}
