import Foundation
import Kernels
import Metrics
import Model
import Support
import Training

/// Extends a base model's context: loads it, stretches RoPE by the position-interpolation
/// factor, attaches LoRA and freezes all but the trainable parts, then trains on
/// `finetune.context`-token sequences of the train split under the training attention pattern.
///
/// Checkpoints `step-NNNNNN/` (resumable `TrainerCheckpoint`s) go under the runner's
/// per-hash directory every `checkpoint_every` steps and at the end; an invocation starts
/// from the latest one found, and the final one is the model handed to evaluation.
public struct LlamaFinetuneStage: FinetuneStage {
    public var dataDirectory: URL
    public var threads: Int
    /// The machine's SGEMM rate, for the `peak_fraction` resource (nil: not reported).
    public var sgemmPeakGFLOPs: Double?

    public init(dataDirectory: URL, threads: Int = 1, sgemmPeakGFLOPs: Double? = nil) {
        self.dataDirectory = dataDirectory
        self.threads = threads
        self.sgemmPeakGFLOPs = sgemmPeakGFLOPs
    }

    public func finetune(_ config: RunConfig, base: URL, checkpoints: URL, progress: ProgressSink) throws -> FinetuneOutcome {
        // The trainer keeps the sink only while this call runs.
        try withoutActuallyEscaping(progress) { try finetune(config, base: base, checkpoints: checkpoints, sink: $0) }
    }

    func finetune(_ config: RunConfig, base: URL, checkpoints: URL, sink progress: @escaping ProgressSink) throws -> FinetuneOutcome {
        let recipe = config.finetune
        let meter = ResourceMeter()
        guard recipe.training.steps > 0 else {
            // The paper's "no fine-tuning" row: the base model with position interpolation only.
            return FinetuneOutcome(model: base, groups: ["analytic": try analytic(config)])
        }
        let attention = try recipe.trainingAttention()
        let shard = try CorpusSplit.load(config.data.folder(config.data.corpus), split: .train, dataDirectory: dataDirectory)
        let training = recipe.training
        let execution = Execution(threads: threads, recompute: recipe.recompute)
        // Its own data stream: not the pretraining's sequences even when the seeds are equal.
        let dataSeed = SplitMix64(seed: UInt64(truncatingIfNeeded: config.seed)).fork("finetune data").state
        let corpus = try ShardBatches(shard: shard, seed: dataSeed,
                                      batchSize: training.batchSize, length: training.length,
                                      source: "\(config.data.corpus):train")
        let batches = MixedBatches(corpus: corpus, passkeyTask: recipe.passkeyTask,
                                   passkeyRows: try PasskeyTaskRows.load(recipe.passkeyTask, config: config, seed: dataSeed,
                                                                          length: training.length, key: "finetune", dataDirectory: dataDirectory))
        let trainer: Trainer
        if let latest = try Self.latestCheckpoint(in: checkpoints) {
            progress(.message("resuming fine-tuning from \(latest.lastPathComponent)"))
            trainer = try TrainerCheckpoint.resume(from: latest, attention: attention, execution: execution,
                                                   batches: batches.provider, progress: progress)
        } else {
            let model = try Self.prepareModel(config, base: base)
            trainer = try Trainer(model: model, config: training, attention: attention, execution: execution,
                                  batches: batches.provider, progress: progress)
        }
        trainer.task = "finetune"
        let resumedFrom = trainer.step
        let every = recipe.checkpointEvery > 0 ? recipe.checkpointEvery : recipe.training.steps
        var curve: ValidationCurve?
        if recipe.evalEvery > 0 {
            try FileManager.default.createDirectory(at: checkpoints, withIntermediateDirectories: true)
            curve = try ValidationCurve(config: config, dataDirectory: dataDirectory, checkpoints: checkpoints,
                                        resumedAt: trainer.step)
        }
        // Evaluation time is excluded from the measured resources.
        var evaluationSeconds = 0.0
        func measureCurve() throws {
            guard var c = curve, c.wants(step: trainer.step, every: recipe.evalEvery) else { return }
            let start = ProcessStats.monotonicSeconds()
            try c.measure(trainer.model, step: trainer.step, corpus: config.data.corpus,
                          execution: execution, progress: progress)
            curve = c
            evaluationSeconds += ProcessStats.monotonicSeconds() - start
        }
        try measureCurve()
        while trainer.step < training.steps {
            var next = min(training.steps, (trainer.step / every + 1) * every)
            if recipe.evalEvery > 0 { next = min(next, (trainer.step / recipe.evalEvery + 1) * recipe.evalEvery) }
            try trainer.run(until: next)
            if trainer.step % every == 0 || trainer.step == training.steps {
                try TrainerCheckpoint.save(trainer, to: Self.checkpointURL(checkpoints, step: trainer.step))
            }
            try measureCurve()
        }
        let final = Self.checkpointURL(checkpoints, step: training.steps)
        if !FileManager.default.fileExists(atPath: final.path) { try TrainerCheckpoint.save(trainer, to: final) }

        let stepsRun = training.steps - resumedFrom
        let flopsPerStep = try trainer.model.trainingFlops(batchSize: training.batchSize, length: training.length,
                                                           attention: attention, recompute: execution.recompute)
        let used = meter.finish(tokens: stepsRun * training.tokensPerStep, flops: flopsPerStep * Double(stepsRun),
                                sgemmPeakGFLOPs: sgemmPeakGFLOPs, excludingSeconds: evaluationSeconds)
        var resources: [String: Double] = [
            "wall_s": used.wallSeconds, "cpu_s": used.cpuSeconds, "peak_rss_bytes": Double(used.peakRSSBytes),
            "tokens_per_s": used.tokensPerSecond, "gflops": used.achievedGFLOPs, "threads": Double(threads),
        ]
        if let fraction = used.fractionOfSgemmPeak { resources["peak_fraction"] = fraction }
        var analytic = try analytic(config)
        analytic["flops_per_step_implementation"] = flopsPerStep
        if stepsRun > 0 { resources["seconds_per_step"] = used.wallSeconds / Double(stepsRun) }
        return FinetuneOutcome(model: final, curves: TrainingCurves.of(trainer.history).merging(curve?.curves ?? [:]) { a, _ in a },
                               metrics: ["resumed_from_step": Double(resumedFrom), "steps_run": Double(stepsRun),
                                         "trainable_parameters": Double(trainer.model.parameters.trainableCount)],
                               groups: ["resources": resources, "analytic": analytic])
    }

