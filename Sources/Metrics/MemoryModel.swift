import Model

/// Peak memory of one GPU during training, by part, in bytes, and the CPU memory that
/// ZeRO offload moves out of the GPUs.
public struct MemoryEstimate: Equatable, Sendable {
    /// bf16 weights (base and adapters) resident on the GPU: all of them below ZeRO-3; under
    /// ZeRO-3 the GPU's partition (none when offloaded) plus the tensors too small to partition.
    public var parameters: Double
    /// ZeRO-3's gathered weights: the bf16 full tensors fetched for the layers being computed.
    public var gatheredParameters: Double = 0
    /// bf16 gradients (sharded by ZeRO-2/3) and the fp32 copy of the optimizer's
    /// partition made for the step (sharded by ZeRO-1/2/3); the fp32 copy moves to CPU
    /// memory with optimizer offload, and from ZeRO-2 on the bf16 partition with it.
    public var gradients: Double
    /// fp32 master weights and Adam moments of the trainable weights; sharded by ZeRO-1/2/3,
    /// in CPU memory with optimizer offload.
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
    /// CPU memory of the offloaded states of all GPUs together (one machine's worth when the
    /// GPUs share a machine): fp32 gradients, master weights and Adam moments with optimizer
    /// offload, bf16 weight partitions with parameter offload. Not part of `total`.
    public var cpuOffload: Double = 0

    /// GPU memory.
    public var total: Double {
        parameters + gatheredParameters + gradients + optimizerStates + communicationBuffers + activations + logits + overhead
    }
    public var totalGiB: Double { total / gib }
    public func fits(_ device: DeviceProfile) -> Bool { total <= device.memoryBytes }
}

/// Where the training runs: data-parallel GPUs and DeepSpeed ZeRO.
public struct Cluster: Sendable {
    public var gpus: Int
    public var zero: ZeROConfig
    public var device: DeviceProfile

    public init(gpus: Int = 8, zero: ZeROConfig, device: DeviceProfile = .a100_80gb) {
        self.gpus = gpus
        self.zero = zero
        self.device = device
    }

    /// The official stage-2 config's buckets with `zeroStage` (0 = plain data parallel,
    /// 1 = optimizer states sharded, 2 = + gradients, 3 = + weights), no offload.
    public init(gpus: Int = 8, zeroStage: Int = 2, device: DeviceProfile = .a100_80gb) {
        var zero = ZeROConfig.longloraStage2
        zero.stage = zeroStage
        self.init(gpus: gpus, zero: zero, device: device)
    }

    public var zeroStage: Int { zero.stage }
}

/// Per-GPU training memory with the paper's precision: bf16 weights and gradients,
/// fp32 master weights and Adam states for the trainable weights.
public struct MemoryModel: Sendable {
    /// DeepSpeed documents that overlap_comm makes a bucket cost about 4.5x its bf16 size.
    /// The bucket itself is the cluster's `ZeROConfig.reduceBucket` (stage2.json: 1e9 elements).
    public var overlapCommFactor: Double = 4.5
    /// Bytes per token per vocabulary entry in the loss phase: four fp32 [n, V] tensors
    /// (the upcast logits, their shifted contiguous copy, the saved log-softmax and its
    /// gradient) are alive together at the start of backward in the Hugging Face loss.
    public var logitsBytesPerEntry: Double = 16
    /// Calibration: framework and allocator overhead in bytes (see `Calibration`).
    public var overheadBytes: Double

    public init(overheadBytes: Double) { self.overheadBytes = overheadBytes }

