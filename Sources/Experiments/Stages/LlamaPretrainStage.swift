import Foundation
import Kernels
import Model
import Support
import Training

/// Pretrains a fresh LLaMA of the spec's `model` at `base.context` on the train split of
/// `data.corpus`, then writes it (Hugging Face layout) into the runner's directory.
public struct LlamaPretrainStage: PretrainStage {
    public var dataDirectory: URL
    public var threads: Int

    public init(dataDirectory: URL, threads: Int = 1) {
        self.dataDirectory = dataDirectory
        self.threads = threads
    }

    public func pretrain(_ config: RunConfig, into directory: URL, progress: ProgressSink) throws {
        // The trainer keeps the sink only while this call runs.
        try withoutActuallyEscaping(progress) { try pretrain(config, into: directory, sink: $0) }
    }

    func pretrain(_ config: RunConfig, into directory: URL, sink progress: @escaping ProgressSink) throws {
        let training = config.base
        let seed = training.seed
        let model = try LlamaModel(config: config.model)
        model.initialize(rng: SplitMix64(seed: seed).fork("base model"))
        let shard = try CorpusSplit.load(config.data.corpus, split: .train, dataDirectory: dataDirectory)
        let batches = try ShardBatches(shard: shard, seed: seed, batchSize: training.batchSize, length: training.length,
                                       source: "\(config.data.corpus):train")
        progress(.message("pretraining base model: \(model.parameterCount) parameters, \(training.steps) steps at \(training.length) tokens"))
        let trainer = try Trainer(model: model, config: training, attention: PatternAttention.full,
                                  execution: Execution(threads: threads), batches: batches.provider, progress: progress)
        try trainer.run()
        try model.writeHF(into: directory)
        // The curve of pretraining is kept beside the weights, for inspection.
        let curves = try JSONSerialization.data(withJSONObject: TrainingCurves.of(trainer.history), options: [.sortedKeys])
        try AtomicFile.write(curves, to: directory.appendingPathComponent("pretrain_curves.json"))
    }
}
