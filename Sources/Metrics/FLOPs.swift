import Model

/// FLOPs of one sequence, by the four components of the paper's table.
/// A multiply-add counts as 2 FLOPs.
public struct FLOPsBreakdown: Equatable, Sendable {
    /// QK^T and AV (softmax not counted, see `FLOPs.forwardParts`).
    public var attention: Double
    /// q, k, v, o projections (and, in training, the LoRA adapter products on them).
    public var projections: Double
    /// SwiGLU: gate, up, down matrices plus the activation.
    public var ffn: Double
    /// Output head and the elementwise work: RMSNorms, RoPE, residual adds.
    public var others: Double

    public init(attention: Double, projections: Double, ffn: Double, others: Double) {
        self.attention = attention
        self.projections = projections
        self.ffn = ffn
        self.others = others
    }

    public var total: Double { attention + projections + ffn + others }

    public func scaled(by s: Double) -> FLOPsBreakdown {
        FLOPsBreakdown(attention: attention * s, projections: projections * s, ffn: ffn * s, others: others * s)
    }

    /// The row as printed with `decimals` digits: each component rounded, and the total the
    /// sum of the rounded components, as in the paper's table (its totals add up its columns;
    /// at 16384 the unrounded total 357.27 would print 357.3, the paper prints 357.2).
    public func printed(decimals: Int) -> (attention: Double, projections: Double, ffn: Double, others: Double, total: Double) {
        func r(_ x: Double) -> Double { roundTo(x, decimals) }
        let a = r(attention), p = r(projections), f = r(ffn), o = r(others)
        return (a, p, f, o, r(a + p + f + o))
    }
}

func roundTo(_ x: Double, _ decimals: Int) -> Double {
    let scale = pow10(decimals)
    return (x * scale).rounded() / scale
}

/// The forward pass split finely enough that training can apply a different
/// multiplier to each part (frozen weights skip their weight gradients, the head is
/// not recomputed by layer checkpointing, and so on).
public struct ForwardParts: Equatable, Sendable {
    public var attentionCore: Double
    public var projectionMatmuls: Double
    public var adapterMatmuls: Double
    public var ffnMatmuls: Double
    public var ffnActivation: Double
    public var head: Double
    public var elementwise: Double

    public var breakdown: FLOPsBreakdown {
        FLOPsBreakdown(attention: attentionCore, projections: projectionMatmuls + adapterMatmuls,
                       ffn: ffnMatmuls + ffnActivation, others: head + elementwise)
    }
}

