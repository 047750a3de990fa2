import Model
import Support

/// DeepSpeed ZeRO as the memory model sees it: the stage, CPU offload, and the sizes of the
/// buffers that the `zero_optimization` block of a DeepSpeed config sets.
public struct ZeROConfig: Equatable, Sendable {
    /// A size in parameters (elements), fixed or, as transformers fills DeepSpeed's "auto",
    /// a multiple of the model's hidden size d or of d².
    public enum Size: Equatable, Sendable {
        case elements(Double)
        case timesHidden(Double)
        case timesHiddenSquared(Double)

        public func elements(hidden d: Int) -> Double {
            switch self {
            case .elements(let n): return n
            case .timesHidden(let k): return k * Double(d)
            case .timesHiddenSquared(let k): return k * Double(d) * Double(d)
            }
        }
    }

    /// 0 = plain data parallel, 1 = optimizer states partitioned, 2 = + gradients, 3 = + weights.
    public var stage: Int
    /// `offload_optimizer.device: cpu`: fp32 master weights, Adam moments and the fp32
    /// gradients the step reads live in CPU memory, and the CPU runs the optimizer step.
    public var offloadOptimizer: Bool
    /// `offload_param.device: cpu` (stage 3 only): the bf16 weight partitions live in CPU memory.
    public var offloadParameters: Bool
    /// `reduce_bucket_size`: gradient elements reduced together.
    public var reduceBucket: Size
    /// `stage3_prefetch_bucket_size`: weights gathered ahead of the module that needs them.
    public var prefetchBucket: Size
    /// `stage3_param_persistence_threshold`: tensors smaller than this are never partitioned.
    public var persistenceThreshold: Size
    /// `stage3_max_live_parameters`: gathered weights a GPU may hold before it releases any.
    public var maxLiveParameters: Double

    public init(stage: Int, offloadOptimizer: Bool = false, offloadParameters: Bool = false,
                reduceBucket: Size = .elements(1e9), prefetchBucket: Size = .elements(5e7),
                persistenceThreshold: Size = .elements(1e5), maxLiveParameters: Double = 1e9) {
        self.stage = stage
        self.offloadOptimizer = offloadOptimizer
        self.offloadParameters = offloadParameters
        self.reduceBucket = reduceBucket
        self.prefetchBucket = prefetchBucket
        self.persistenceThreshold = persistenceThreshold
        self.maxLiveParameters = maxLiveParameters
    }

    /// The official LongLoRA `ds_configs/stage2.json` (the paper's recipe): stage 2, reduce
    /// bucket 1e9, no offload. `--zero N` keeps its buckets and changes only the stage; the
    /// stage-3 sizes it does not set are DeepSpeed's defaults (prefetch 5e7, persistence 1e5).
    public static let longloraStage2 = ZeROConfig(stage: 2)

    /// The official LongLoRA `ds_configs/stage3.json`: stage 3 with the optimizer and the weights
    /// offloaded to CPU memory; "auto" sizes as transformers fills them (reduce bucket d²,
    /// prefetch 0.9·d², persistence threshold 10·d); stage3_max_live_parameters 1e9.
    public static let longloraStage3 = ZeROConfig(
        stage: 3, offloadOptimizer: true, offloadParameters: true, reduceBucket: .timesHiddenSquared(1),
        prefetchBucket: .timesHiddenSquared(0.9), persistenceThreshold: .timesHidden(10), maxLiveParameters: 1e9)

    /// Refuses what DeepSpeed refuses: stages outside 0...3, offload below the stage that partitions it.
    public func validate() throws {
        guard (0...3).contains(stage) else { throw UserError("ZeRO stage \(stage): expected 0 to 3") }
        if offloadOptimizer, stage < 1 {
            throw UserError("offloading the optimizer needs ZeRO stage 1 or more (it offloads the optimizer's partition); got stage \(stage)")
        }
        if offloadParameters, stage < 3 {
            throw UserError("offloading the parameters needs ZeRO stage 3 (only stage 3 partitions them); got stage \(stage)")
        }
    }

    /// The offload column: none, optimizer, params or optimizer+params.
    public var offloadName: String {
        switch (offloadOptimizer, offloadParameters) {
        case (false, false): return "none"
        case (true, false): return "optimizer"
        case (false, true): return "params"
        case (true, true): return "optimizer+params"
        }
    }

    /// "ZeRO stage 3, CPU offload of optimizer and parameters".
    public var summary: String {
        let offload = [offloadOptimizer ? "optimizer" : nil, offloadParameters ? "parameters" : nil].compactMap { $0 }
        return "ZeRO stage \(stage)" + (offload.isEmpty ? "" : ", CPU offload of " + offload.joined(separator: " and "))
    }
}
