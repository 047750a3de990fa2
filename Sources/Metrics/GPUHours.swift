import Model

/// The paper's fine-tuning schedule: 1000 steps of 64 sequences of the target length.
public struct Recipe: Sendable {
    public var steps: Int
    public var globalBatch: Int

    public init(steps: Int = 1000, globalBatch: Int = 64) {
        self.steps = steps
        self.globalBatch = globalBatch
    }

    public static let paper = Recipe()
}

public enum GPUHours {
    /// FLOPs the GPUs execute for the whole recipe. Attention is counted causally here
    /// (the work a causal flash kernel does), unlike the paper's FLOPs table.
    public static func executedFLOPs(_ c: ModelConfig, context n: Int, setup: FineTuneSetup, recipe: Recipe) -> Double {
        FLOPs.training(c, context: n, setup: setup, counting: .causal).total
            * Double(recipe.steps) * Double(recipe.globalBatch)
    }

    /// Wall-clock hours: executed FLOPs over (GPUs × bf16 peak × MFU).
    /// `mfu` is the calibration constant of `Calibration`.
    public static func hours(_ c: ModelConfig, context n: Int, setup: FineTuneSetup, recipe: Recipe = .paper,
                             cluster: Cluster, mfu: Double) -> Double {
        let rate = Double(max(1, cluster.gpus)) * cluster.device.bf16PeakTFLOPs * 1e12 * mfu
        return executedFLOPs(c, context: n, setup: setup, recipe: recipe) / rate / 3600
    }
}
