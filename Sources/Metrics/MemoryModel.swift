import Model

/// Peak memory of one GPU during training, by part, in bytes.
public struct MemoryEstimate: Equatable, Sendable {
    /// bf16 weights (base and adapters); sharded by ZeRO-3.
    public var parameters: Double
    /// bf16 gradients (sharded by ZeRO-2/3) and the fp32 copy of the optimizer's
    /// partition made for the step (sharded by ZeRO-1/2/3).
    public var gradients: Double
    /// fp32 master weights and Adam moments of the trainable weights; sharded by ZeRO-1/2/3.
    public var optimizerStates: Double
    /// Gradient reduction buckets (DeepSpeed with overlap_comm, or DDP's bucket copy).
    public var communicationBuffers: Double
    /// Saved activations: layer inputs under checkpointing (plus any excess of one
    /// layer's recomputation working set over the loss phase), or every layer's tensors.
    public var activations: Double
    /// The loss phase: fp32 logits and their companions, [n, V] each.
    public var logits: Double
    /// Framework and allocator overhead (CUDA context, NCCL, caching-allocator slack):
    /// the calibration constant, fitted on one point of the paper (see `Calibration`).
    public var overhead: Double

    public var total: Double {
        parameters + gradients + optimizerStates + communicationBuffers + activations + logits + overhead
    }
    public var totalGiB: Double { total / gib }
    public func fits(_ device: DeviceProfile) -> Bool { total <= device.memoryBytes }
}

/// Where the training runs: data-parallel GPUs and the ZeRO stage.
public struct Cluster: Sendable {
    public var gpus: Int
    /// 0 = plain data parallel, 1 = optimizer states sharded, 2 = + gradients, 3 = + weights.
    public var zeroStage: Int
    public var device: DeviceProfile

    public init(gpus: Int = 8, zeroStage: Int = 2, device: DeviceProfile = .a100_80gb) {
        self.gpus = gpus
        self.zeroStage = zeroStage
        self.device = device
    }
}

/// Per-GPU training memory with the paper's precision: bf16 weights and gradients,
/// fp32 master weights and Adam states for the trainable weights.
public struct MemoryModel: Sendable {
    /// DeepSpeed reduce bucket of the paper's recipe (ds_configs stage 2: 1e9 elements).
    public var reduceBucketElements: Double = 1e9
    /// DeepSpeed documents that overlap_comm makes a bucket cost about 4.5x its bf16 size.
    public var overlapCommFactor: Double = 4.5
    /// Bytes per token per vocabulary entry in the loss phase: four fp32 [n, V] tensors
    /// (the upcast logits, their shifted contiguous copy, the saved log-softmax and its
    /// gradient) are alive together at the start of backward in the Hugging Face loss.
    public var logitsBytesPerEntry: Double = 16
    /// Calibration: framework and allocator overhead in bytes (see `Calibration`).
    public var overheadBytes: Double

    public init(overheadBytes: Double) { self.overheadBytes = overheadBytes }

    public func estimate(_ c: ModelConfig, context n: Int, setup: FineTuneSetup, cluster: Cluster) -> MemoryEstimate {
        let counts = ParameterCounts(c, setup)
        let gpus = Double(max(1, cluster.gpus)), z = cluster.zeroStage
        let trainable = Double(counts.trainable)
        func shard(_ bytes: Double, from stage: Int) -> Double { z >= stage ? bytes / gpus : bytes }

        let buffers = z >= 1
            ? overlapCommFactor * 2 * min(reduceBucketElements, trainable)
            : 2 * trainable  // DDP keeps a bucket copy of every gradient
        let act = activationBytes(c, context: n, setup: setup)
        return MemoryEstimate(
            parameters: shard(2 * Double(counts.stored), from: 3),
            gradients: shard(2 * trainable, from: 2) + shard(4 * trainable, from: 1),
            optimizerStates: shard(12 * trainable, from: 1),
            communicationBuffers: buffers,
            activations: act.saved,
            logits: act.logits,
            overhead: overheadBytes)
    }

    /// Activation bytes of one sequence (micro-batch 1), bf16 tensors.
    ///
    /// One layer saves per token (HF LLaMA layout): each RMSNorm its fp32 input (4d) and bf16
    /// output (2d); q, k after RoPE and v (2d + 4kv); the attention output (2d); the
    /// FlashAttention log-sum-exp (4H); SwiGLU's gate, up, SiLU and product (8f).
    /// Materialised attention also keeps the fp32 softmax and its bf16 copy, 6 bytes per score.
    /// With checkpointing only the layer inputs (2d per layer) stay; one layer's tensors
    /// and their gradients (twice the saved size) come back during its backward, which
    /// peaks when the loss phase has already been freed, so the larger of the two counts.
    public func activationBytes(_ c: ModelConfig, context n: Int, setup: FineTuneSetup) -> (saved: Double, logits: Double) {
        let d = Double(c.dim), kv = Double(c.kvDim), f = Double(c.ffnDim)
        let H = Double(c.nHeads), L = Double(c.nLayers), t = Double(n)
        var layer = t * (16 * d + 4 * kv + 8 * f + 4 * H)
        if !setup.flashAttention {
            layer += 6 * H * setup.attention.cost.keysPerQuery(context: t, group: setup.groupRatio * t) * t
        }
        let logits = logitsBytesPerEntry * Double(c.vocabSize) * t
        if setup.checkpointing {
            let inputs = L * 2 * d * t
            return (inputs + max(0, 2 * layer - logits), logits)
        }
        return (L * layer, logits)
    }
}
