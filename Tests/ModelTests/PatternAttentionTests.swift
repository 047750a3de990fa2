import Foundation
import Kernels
import Model
import Support
import Testing

/// The production attention seam: the tiled kernel's `full` pattern plugged into the model must
/// agree with the naive reference kernel, and the FLOPs model must count what runs.
@Suite struct PatternAttentionTests {
    @Test func fullPatternMatchesNaiveAttentionInTheModel() throws {
        func run(_ attention: any AttentionBackend) throws -> (Double, [Float]) {
            let m = try LlamaModel(config: TestModels.microGQA, lora: LoRAConfig(), trainable: [.all, .lora])
            m.initialize(rng: SplitMix64(seed: 3))
            TestModels.perturb(m, seed: 4)
            let batch = TestModels.batch(m.config, batchSize: 2, length: 64, seed: 1)
            let loss = try m.forwardBackward(batch: batch, batchSize: 2, length: 64, attention: attention,
                                             execution: Execution(threads: 2))
            return (loss, m.parameters.gradients.array)
        }
        let (l1, g1) = try run(PatternAttention.full), (l2, g2) = try run(NaiveFullAttention())
        #expect(abs(l1 - l2) < 1e-5)
        let scale = g2.reduce(Float(0)) { max($0, abs($1)) }
        let diff = zip(g1, g2).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
        #expect(diff < 1e-4 * scale, "max gradient difference \(diff) of \(scale)")
    }

    /// G is checked once, when the attention is made for a length: 24 does not divide 64.
    @Test func badGroupSizeIsAUserError() throws {
        #expect(throws: UserError.self) { try PatternAttention(.s2, groupSize: .tokens(24), length: 64) }
        #expect(throws: Never.self) { try PatternAttention(.s2, groupSize: .tokens(16), length: 64) }
    }

    @Test func trainingFlopsCountTheProductsThatRun() throws {
        let c = ModelConfig.micro, n = 64, d = Double(c.dim), f = Double(c.ffnDim), V = Double(c.vocabSize)
        let full = try LlamaModel(config: c, trainable: .all), fullAttention = PatternAttention.full
        let rows = Double(n)
        // Full FT: every projection 2 (fwd) + 4 (bwd: dx and dW) FLOPs per MAC.
        let proj = 6 * rows * (4 * d * d + 3 * d * f) * Double(c.nLayers)
        let pairs = Double(c.nHeads * n * (n + 1) / 2)
        let attn = 14 * Double(c.headDim) * pairs * Double(c.nLayers)
        let head = 6 * rows * d * V
        #expect(try full.trainingFlops(batchSize: 1, length: n, attention: fullAttention, recompute: false)
                == proj + attn + head)
        // Recomputation repeats each layer's forward: its projections (2 per MAC) and QK^T, PV.
        let layerForward = 2 * rows * (4 * d * d + 3 * d * f) * Double(c.nLayers) + 4 * Double(c.headDim) * pairs * Double(c.nLayers)
        #expect(try full.trainingFlops(batchSize: 1, length: n, attention: fullAttention, recompute: true)
                == proj + attn + head + layerForward)
        // Frozen head: its weight-gradient product is skipped.
        let lora = try LlamaModel(config: c, lora: LoRAConfig(), trainable: .longLoRA)
        let saved = try full.trainingFlops(batchSize: 1, length: n, attention: fullAttention, recompute: false)
            - lora.trainingFlops(batchSize: 1, length: n, attention: fullAttention, recompute: false)
        #expect(saved > 2 * rows * d * V)
        let s2 = try PatternAttention(.s2, groupSize: .ratio(0.25), length: n)
        #expect(try full.trainingFlops(batchSize: 1, length: n, attention: s2, recompute: false)
                < full.trainingFlops(batchSize: 1, length: n, attention: fullAttention, recompute: false))
    }
}