public enum FLOPs {
    /// Forward FLOPs of one sequence of `n` tokens, by part.
    ///
    /// Per layer, with d = dim, a = attentionDim (H heads × head dim: d unless the config sets
    /// another `head_dim`), kv = kvDim, f = ffnDim, H heads, K keys per query:
    /// - attention core: QK^T and AV, 2·2·n·K·a (K = n for full, G for the sparse patterns;
    ///   `.causal` counting uses (K+1)/2 instead of K; K is the registry's cost of the pattern);
    /// - projections: 2·n·d·(2a + 2kv) (q is d×a, o a×d, k and v d×kv under grouped-query heads);
    /// - adapters (rank r on q, k, v, o; r·(in + out) each): 2·n·r·(4d + 2a + 2kv);
    /// - FFN: 3 matrices 2·n·d·f each, and the SwiGLU activation 2·n·f (SiLU and the gate
    ///   product, one FLOP per element each);
    /// - elementwise: two RMSNorms at 4 FLOPs per element (square, sum, scale, weight),
    ///   RoPE on q and k at 3 per element (two products and a sum), two residual adds:
    ///   n·(8d + 3(a + kv) + 2d).
    /// Once per sequence: the final RMSNorm 4·n·d and the output head 2·n·d·V (tied or not).
    ///
    /// The softmax is not counted: the paper's Attn column is exactly 4·n²·d·L, and its
    /// Others column leaves no room for ~5 FLOPs per score (4.4 TFLOPs per FLOP-per-score at
    /// 7B, 65536). This convention reproduces every number of the paper's 7B table.
    public static func forwardParts(
        _ c: ModelConfig, context n: Int, attention: AttentionKind = .full, groupRatio: Double = 0.25,
        counting: AttentionCounting = .wholeMatrix, loraRank: Int = 0
    ) -> ForwardParts {
        let d = Double(c.dim), a = Double(c.attentionDim), kv = Double(c.kvDim), f = Double(c.ffnDim)
        let L = Double(c.nLayers), V = Double(c.vocabSize), t = Double(n)
        let pairs = attention.scoredPairs(context: n, groupRatio: groupRatio, counting: counting)  // per head
        // H heads of head dim a/H: pairs·(a/H)·H = pairs·a multiply-adds, twice (QK^T, AV);
        // grouped-query heads share k and v but every query head scores its own pairs.
        return ForwardParts(
            attentionCore: L * 2 * 2 * pairs * a,
            projectionMatmuls: L * 2 * t * d * (2 * a + 2 * kv),
            adapterMatmuls: L * 2 * t * Double(loraRank) * (4 * d + 2 * a + 2 * kv),
            ffnMatmuls: L * 3 * 2 * t * d * f,
            ffnActivation: L * 2 * t * f,
            head: 2 * t * d * V,
            elementwise: L * t * (8 * d + 3 * (a + kv) + 2 * d) + 4 * t * d)
    }

    /// Forward FLOPs by the paper's four components.
    public static func forward(
        _ c: ModelConfig, context n: Int, attention: AttentionKind = .full, groupRatio: Double = 0.25,
        counting: AttentionCounting = .wholeMatrix
    ) -> FLOPsBreakdown {
        forwardParts(c, context: n, attention: attention, groupRatio: groupRatio, counting: counting).breakdown
    }

    /// FLOPs of one training step on one sequence: forward, recomputation and backward.
    ///
    /// Multipliers on the forward parts:
    /// - weight matmuls: forward 1, recompute 1 (with checkpointing), input gradient 1,
    ///   weight gradient 1 only if the weight is trained (frozen weights under LoRA skip it);
    /// - LoRA adapters: forward 1, recompute 1, backward 2 (they are trained);
    /// - attention core: forward 1, recompute 1, backward 2 for materialised scores (dS·K,
    ///   dSᵀ·Q, dP·Vᵀ, Pᵀ·dO) or 2.5 for FlashAttention, whose backward also recomputes QKᵀ;
    /// - elementwise and activation: forward 1, recompute 1, backward 2;
    /// - output head: outside the checkpointed layers, so never recomputed; its weight gradient
    ///   is computed when the head is trained, which a tied head is whenever the embedding is.
    public static func training(
        _ c: ModelConfig, context n: Int, setup: FineTuneSetup, counting: AttentionCounting = .wholeMatrix
    ) -> FLOPsBreakdown {
        let p = forwardParts(c, context: n, attention: setup.attention,
                             groupRatio: setup.groupRatio, counting: counting,
                             loraRank: setup.hasAdapters ? setup.loraRank : 0)
        let recompute = setup.checkpointing ? 1.0 : 0.0
        let weightGrad = setup.trainsAllWeights ? 1.0 : 0.0
        let matmul = 1 + recompute + 1 + weightGrad
        let attentionBackward = setup.flashAttention ? 2.5 : 2.0
        let head = 2 + (setup.trainsHead(c) ? 1.0 : 0.0)
        let pointwise = 1 + recompute + 2
        return FLOPsBreakdown(
            attention: p.attentionCore * (1 + recompute + attentionBackward),
            projections: p.projectionMatmuls * matmul + p.adapterMatmuls * (1 + recompute + 2),
            ffn: p.ffnMatmuls * matmul + p.ffnActivation * pointwise,
            others: p.head * head + p.elementwise * pointwise)
    }
}
