import Foundation
import Model
import Support

/// Everything that fixes a training run besides the model, the data and the attention
/// pattern; how the steps run (threads, recomputation) is `Execution`, not part of it.
/// Defaults follow the paper's recipe (section 3 of the digest) at miniature batch size.
public struct TrainingConfig: Codable, Hashable, Sendable {
    public var steps: Int
    /// Sequences per micro-batch (B) and tokens per sequence (n).
    public var batchSize: Int
    public var length: Int
    /// Micro-batches whose gradients are summed before one optimizer step.
    public var accumulation: Int = 1
    public var learningRate: Double = 2e-5
    public var schedule: LearningRateSchedule = .constant(warmup: 20)
    public var adamW = AdamWConfig()
    /// Global gradient-norm clipping (0 turns it off).
    public var clipNorm: Double = 1.0
    public var seed: UInt64 = 0

    public init(steps: Int, batchSize: Int, length: Int) {
        self.steps = steps; self.batchSize = batchSize; self.length = length
    }

    public var tokensPerStep: Int { batchSize * length * accumulation }

    /// Whether a longer run of the same recipe can carry this one on: its rate does not depend
    /// on the number of steps (constant after warm-up), so the longer run's first steps are
    /// exactly these.
    public var isContinuable: Bool {
        if case .constant = schedule { return true }
        return false
    }

    /// Whether this run is `shorter` carried on: the same recipe but more steps, and
    /// continuable, so its first `shorter.steps` steps are exactly `shorter`'s.
    public func continues(_ shorter: TrainingConfig) -> Bool {
        guard isContinuable, steps > shorter.steps else { return false }
        var same = shorter
        same.steps = steps
        return same == self
    }

    public func validate() throws {
        func fail(_ what: String) -> UserError { UserError("training config: \(what)") }
        guard steps > 0, batchSize > 0, length > 0, accumulation > 0 else {
            throw fail("steps, batch size, length and accumulation must be positive")
        }
        guard learningRate >= 0, learningRate.isFinite else { throw fail("learning rate must be >= 0") }
        guard (0..<1).contains(adamW.beta1), (0..<1).contains(adamW.beta2) else {
            throw fail("AdamW betas must be in [0, 1), got \(adamW.beta1), \(adamW.beta2)")
        }
        guard adamW.eps > 0, adamW.weightDecay >= 0, clipNorm >= 0 else {
            throw fail("eps must be > 0, weight decay and clip norm >= 0")
        }
    }
}

/// One optimizer step as reported to progress sinks and result files.
public struct TrainingStep: Codable, Hashable, Sendable {
    /// 1-based number of the step just taken.
    public var step: Int
    public var loss: Double
    public var learningRate: Double
    /// Global gradient norm before clipping.
    public var gradientNorm: Double
    public var tokensPerSecond: Double
    public var seconds: Double

    public init(step: Int, loss: Double, learningRate: Double, gradientNorm: Double, tokensPerSecond: Double, seconds: Double) {
        (self.step, self.loss, self.learningRate, self.gradientNorm) = (step, loss, learningRate, gradientNorm)
        (self.tokensPerSecond, self.seconds) = (tokensPerSecond, seconds)
    }
}
