import Foundation
import Kernels
import Model
import Training

enum Fixtures {
    static func model(lora: LoRAConfig? = LoRAConfig(rank: 4, alpha: 8), trainable: TrainableParts = .longLoRA,
                      rope: RoPE? = nil, seed: UInt64 = 1, config: ModelConfig = .micro) throws -> LlamaModel {
        let m = try LlamaModel(config: config, lora: lora, trainable: trainable, rope: rope)
        m.initialize(rng: SplitMix64(seed: seed))
        return m
    }

    static func config(steps: Int = 4) -> TrainingConfig {
        var c = TrainingConfig(steps: steps, batchSize: 2, length: 16)
        c.learningRate = 1e-2
        c.schedule = .constant(warmup: 2)
        c.accumulation = 2
        c.seed = 5
        return c
    }

    static func batches(_ c: TrainingConfig) -> TokenBatchProvider {
        SyntheticBatches(seed: c.seed, vocabSize: ModelConfig.micro.vocabSize, batchSize: c.batchSize,
                         length: c.length).provider
    }

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("training-tests-\(UUID().uuidString)")
    }
}