    /// The base model made ready for fine-tuning: PI, fresh LoRA.
    public static func prepareModel(_ config: RunConfig, base: URL) throws -> LlamaModel {
        let recipe = config.finetune
        let lora = recipe.trainable.contains(.lora) ? recipe.lora : nil
        let model = try LlamaModel.load(from: base, trainable: recipe.trainable, rope: rope(config), addLoRA: lora)
        model.initializeLoRA(rng: SplitMix64(seed: UInt64(truncatingIfNeeded: config.seed)).fork("lora"))
        return model
    }

    /// RoPE of the extended model: linear position interpolation (or NTK-aware scaling) by the spec's factor.
    public static func rope(_ config: RunConfig) -> RoPE {
        // A given model unextended keeps its own RoPE, whatever scaling it was saved with
        // (validation refuses a factor on top of such a scaling).
        if let given = config.baseCheckpoint, config.finetune.positionInterpolation == 1 { return given.rope }
        return rope(base: config.model.ropeBase, factor: config.finetune.positionInterpolation, scaling: config.finetune.ropeScaling)
    }

    /// Position interpolation (or NTK-aware scaling) by `factor` on `base`; a factor of 1 scales nothing.
    public static func rope(base: Double, factor: Double, scaling: PositionScaling) -> RoPE {
        RoPE(base: base, scaling: scaling.scaling(factor: factor))
    }

    static func checkpointURL(_ directory: URL, step: Int) -> URL {
        directory.appendingPathComponent("step-" + String(format: "%06d", step))
    }

    /// The complete checkpoint with the most steps (`CheckpointDirectory` renames a
    /// checkpoint into place only when written, so any `step-*` with a state file is whole).
    static func latestCheckpoint(in directory: URL) throws -> URL? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return nil }
        let steps = names.compactMap { name -> Int? in
            guard name.hasPrefix("step-"), let step = Int(name.dropFirst(5)) else { return nil }
            let state = directory.appendingPathComponent(name).appendingPathComponent(TrainerCheckpoint.stateFile)
            return FileManager.default.fileExists(atPath: state.path) ? step : nil
        }
        return steps.max().map { checkpointURL(directory, step: $0) }
    }

    /// Training FLOPs per optimizer step by the paper's components (Metrics' model).
    func analytic(_ config: RunConfig) throws -> [String: Double] {
        let recipe = config.finetune
        let setup = try recipe.fineTuneSetup(checkpointing: recipe.recompute, flashAttention: false)
        let perStep = FLOPs.training(config.model, context: recipe.context, setup: setup)
            .scaled(by: Double(recipe.training.batchSize))
        return ["flops_attention_per_step": perStep.attention, "flops_projections_per_step": perStep.projections,
                "flops_ffn_per_step": perStep.ffn, "flops_others_per_step": perStep.others,
                "flops_per_step": perStep.total]
    }
}
