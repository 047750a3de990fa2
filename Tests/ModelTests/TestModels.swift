import Foundation
import Kernels
import Model

/// Small models and batches shared by the Model tests.
enum TestModels {
    /// micro with grouped-query heads (4 query heads share 2 key/value heads).
    static let microGQA: ModelConfig = {
        var c = ModelConfig.micro
        c.nKVHeads = 2
        return c
    }()

    /// The kernel the Model tests run the model with: the naive reference, so that these
    /// tests check the blocks around attention independently of the tiled kernel.
    static let attention = NaiveFullAttention()

    static func model(_ config: ModelConfig = .micro, lora: LoRAConfig? = nil,
                      trainable: TrainableParts = .all, rope: RoPE? = nil, seed: UInt64 = 1) throws -> LlamaModel {
        let m = try LlamaModel(config: config, lora: lora, trainable: trainable, rope: rope)
        m.initialize(rng: SplitMix64(seed: seed))
        return m
    }

    /// Moves every parameter away from its initial value (norms around 1, LoRA B non-zero),
    /// so that no gradient is zero by symmetry.
    static func perturb(_ m: LlamaModel, seed: UInt64, scale: Double = 0.15) {
        var rng = SplitMix64(seed: seed)
        for t in m.parameters.tensors {
            let v = m.parameters.view(t)
            for i in 0..<t.count {
                let noise = Float(scale * rng.nextGaussian())
                v.value[i] = t.shape.count == 1 ? 1 + noise : noise
            }
        }
    }

    static func batch(_ config: ModelConfig, batchSize: Int, length: Int, seed: UInt64) -> [Int32] {
        var rng = SplitMix64(seed: seed)
        return (0..<(batchSize * (length + 1))).map { _ in Int32(rng.next() % UInt64(config.vocabSize)) }
    }
}
