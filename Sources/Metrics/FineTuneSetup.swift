import Model

/// What a fine-tuning recipe trains, which the FLOPs, memory and hours models all need.
public enum FineTuneMethod: String, CaseIterable, Sendable {
    /// Every weight trained, full attention.
    case full
    /// LoRA adapters on q, k, v, o only, full attention.
    case lora
    /// LoRA+ (adapters plus embedding and norms trained) with S2-Attn: the paper's method.
    case longlora
}

/// A fine-tuning run as the analytic models see it.
public struct FineTuneSetup: Sendable {
    public var method: FineTuneMethod
    public var loraRank: Int
    /// Attention used while training (by default full, or S2 for LongLoRA).
    public var attention: AttentionKind
    /// G / n (the paper's default 1/4); the analytic models keep this fraction at every context.
    public var groupRatio: Double
    /// Gradient checkpointing of every decoder layer (always on in the paper).
    public var checkpointing: Bool
    /// FlashAttention (scores never stored; backward recomputes them) or materialised scores.
    public var flashAttention: Bool

    public init(method: FineTuneMethod, loraRank: Int = 8, attention: AttentionKind? = nil,
                groupRatio: Double = 0.25, checkpointing: Bool = true, flashAttention: Bool = true) {
        self.method = method
        self.loraRank = loraRank
        self.attention = attention ?? (method == .longlora ? .s2 : .full)
        self.groupRatio = groupRatio
        self.checkpointing = checkpointing
        self.flashAttention = flashAttention
    }

    public var trainsAllWeights: Bool { method == .full }
    public var hasAdapters: Bool { method != .full }
    /// LoRA+ trains the token embedding and every RMSNorm weight; the head stays frozen.
    public var trainsEmbeddingAndNorms: Bool { method != .lora }
    public var trainsHead: Bool { method == .full }
    /// Whether the output head's weight gets a gradient: trained itself, or tied to a trained embedding.
    public func trainsHead(_ c: ModelConfig) -> Bool { trainsHead || (c.isTied && trainsEmbeddingAndNorms) }
}

/// Parameter counts of a model under a fine-tuning setup.
public struct ParameterCounts: Equatable, Sendable {
    /// Base model weights (all stored in bf16; a tied head is the embedding, counted once).
    public var base: Int
    /// LoRA adapter weights (A and B of q, k, v, o in every layer).
    public var adapters: Int
    /// Weights that receive gradients and optimizer states.
    public var trainable: Int

    public init(_ c: ModelConfig, _ setup: FineTuneSetup) {
        base = c.parameterCount
        // q: d->a, k: d->kv, v: d->kv, o: a->d (a = attentionDim); each adapter is A [in, r] and B [r, out].
        adapters = setup.hasAdapters ? c.nLayers * setup.loraRank * (4 * c.dim + 2 * c.attentionDim + 2 * c.kvDim) : 0
        let embedding = c.vocabSize * c.dim
        let norms = (2 * c.nLayers + 1) * c.dim
        switch setup.method {
        case .full: trainable = base
        case .lora: trainable = adapters
        case .longlora: trainable = adapters + embedding + norms
        }
    }

    public var stored: Int { base + adapters }
}
