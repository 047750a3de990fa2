import Data
import Evaluation
import Foundation
import Kernels
import Model
import Support
import Training

/// Pretrains a fresh LLaMA of the spec's `model` at `base.context` on the train split of
/// `data.corpus`, then writes it (Hugging Face layout) into the runner's directory.
///
/// A base long enough to learn in-context copying takes tens of minutes here, so it
/// checkpoints: every twentieth of its steps a resumable `TrainerCheckpoint` replaces the
/// previous one under `checkpoints`, and a new invocation resumes from it (batches are a
/// function of seed and step, so a resumed base equals an uninterrupted one). At every
/// checkpoint the induction probe measures how much the model copies from its context,
/// so `pretrain_curves.json` shows when copying appears. A constant-rate base also keeps its
/// final trainer checkpoint, from which a longer base of the same recipe carries on.
public struct LlamaPretrainStage: PretrainStage {
    public var dataDirectory: URL
    public var threads: Int

    public init(dataDirectory: URL, threads: Int = 1) {
        self.dataDirectory = dataDirectory
        self.threads = threads
    }

    /// The final trainer checkpoint of a constant-rate base, inside its directory.
    public static let continuationDirectory = "continuation"

    /// Random sequences of this many tokens (two copies of half) probe copying.
    static let probeTokens = 128

    public func pretrain(_ config: RunConfig, into directory: URL, checkpoints: URL, progress: ProgressSink) throws {
        // The trainer keeps the sink only while this call runs.
        try withoutActuallyEscaping(progress) { try pretrain(config, into: directory, checkpoints: checkpoints, sink: $0) }
    }

    func pretrain(_ config: RunConfig, into directory: URL, checkpoints: URL, sink progress: @escaping ProgressSink) throws {
        let training = config.base
        let seed = training.seed
        let shard = try CorpusSplit.load(config.data.corpus, split: .train, dataDirectory: dataDirectory)
        let corpus = try ShardBatches(shard: shard, seed: seed, batchSize: training.batchSize, length: training.length,
                                      source: "\(config.data.corpus):train")
        let batches = MixedBatches(corpus: corpus, copyTask: config.copyTask,
                                      copyRows: CopyTaskRows(seed: seed, vocabSize: config.model.vocabSize, special: ByteTokenizer.specialIDs),
                                      passkeyTask: config.passkeyTask,
                                      passkeyRows: try PasskeyTaskRows.load(config.passkeyTask, config: config, seed: seed, length: training.length,
                                                                            key: "base", dataDirectory: dataDirectory))
        let execution = Execution(threads: threads)
        let trainer: Trainer
        var probe: [ProbePoint] = []
        if let latest = try LlamaFinetuneStage.latestCheckpoint(in: checkpoints) {
            progress(.message("resuming pretraining from \(latest.lastPathComponent)"))
            trainer = try TrainerCheckpoint.resume(from: latest, attention: PatternAttention.full, execution: execution,
                                                   batches: batches.provider, training: training, progress: progress)
            probe = try Self.readProbeCurve(in: checkpoints).filter { $0.step <= trainer.step }
        } else {
            let model = try LlamaModel(config: config.model)
            model.initialize(rng: SplitMix64(seed: seed).fork("base model"))
            progress(.message("pretraining base model: \(model.parameterCount) parameters, \(training.steps) steps at \(training.length) tokens"
                              + (config.copyTask.steps > 0 ? ", the first \(config.copyTask.steps) on the copy task" : "")
                              + (config.passkeyTask.fraction > 0 ? "; passkey rows: \(config.passkeyTask.rows(batchSize: training.batchSize)) of every \(training.batchSize) sequences" : "")))
            trainer = try Trainer(model: model, config: training, attention: PatternAttention.full,
                                  execution: execution, batches: batches.provider, progress: progress)
        }
        trainer.task = "pretrain"
        // Ids of the training text: copying is probed on ids the model has learned.
        let pool = shard.tokens(0..<min(shard.count, InductionProbe.poolLimit))
        let inductionProbe = try InductionProbe(length: min(Self.probeTokens, training.length) / 2, trials: 16, seed: seed)
        func measureCopying() throws {
            guard probe.last?.step != trainer.step else { return }
            let result = try inductionProbe.run(LlamaLanguageModel(trainer.model, execution: execution), pool: pool)
            probe.append(ProbePoint(step: trainer.step, copyGain: result.copyGain, secondCopyLoss: result.secondCopyLoss))
        }
        try measureCopying()
        let every = max(1, training.steps / 20)
        while trainer.step < training.steps {
            try trainer.run(until: min(training.steps, (trainer.step / every + 1) * every))
            try measureCopying()
            guard trainer.step < training.steps else { break }
            let previous = try LlamaFinetuneStage.latestCheckpoint(in: checkpoints)
            try TrainerCheckpoint.save(trainer, to: LlamaFinetuneStage.checkpointURL(checkpoints, step: trainer.step))
            try Self.writeProbeCurve(probe, in: checkpoints)
            if let previous { try? FileManager.default.removeItem(at: previous) }
        }
        try trainer.model.writeHF(into: directory)
        // Under a constant rate a longer base of the same recipe starts where this one ends
        // (`BaseContinuation`): keep what it needs to resume, the moments and the probe curve.
        if training.isContinuable {
            let continuation = directory.appendingPathComponent(Self.continuationDirectory)
            try TrainerCheckpoint.save(trainer, to: continuation)
            try Self.writeProbeCurve(probe, in: continuation)
            Self.shareWeights(of: directory, with: continuation)
        }
        // The curves of pretraining are kept beside the weights, for inspection.
        var curves = TrainingCurves.of(trainer.history)
        curves["probe_step"] = probe.map { Double($0.step) }
        curves["copy_gain"] = probe.map(\.copyGain)
        curves["second_copy_loss"] = probe.map(\.secondCopyLoss)
        let json = try JSONSerialization.data(withJSONObject: curves, options: [.sortedKeys])
        try AtomicFile.write(json, to: directory.appendingPathComponent("pretrain_curves.json"))
    }

