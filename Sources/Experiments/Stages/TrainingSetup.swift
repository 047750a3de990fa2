import Support
import Training

extension TrainingRecipe {
    /// The trainer's config for this recipe; `stage` (`base` or `finetune`) names the keys
    /// in messages. One sequence per micro-batch row: batch size = batch_tokens / context.
    func trainingConfig(stage: String) throws -> TrainingConfig {
        guard sequencesPerStep >= 1 else {
            throw UserError("\(stage).batch_tokens \(batchTokens) is less than one sequence of \(stage).context \(context)")
        }
        var config = TrainingConfig(steps: steps, batchSize: sequencesPerStep, length: context)
        config.learningRate = optimizer.lr
        do {
            config.schedule = try LearningRateSchedule.named(schedule, warmup: warmup, totalSteps: steps)
        } catch {
            throw UserError("\(stage).schedule: '\(schedule)' is not supported by the trainer; use constant or cosine")
        }
        config.adamW = AdamWConfig(beta1: optimizer.beta1, beta2: optimizer.beta2, eps: optimizer.eps,
                                   weightDecay: optimizer.weightDecay)
        config.clipNorm = optimizer.clip
        config.seed = UInt64(truncatingIfNeeded: seed)
        return config
    }
}

/// Training curves as the result file stores them (`curves/<name>`).
enum TrainingCurves {
    static func of(_ history: [TrainingStep]) -> [String: [Double]] {
        [
            "step": history.map { Double($0.step) },
            "loss": history.map(\.loss),
            "lr": history.map(\.learningRate),
            "grad_norm": history.map(\.gradientNorm),
            "tokens_per_s": history.map(\.tokensPerSecond),
        ]
    }
}
