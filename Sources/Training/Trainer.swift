import Foundation
import Kernels
import Model
import Support

/// The training loop: micro-batches -> gradient accumulation -> NaN/Inf check of the loss
/// (which carries the activations') and the gradients -> global-norm clipping -> AdamW with
/// the learning-rate schedule -> NaN/Inf check of the updated weights -> `Divergence` rule. Progress goes to a `ProgressSink` as typed
/// events and, per step, to `onStep` (for training curves). Every step runs `model` under the
/// training `attention` pattern, as `execution` says.
public final class Trainer {
    public let model: LlamaModel
    public let config: TrainingConfig
    public let attention: any AttentionBackend
    /// Threads and recomputation: how the steps run, not what they compute, so not saved in
    /// checkpoints (a resumed run uses the ones it is given).
    public let execution: Execution
    public let optimizer: AdamW
    public var batches: TokenBatchProvider
    public var progress: ProgressSink
    /// The task the progress events name: `pretrain` or `finetune`.
    public var task = "train"
    /// When this trainer's first `run` began: its task ends once, at the last step, however
    /// many segments (checkpoint intervals) it runs in.
    private var began: Date?
    public var onStep: ((TrainingStep) -> Void)?
    /// Steps taken so far (also the 0-based index of the next step).
    public private(set) var step: Int
    public private(set) var history: [TrainingStep] = []

    /// Trains `model` as it is (already initialised or loaded).
    public init(model: LlamaModel, config: TrainingConfig, attention: any AttentionBackend, execution: Execution,
                batches: @escaping TokenBatchProvider, progress: @escaping ProgressSink = Progress.silent) throws {
        try config.validate()
        guard model.parameters.trainableCount > 0 else { throw UserError("nothing to train: every tensor is frozen") }
        self.model = model
        self.config = config
        self.attention = attention
        self.execution = execution
        self.batches = batches
        self.progress = progress
        optimizer = AdamW(config: config.adamW, parameters: model.parameters)
        step = 0
    }

    /// Continues from a restored optimizer state (see `TrainerCheckpoint`).
    func restore(step: Int, history: [TrainingStep]) {
        self.step = step
        self.history = history
    }

    /// Runs until `config.steps` steps are done (or `until`, if smaller).
    public func run(until last: Int? = nil) throws {
        let end = min(last ?? config.steps, config.steps)
        if began == nil {
            began = Date()
            progress(.begin(task: task, total: config.steps, unit: "steps"))
        }
        while step < end { _ = try trainStep() }
        if step == config.steps, let began {
            progress(.end(task: task, seconds: Date().timeIntervalSince(began)))
            self.began = nil
        }
    }

    /// One optimizer step.
    @discardableResult
    public func trainStep() throws -> TrainingStep {
        let started = DispatchTime.now().uptimeNanoseconds
        let params = model.parameters
        params.gradients.zero()
        var loss = 0.0
        for micro in 0..<config.accumulation {
            let batch = try batches(step, micro)
            loss += try model.forwardBackward(batch: batch, batchSize: config.batchSize, length: config.length,
                                              attention: attention, execution: execution,
                                              gradientScale: 1 / Float(config.accumulation))
        }
        loss /= Double(config.accumulation)
        guard loss.isFinite else {
            throw UserError("step \(step + 1): loss is \(loss) (the activations overflowed): the run diverged (lower the learning rate, lora.alpha or weight_decay, or raise eps)")
        }
        let norm = try gradientNorm()
        if config.clipNorm > 0 && norm > config.clipNorm {
            // PyTorch's clip_grad_norm_: scale by max_norm / (norm + 1e-6).
            let scale = Float(config.clipNorm / (norm + 1e-6))
            let g = params.gradients.pointer
            for i in 0..<params.gradients.count { g[i] *= scale }
        }
        let lr = config.schedule.rate(config.learningRate, step: step)
        optimizer.update(params, lr: lr)
        if let bad = params.firstNonFinite(in: params.trainableTensors) {
            throw UserError("step \(step + 1): after the update, \(bad.tensor)[\(bad.index)] is \(bad.value): the run diverged (lower the learning rate, lora.alpha or weight_decay, or raise eps)")
        }
        step += 1
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let record = TrainingStep(step: step, loss: loss, learningRate: lr, gradientNorm: norm,
                                  tokensPerSecond: Double(config.tokensPerStep) / seconds, seconds: seconds)
        history.append(record)
        try Divergence.check(history, vocabSize: model.config.vocabSize)
        onStep?(record)
        progress(.advance(task: task, completed: step, total: config.steps, metrics: [
            ("loss", loss), ("lr", lr), ("grad_norm", norm), ("tokens/s", record.tokensPerSecond),
        ], unit: "steps"))
        return record
    }

    /// Global L2 norm of all gradients (float64 sums); a NaN/Inf names the step and tensor.
    func gradientNorm() throws -> Double {
        let params = model.parameters
        var total = 0.0
        for spec in params.trainableTensors {
            let g = params.gradients.pointer + spec.gradientOffset!
            // Float64 sums in eight lanes (the order differs from one running sum only in
            // the last bits of a float64, far below the float32 gradients themselves).
            var lanes = SIMD8<Double>()
            var i = 0
            while i + 8 <= spec.count {
                let x = SIMD8<Double>(UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self))
                lanes += x * x
                i += 8
            }
            var s = lanes.sum()
            while i < spec.count { s += Double(g[i]) * Double(g[i]); i += 1 }
            guard s.isFinite else {
                throw UserError("step \(step + 1): gradient of \(spec.name) contains NaN or Inf")
            }
            total += s
        }
        return total.squareRoot()
    }
}