    /// The continuation's weights are the base's own: a hard link replaces the second copy
    /// (atomically, so the checkpoint is never without them). Left as a copy if they differ or
    /// the file system cannot link.
    static func shareWeights(of directory: URL, with continuation: URL) {
        let name = "model.safetensors", fm = FileManager.default
        let original = directory.appendingPathComponent(name), copy = continuation.appendingPathComponent(name)
        guard let a = try? Data(contentsOf: original, options: .alwaysMapped),
              let b = try? Data(contentsOf: copy, options: .alwaysMapped), a == b else { return }
        let link = continuation.appendingPathComponent(".\(name).link")
        try? fm.removeItem(at: link)
        guard (try? fm.linkItem(at: original, to: link)) != nil else { return }
        if rename(link.path, copy.path) != 0 { try? fm.removeItem(at: link) }
    }

    struct ProbePoint: Codable, Equatable {
        var step: Int
        var copyGain: Double
        var secondCopyLoss: Double
    }

    static func probeURL(_ checkpoints: URL) -> URL { checkpoints.appendingPathComponent("copy-probe.json") }

    static func readProbeCurve(in checkpoints: URL) throws -> [ProbePoint] {
        guard let data = try? Data(contentsOf: probeURL(checkpoints)) else { return [] }
        do { return try JSONDecoder().decode([ProbePoint].self, from: data) } catch {
            throw UserError("\(probeURL(checkpoints).path): not a copy-probe curve (\(error.localizedDescription))",
                            hint: "delete it; the probe is measured again from the next checkpoint")
        }
    }

    static func writeProbeCurve(_ probe: [ProbePoint], in checkpoints: URL) throws {
        try AtomicFile.write(try JSONEncoder().encode(probe), to: probeURL(checkpoints))
    }
}
