import Foundation
import Kernels
import Model
import Testing

/// Properties the model must have whatever its weights.
@Suite struct ModelInvariantTests {
    static let (batchSize, length) = (2, 12)
    let batch = TestModels.batch(.micro, batchSize: batchSize, length: length, seed: 9)

    func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test func untrainedLossIsNearLogV() throws {
        let m = try TestModels.model()
        let loss = try m.loss(batch: batch, batchSize: Self.batchSize, length: Self.length, attention: TestModels.attention, execution: .serial)
        // Logits ~ N(0, 0.02^2 d) at init: expected loss ln V + O(0.01).
        #expect(abs(loss - log(Double(m.config.vocabSize))) < 0.05, "loss \(loss)")
    }

    @Test func loraWithZeroBEqualsBaseModel() throws {
        let base = try TestModels.model(seed: 4)
        let adapted = try TestModels.model(lora: LoRAConfig(targets: LoRATarget.allCases), trainable: .longLoRA, seed: 4)
        let tokens = Array(batch.prefix(Self.length))
        #expect(try base.logits(tokens: tokens, attention: TestModels.attention, execution: .serial) == adapted.logits(tokens: tokens, attention: TestModels.attention, execution: .serial))
    }

    @Test func mergedLoRAEqualsUnmerged() throws {
        let m = try TestModels.model(lora: LoRAConfig(rank: 4, alpha: 8), trainable: .longLoRA, seed: 4)
        TestModels.perturb(m, seed: 2)
        let tokens = Array(batch.prefix(Self.length))
        let merged = try m.merged()
        #expect(merged.lora == nil)
        let diff = maxDifference(try m.logits(tokens: tokens, attention: TestModels.attention, execution: .serial),
                                 try merged.logits(tokens: tokens, attention: TestModels.attention, execution: .serial))
        #expect(diff < 1e-5, "max logit difference \(diff)")
    }

    @Test func positionInterpolationDividesPositions() {
        let hd = 16
        let pi = RoPE(base: 10000, scaling: .positionInterpolation(factor: 4)).table(positions: 0..<16, headDim: hd)
        let plain = RoPE(base: 10000).table(positions: 0..<4, headDim: hd)
        for p in 0..<4 {  // position 4p under factor 4 must rotate like position p
            for i in 0..<(hd / 2) {
                #expect(pi.cos[4 * p * hd / 2 + i] == plain.cos[p * hd / 2 + i])
                #expect(pi.sin[4 * p * hd / 2 + i] == plain.sin[p * hd / 2 + i])
            }
        }
        let ntk = RoPE(base: 10000, scaling: .ntkAware(factor: 4))
        #expect(abs(ntk.effectiveBase(headDim: hd) - 10000 * pow(4, 16.0 / 14.0)) < 1e-6)
    }

    @Test func recomputationGivesIdenticalGradients() throws {
        func gradients(recompute: Bool) throws -> [Float] {
            let m = try TestModels.model(lora: LoRAConfig(), trainable: [.all, .lora], seed: 6)
            TestModels.perturb(m, seed: 8)
            _ = try m.forwardBackward(batch: batch, batchSize: Self.batchSize, length: Self.length,
                                      attention: TestModels.attention, execution: Execution(recompute: recompute))
            return m.parameters.gradients.array
        }
        #expect(try gradients(recompute: true) == gradients(recompute: false))
    }

    @Test func frozenTensorsHaveNoGradientMemory() throws {
        let m = try TestModels.model(lora: LoRAConfig(), trainable: .longLoRA)
        let c = m.config
        let loraCount = c.nLayers * 4 * 8 * (c.dim + c.dim)  // q,k,v,o: A [8, d], B [d, 8]
        let expected = loraCount + c.vocabSize * c.dim + (2 * c.nLayers + 1) * c.dim
        #expect(m.parameters.trainableCount == expected)
        #expect(m.parameters.view(LlamaNames.head).gradient == nil)
        #expect(m.parameters.view(LlamaNames.weight(layer: 0, target: .q)).gradient == nil)
    }

    @Test func elementwiseLoopsDoNotDependOnThreadCount() throws {
        func run(threads: Int) throws -> ([Float], Double) {
            let m = try TestModels.model(lora: LoRAConfig(), trainable: .longLoRA, seed: 6)
            let loss = try m.forwardBackward(batch: batch, batchSize: Self.batchSize, length: Self.length,
                                             attention: TestModels.attention, execution: Execution(threads: threads))
            return (m.parameters.gradients.array, loss)
        }
        let (g1, l1) = try run(threads: 1), (g2, l2) = try run(threads: 2)
        #expect(l1 == l2)
        #expect(g1 == g2)
    }

    @Test func badTokenIsAUserError() throws {
        let m = try TestModels.model()
        #expect(throws: (any Error).self) { try m.logits(tokens: [1, 2, 9999], attention: TestModels.attention, execution: .serial) }
        #expect(throws: (any Error).self) { try m.loss(batch: [1, 2, 3], batchSize: 1, length: 5, attention: TestModels.attention, execution: .serial) }
    }
}
