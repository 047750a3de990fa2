import Foundation
import Kernels
import Support

/// A LLaMA-architecture language model in float32 on the CPU: token embedding; per layer
/// RMSNorm -> attention (q, k, v, o with grouped-query heads, RoPE) -> residual,
/// RMSNorm -> SwiGLU MLP -> residual; final RMSNorm; output head, separate or tied to the
/// embedding (then the head's weight gradient adds into the embedding's).
///
/// Parameters live in one `ParameterStore` under Hugging Face names; gradients exist only for
/// the `trainable` parts. Forward and backward are in `LlamaModel+Forward/Backward.swift`.
/// How a call runs is an argument of the call, not a property: the attention pattern
/// (`AttentionBackend`), a `KVCache` when decoding, threads and recomputation (`Execution`).
public final class LlamaModel {
    public let config: ModelConfig
    public let lora: LoRAConfig?
    public let trainable: TrainableParts
    public let parameters: ParameterStore
    public var rope: RoPE { didSet { workspace = nil } }

    /// Buffers of the last call's shape, reused while the shape stays.
    var workspace: Workspace?
    let blocks: [Block]
    let head: Linear

    public init(config: ModelConfig, lora: LoRAConfig? = nil, trainable: TrainableParts = .all,
                rope: RoPE? = nil) throws {
        try config.validate()
        try lora?.validate()
        let rope = rope ?? RoPE(base: config.ropeBase)
        try rope.validate()
        if trainable.contains(.lora) && lora == nil {
            throw UserError("trainable part 'lora' needs a LoRA configuration (rank, alpha, targets)")
        }
        self.config = config
        self.lora = lora
        self.trainable = trainable
        self.rope = rope

        let base = LlamaNames.baseLayout(config).map {
            (name: $0.name, shape: $0.shape,
             trainable: trainable.contains(.all) || !trainable.isDisjoint(with: $0.kind))
        }
        let adapters = lora.map { LlamaNames.loraLayout(config, $0) } ?? []
        let store = ParameterStore(layout: base + adapters.map {
            (name: $0.name, shape: $0.shape, trainable: trainable.contains(.lora))
        })
        parameters = store
        blocks = (0..<config.nLayers).map { Block(layer: $0, store: store, lora: lora) }
        head = Linear(weight: store.view(config.isTied ? LlamaNames.embedding : LlamaNames.head), lora: nil)
    }

    /// Random initialisation: projections and embeddings N(0, 0.02) (Hugging Face's
    /// `initializer_range`), norms 1, LoRA A Kaiming-uniform and B zero. Each part draws from
    /// its own `fork` of `rng`, so adding LoRA does not change the base weights of a seed.
    public func initialize(rng: SplitMix64) {
        var r = rng.fork("init")
        for spec in parameters.tensors where !spec.name.hasPrefix("base_model.") {
            let v = parameters.view(spec)
            if spec.shape.count == 1 {
                v.value.update(repeating: 1, count: spec.count)
            } else {
                for i in 0..<spec.count { v.value[i] = Float(0.02 * r.nextGaussian()) }
            }
        }
        lora?.initialize(parameters, model: config, rng: rng.fork("lora"))
    }

    /// Fresh adapters only (A Kaiming-uniform, B zero), for fine-tuning a loaded base model.
    public func initializeLoRA(rng: SplitMix64) {
        lora?.initialize(parameters, model: config, rng: rng)
    }

    public var parameterCount: Int { parameters.values.count }

    func checkTokens(_ tokens: [Int32], what: String) throws {
        for (i, t) in tokens.enumerated() where t < 0 || Int(t) >= config.vocabSize {
            throw UserError("\(what): token id \(t) at index \(i) is outside the vocabulary 0..<\(config.vocabSize)")
        }
    }

    /// A training workspace also serves inference of its shape (a validation loss between steps);
    /// an inference one keeps one layer's activations whatever `recompute` says.
    func workspace(batch: Int, length: Int, execution: Execution, training: Bool) -> Workspace {
        let headRows = execution.headRows(rows: batch * length, vocab: config.vocabSize)
        if let w = workspace, w.batch == batch, w.length == length, w.headRows == headRows,
           !training || (w.training && w.recompute == execution.recompute) { return w }
        workspace = nil  // free the old buffers before allocating new ones
        let w = Workspace(batch: batch, length: length, recompute: execution.recompute, training: training,
                          headRows: headRows, config: config, lora: lora, rope: rope)
        workspace = w
        return w
    }

    /// Attention over `length` keys in layer `layer`, queries from position `queryStart` on.
    func shape(length: Int, layer: Int, queryStart: Int = 0) -> AttentionGeometry {
        AttentionGeometry(n: length, nHeads: config.nHeads, nKVHeads: config.nKVHeads,
                          headDim: config.headDim, layer: layer, nLayers: config.nLayers, queryStart: queryStart)
    }
}

/// The weights of one decoder layer as views into the parameter store.
struct Block {
    let inputNorm: ParameterView, postNorm: ParameterView
    let q: Linear, k: Linear, v: Linear, o: Linear
    let gate: Linear, up: Linear, down: Linear

    init(layer: Int, store: ParameterStore, lora: LoRAConfig?) {
        func linear(_ t: LoRATarget) -> Linear {
            let w = store.view(LlamaNames.weight(layer: layer, target: t))
            guard let lora, lora.targets.contains(t) else { return Linear(weight: w, lora: nil) }
            let names = LoRAConfig.names(layer: layer, target: t)
            return Linear(weight: w, lora: (store.view(names.a), store.view(names.b), lora.scaling))
        }
        inputNorm = store.view(LlamaNames.inputNorm(layer: layer))
        postNorm = store.view(LlamaNames.postAttentionNorm(layer: layer))
        q = linear(.q); k = linear(.k); v = linear(.v); o = linear(.o)
        gate = linear(.gate); up = linear(.up); down = linear(.down)
    }
}
