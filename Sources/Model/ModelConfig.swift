import Support

/// Shape of a LLaMA-architecture model.
///
/// `micro` keeps tests to seconds; `mini` is the default experiment scale (the paper's
/// Llama2 4096 -> 8k/16k/32k/64k becomes 256 -> 1k/2k/4k: the same 4x..16x factors);
/// the `llama2-*` presets are the real shapes, used by the analytic FLOPs/memory/hours models.
public struct ModelConfig: Codable, Hashable, Sendable {
    public var name: String
    public var vocabSize: Int
    /// Model width d.
    public var dim: Int
    public var nLayers: Int
    public var nHeads: Int
    /// Key/value heads; fewer than `nHeads` means grouped-query attention (Llama2-70B: 8).
    public var nKVHeads: Int
    /// SwiGLU hidden width (three matrices: gate, up, down).
    public var ffnDim: Int
    /// Context the base model is pretrained at (Llama2: 4096).
    public var maxContext: Int
    public var ropeBase: Double
    public var normEps: Float
    /// The output head reuses the token embedding (Hugging Face `tie_word_embeddings`, as in
    /// SmolLM2 and Llama 3.2). Optional so that untied configurations encode, and hash, as before.
    public var tieWordEmbeddings: Bool?
    /// Hugging Face `head_dim` (GGUF `attention.key_length`) where it differs from dim / nHeads:
    /// q_proj is then [nHeads * headDim, dim] and o_proj [dim, nHeads * headDim] (`attentionDim`).
    /// Optional so that every other configuration encodes, and hashes, as before.
    public var explicitHeadDim: Int?

    public init(name: String, vocabSize: Int, dim: Int, nLayers: Int, nHeads: Int, nKVHeads: Int? = nil,
                ffnDim: Int, maxContext: Int, ropeBase: Double = 10000, normEps: Float = 1e-5,
                tieWordEmbeddings: Bool = false) {
        self.name = name
        self.vocabSize = vocabSize
        self.dim = dim
        self.nLayers = nLayers
        self.nHeads = nHeads
        self.nKVHeads = nKVHeads ?? nHeads
        self.ffnDim = ffnDim
        self.maxContext = maxContext
        self.ropeBase = ropeBase
        self.normEps = normEps
        self.tieWordEmbeddings = tieWordEmbeddings ? true : nil
    }

    public var isTied: Bool { tieWordEmbeddings ?? false }

    public var headDim: Int { explicitHeadDim ?? dim / nHeads }
    public var kvDim: Int { nKVHeads * headDim }
    /// Width of the queries and of the attention output, nHeads × headDim (= dim unless `explicitHeadDim`).
    public var attentionDim: Int { nHeads * headDim }

    /// Checks the shape is a LLaMA that the analytic models count and the trainer runs (an
    /// explicit head width included).
    public func validate() throws {
        func fail(_ what: String) -> UserError { UserError("model '\(name)': \(what)") }
        guard vocabSize > 0, dim > 0, nLayers > 0, nHeads > 0, ffnDim > 0, maxContext > 0 else {
            throw fail("every size must be positive")
        }
        if let hd = explicitHeadDim {
            guard hd > 0 else { throw fail("head_dim \(hd) must be positive") }
        } else {
            guard dim % nHeads == 0 else { throw fail("dim \(dim) is not a multiple of heads \(nHeads)") }
        }
        guard headDim % 2 == 0 else { throw fail("head dimension \(headDim) must be even for RoPE") }
        guard nKVHeads > 0, nHeads % nKVHeads == 0 else {
            throw fail("heads \(nHeads) is not a multiple of key/value heads \(nKVHeads)")
        }
        // Sizes come from files: bounded before any count is computed from them.
        for (key, size) in [("vocab", vocabSize), ("dim", dim), ("layers", nLayers), ("heads", nHeads), ("ffn", ffnDim),
                            ("context", maxContext), ("head_dim", headDim)] where size > Self.maximumSize {
            throw fail("\(key) \(size) is more than \(Self.maximumSize)")
        }
        guard checkedParameterCount != nil else { throw fail("its parameter count overflows a 64-bit integer") }
        // A negative epsilon makes RMSNorm divide by the square root of a negative number.
        guard normEps.isFinite, normEps > 0, normEps < 1 else {
            throw fail("RMSNorm epsilon \(normEps) is not a small positive number (expected 0 < eps < 1)")
        }
    }

    /// The bound on every size of a shape: 2^31 - 1.
    public static let maximumSize = Int(Int32.max)

    /// `parameterCount`, or nil when it overflows.
    public var checkedParameterCount: Int? {
        func product(_ factors: Int...) -> Int? {
            var p = 1
            for f in factors {
                let (r, o) = p.multipliedReportingOverflow(by: f)
                if o { return nil }
                p = r
            }
            return p
        }
        func sum(_ terms: Int?...) -> Int? {
            var s = 0
            for t in terms {
                guard let t else { return nil }
                let (r, o) = s.addingReportingOverflow(t)
                if o { return nil }
                s = r
            }
            return s
        }
        guard let perLayer = sum(product(dim, attentionDim, 2), product(dim, kvDim, 2), product(3, dim, ffnDim), product(2, dim)),
              let layers = product(nLayers, perLayer) else { return nil }
        return sum(product(vocabSize, dim, isTied ? 1 : 2), layers, dim)
    }

    /// Parameter count: embedding, per-layer q/k/v/o + SwiGLU + 2 norms, final norm, head (unless tied).
    /// Traps where the sum overflows, as plain arithmetic would; `validate()` refuses such shapes.
    public var parameterCount: Int {
        guard let count = checkedParameterCount else { preconditionFailure("the parameter count of \(name) overflows Int") }
        return count
    }

    // MARK: presets

    /// Byte-level vocabulary: 256 bytes + BOS, EOS, PAD.
    public static let byteVocabSize = 259

    public static let micro = ModelConfig(
        name: "micro", vocabSize: byteVocabSize, dim: 32, nLayers: 2, nHeads: 4,
        ffnDim: 96, maxContext: 64)
    public static let mini = ModelConfig(
        name: "mini", vocabSize: byteVocabSize, dim: 128, nLayers: 4, nHeads: 4,
        ffnDim: 352, maxContext: 256)
    public static let llama2_7b = ModelConfig(
        name: "llama2-7b", vocabSize: 32000, dim: 4096, nLayers: 32, nHeads: 32,
        ffnDim: 11008, maxContext: 4096)
    public static let llama2_13b = ModelConfig(
        name: "llama2-13b", vocabSize: 32000, dim: 5120, nLayers: 40, nHeads: 40,
        ffnDim: 13824, maxContext: 4096)
    public static let llama2_70b = ModelConfig(
        name: "llama2-70b", vocabSize: 32000, dim: 8192, nLayers: 80, nHeads: 64, nKVHeads: 8,
        ffnDim: 28672, maxContext: 4096)

    public static let presets: [ModelConfig] = [micro, mini, llama2_7b, llama2_13b, llama2_70b]

    public static func preset(_ name: String) throws -> ModelConfig {
        if let found = presets.first(where: { $0.name == name }) { return found }
        let names = presets.map(\.name).joined(separator: ", ")
        throw UserError("unknown model '\(name)'; expected one of: \(names)")
    }
}