    /// Per-GPU memory of one micro-batch of one sequence of `n` tokens.
    ///
    /// Φ = stored weights, Φt = trainable weights, N = GPUs, P = weights in tensors under
    /// ZeRO-3's persistence threshold (never partitioned). Bytes per weight: bf16 weights 2,
    /// bf16 gradients 2, the fp32 gradient copy 4, fp32 master + Adam m + v 12.
    /// - stage 0-2: weights 2Φ on every GPU; stage 3: 2(Φ − P)/N (none with parameter offload)
    ///   + 2P, plus the gathered weights (`gatheredElements`);
    /// - bf16 gradients 2Φt, 2Φt/N from stage 2 (none with optimizer offload, which copies each
    ///   reduced bucket straight to CPU memory); fp32 copy 4Φt, /N from stage 1, CPU with offload;
    /// - optimizer 12Φt, /N from stage 1, CPU with offload;
    /// - CPU memory, all GPUs together: 16Φt with optimizer offload, + 2(Φ − P) with parameter
    ///   offload (DeepSpeed's own estimator counts the same 16 or 18 bytes for full fine-tuning
    ///   and multiplies by a 1.5 buffer factor, which is not counted here).
    public func estimate(_ c: ModelConfig, context n: Int, setup: FineTuneSetup, cluster: Cluster) -> MemoryEstimate {
        let counts = ParameterCounts(c, setup)
        let zero = cluster.zero, z = zero.stage
        let gpus = Double(max(1, cluster.gpus))
        let trainable = Double(counts.trainable), stored = Double(counts.stored)
        func shard(_ bytes: Double, from stage: Int) -> Double { z >= stage ? bytes / gpus : bytes }

        let bucket = zero.reduceBucket.elements(hidden: c.dim)
        let buffers = z >= 1
            ? overlapCommFactor * 2 * min(bucket, trainable)
            : 2 * trainable  // DDP keeps a bucket copy of every gradient
        let act = activationBytes(c, context: n, setup: setup)

        let offload = zero.offloadOptimizer
        var parameters = 2 * stored, gathered = 0.0, cpu = offload ? 16 * trainable : 0
        if z >= 3 {
            let tensors = TensorSizes(c, setup)
            let persistent = tensors.persistentElements(threshold: zero.persistenceThreshold.elements(hidden: c.dim))
            let partition = 2 * (stored - persistent)
            parameters = 2 * persistent + (zero.offloadParameters ? 0 : partition / gpus)
            if zero.offloadParameters { cpu += partition }
            gathered = 2 * gatheredElements(tensors, zero: zero, hidden: c.dim)
        }
        let bf16Gradients = z >= 2 && offload ? 0 : shard(2 * trainable, from: 2)
        return MemoryEstimate(
            parameters: parameters,
            gatheredParameters: gathered,
            gradients: bf16Gradients + (offload ? 0 : shard(4 * trainable, from: 1)),
            optimizerStates: offload ? 0 : shard(12 * trainable, from: 1),
            communicationBuffers: buffers,
            activations: act.saved,
            logits: act.logits,
            overhead: overheadBytes,
            cpuOffload: cpu)
    }

    /// Elements of the weights ZeRO-3 holds gathered at its peak. It gathers each module's
    /// tensors before use and prefetches the next ones up to the prefetch bucket, and it keeps
    /// gathered what it will reuse within stage3_max_reuse_distance (1e9 in the official config
    /// and by default) as long as fewer than stage3_max_live_parameters are live: the peak is
    /// that cap, at least the largest tensor plus the prefetch bucket, at most every
    /// partitioned weight.
    func gatheredElements(_ tensors: TensorSizes, zero: ZeROConfig, hidden d: Int) -> Double {
        let threshold = zero.persistenceThreshold.elements(hidden: d)
        let partitioned = tensors.total - tensors.persistentElements(threshold: threshold)
        let working = tensors.largest(atLeast: threshold) + zero.prefetchBucket.elements(hidden: d)
        return min(partitioned, max(zero.maxLiveParameters, working))
    }

    /// Activation bytes of one sequence (micro-batch 1), bf16 tensors.
    ///
    /// One layer saves per token (HF LLaMA layout; a = attentionDim, d unless `head_dim` says
    /// otherwise): each RMSNorm its fp32 input (4d) and bf16 output (2d); q, k after RoPE and
    /// v (2a + 4kv); the attention output (2a); the
    /// FlashAttention log-sum-exp (4H); SwiGLU's gate, up, SiLU and product (8f).
    /// Materialised attention also keeps the fp32 softmax and its bf16 copy, 6 bytes per score.
    /// With checkpointing only the layer inputs (2d per layer) stay; one layer's tensors
    /// and their gradients (twice the saved size) come back during its backward, which
    /// peaks when the loss phase has already been freed, so the larger of the two counts.
    public func activationBytes(_ c: ModelConfig, context n: Int, setup: FineTuneSetup) -> (saved: Double, logits: Double) {
        let d = Double(c.dim), a = Double(c.attentionDim), kv = Double(c.kvDim), f = Double(c.ffnDim)
        let H = Double(c.nHeads), L = Double(c.nLayers), t = Double(n)
        var layer = t * (12 * d + 4 * a + 4 * kv + 8 * f + 4 * H)
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
