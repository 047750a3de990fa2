import Kernels
import Support

/// A projection that can carry a LoRA adapter, named as in Hugging Face LLaMA.
public enum LoRATarget: String, CaseIterable, Codable, Hashable, Sendable {
    case q, k, v, o, gate, up, down

    /// The attention projections, the paper's targets (and the only ones the analytic models count).
    public static let attention: [LoRATarget] = [.q, .k, .v, .o]

    /// Module path inside a decoder layer (`self_attn.q_proj`, `mlp.gate_proj`, ...).
    public var module: String {
        switch self {
        case .q, .k, .v, .o: return "self_attn.\(rawValue)_proj"
        case .gate, .up, .down: return "mlp.\(rawValue)_proj"
        }
    }

    /// The PEFT `target_modules` entry.
    public var peftName: String { "\(rawValue)_proj" }

    /// (in, out) features of the projection; HF Linear weights are [out, in].
    public func shape(_ c: ModelConfig) -> (input: Int, output: Int) {
        switch self {
        case .q: return (c.dim, c.attentionDim)
        case .o: return (c.attentionDim, c.dim)
        case .k, .v: return (c.dim, c.kvDim)
        case .gate, .up: return (c.dim, c.ffnDim)
        case .down: return (c.ffnDim, c.dim)
        }
    }
}

/// Low-rank adapters W' = W + (alpha / r) B A with A: [r, in], B: [out, r], dropout 0.
/// A starts Kaiming-uniform (bound 1/sqrt(in), as PEFT's kaiming_uniform_(a=sqrt 5)) and
/// B starts at zero, so training begins exactly at the base model.
public struct LoRAConfig: Codable, Hashable, Sendable {
    public var rank: Int
    public var alpha: Double
    public var targets: [LoRATarget]

    /// The paper's setting: rank 8, alpha 16, on q, k, v, o.
    public init(rank: Int = 8, alpha: Double = 16, targets: [LoRATarget] = [.q, .k, .v, .o]) {
        self.rank = rank
        self.alpha = alpha
        self.targets = targets
    }

    public var scaling: Float { Float(alpha / Double(rank)) }

    public func validate() throws {
        guard rank > 0 else { throw UserError("LoRA rank must be positive, got \(rank)") }
        // An infinite scale alpha / r turns every adapted output into infinities.
        guard alpha.isFinite, scaling.isFinite else {
            throw UserError("LoRA alpha \(alpha) over rank \(rank) is not a finite float scale")
        }
        guard !targets.isEmpty else { throw UserError("LoRA needs at least one target module") }
        guard Set(targets).count == targets.count else { throw UserError("LoRA targets repeat a module") }
    }

    /// PEFT tensor names of the adapter on `target` in `layer`.
    public static func names(layer: Int, target: LoRATarget) -> (a: String, b: String) {
        let stem = "base_model.model.model.layers.\(layer).\(target.module)"
        return ("\(stem).lora_A.weight", "\(stem).lora_B.weight")
    }
}

extension LoRAConfig {
    /// Fills every A with Kaiming-uniform values from `rng` and sets every B to zero.
    public func initialize(_ store: ParameterStore, model: ModelConfig, rng: SplitMix64) {
        var rng = rng
        for layer in 0..<model.nLayers {
            for target in targets {
                let names = Self.names(layer: layer, target: target)
                let a = store.view(names.a), b = store.view(names.b)
                let bound = 1 / Double(target.shape(model).input).squareRoot()
                for i in 0..<a.spec.count { a.value[i] = Float((rng.nextUniform() * 2 - 1) * bound) }
                b.value.update(repeating: 0, count: b.spec.count)
            }
        }
    }

    /// W += scaling * B·A for every adapted projection, in place in `store` (whose adapters then
    /// must no longer be applied; `LlamaModel.merged()` returns a model without them).
    public func merge(into store: ParameterStore, model: ModelConfig) {
        for layer in 0..<model.nLayers {
            for target in targets {
                let names = Self.names(layer: layer, target: target)
                let w = store.view(LlamaNames.weight(layer: layer, target: target))
                let a = store.view(names.a), b = store.view(names.b)
                let (input, output) = target.shape(model)
                BLASMerge.addProduct(w.value, b.value, a.value, rows: output, cols: input, rank: rank,
                                     scale: scaling)
            }
        }
    }
}

enum BLASMerge {
    /// W[rows, cols] += scale * B[rows, rank] · A[rank, cols]: the LoRA merge.
    static func addProduct(_ w: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, _ a: UnsafePointer<Float>,
                           rows: Int, cols: Int, rank: Int, scale: Float) {
        BLAS.sgemm(m: rows, n: cols, k: rank, alpha: scale, a: b, lda: rank, b: a, ldb: cols,
                   beta: 1, c: w, ldc: cols)
    }
}
