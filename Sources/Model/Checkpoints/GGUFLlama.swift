import Foundation
import Support

/// A GGUF file of the llama architecture read as a Hugging Face LLaMA: metadata mapped to the
/// model shape and RoPE, tensor names mapped to Hugging Face names, and llama.cpp's row
/// permutation of `attn_q`/`attn_k` undone.
///
/// llama.cpp's converter reorders each head's query and key rows from the rotate-half layout
/// (dimension i pairs with i + hd/2, as Hugging Face and this harness compute RoPE) to
/// interleaved pairs (2i with 2i + 1, as ggml computes it): HF row s * hd/2 + i of a head
/// becomes row 2i + s. Reading without undoing it gives a model that runs but is wrong.
public enum GGUFLlama {
    public static func configuration(_ file: GGUFFile) throws -> (ModelConfig, RoPE) {
        let path = file.url.path
        let arch = try file.string("general.architecture") ?? "(missing)"
        guard arch == "llama" else {
            throw UserError("\(path): general.architecture is '\(arch)'; only llama is supported")
        }
        let dim = try file.int("llama.embedding_length"), heads = try file.int("llama.attention.head_count")
        let kvHeads = try file.optionalInt("llama.attention.head_count_kv") ?? heads
        // key_length is the head dimension (llama.cpp writes it, with value_length and
        // rope.dimension_count, from a Hugging Face head_dim); it may differ from
        // embedding_length / head_count (`ModelConfig.explicitHeadDim`).
        let keyLength = try file.optionalInt("llama.attention.key_length")
        guard heads > 0, keyLength != nil || dim % heads == 0 else {
            throw UserError("\(path): llama.embedding_length \(dim) is not a multiple of llama.attention.head_count \(heads)")
        }
        let headDim = keyLength ?? dim / heads
        for key in ["llama.rope.dimension_count", "llama.attention.value_length"] {
            if let v = try file.optionalInt(key), v != headDim {
                throw UserError("\(path): \(key) is \(v); only a head dimension of \(headDim) (llama.attention.key_length, or embedding_length / head_count) is supported")
            }
        }
        guard let embedding = file.tensors["token_embd.weight"], embedding.dims.count == 2 else {
            throw UserError("\(path): tensor 'token_embd.weight' is missing or not a matrix")
        }
        let vocab = try file.optionalInt("llama.vocab_size") ?? embedding.dims[1]
        let base = try file.double("llama.rope.freq_base") ?? 10000
        var rope = RoPE(base: base)
        switch try file.string("llama.rope.scaling.type") ?? "none" {
        case "none": break
        case "linear":
            guard let f = try file.double("llama.rope.scaling.factor") else {
                throw UserError("\(path): metadata key 'llama.rope.scaling.factor' is missing (rope scaling linear)")
            }
            rope.scaling = .positionInterpolation(factor: f)
        case "yarn":
            // llama.cpp keeps YaRN's beta_fast/beta_slow out of the metadata and scales attention
            // its own way, and transformers' GGUF loader maps no llama YaRN: no reference to match.
            throw UserError("\(path): llama.rope.scaling.type 'yarn' is not supported from GGUF (its beta_fast/beta_slow are not in the metadata); load the Hugging Face directory, whose config.json rope_type yarn is supported")
        case let other:
            throw UserError("\(path): llama.rope.scaling.type '\(other)' is not supported (expected none or linear)")
        }
        if file.tensors["rope_freqs.weight"] != nil {
            throw UserError("\(path): tensor 'rope_freqs.weight' (per-frequency RoPE factors, Llama 3.1 style) is not supported")
        }
        guard let eps = try file.double("llama.attention.layer_norm_rms_epsilon") else {
            throw UserError("\(path): metadata key 'llama.attention.layer_norm_rms_epsilon' is missing")
        }
        var config = ModelConfig(
            name: try file.string("general.name") ?? "gguf", vocabSize: vocab, dim: dim,
            nLayers: try file.int("llama.block_count"), nHeads: heads, nKVHeads: kvHeads,
            ffnDim: try file.int("llama.feed_forward_length"), maxContext: try file.int("llama.context_length"),
            ropeBase: base, normEps: Float(eps), tieWordEmbeddings: file.tensors["output.weight"] == nil)
        if headDim * heads != dim { config.explicitHeadDim = headDim }
        do { try config.validate(); try rope.validate() } catch let e as UserError {
            throw UserError("\(path): \(e.message)")
        }
        return (config, rope)
    }

    /// The GGUF name of a Hugging Face tensor name, or nil if it has none.
    public static func ggufName(_ hf: String) -> String? {
        switch hf {
        case LlamaNames.embedding: return "token_embd.weight"
        case LlamaNames.finalNorm: return "output_norm.weight"
        case LlamaNames.head: return "output.weight"
        default: break
        }
        let parts = hf.split(separator: ".")
        guard parts.count >= 4, parts[0] == "model", parts[1] == "layers", let layer = Int(parts[2]) else { return nil }
        let module = parts[3...].joined(separator: ".")
        let mapped: [String: String] = [
            "input_layernorm.weight": "attn_norm", "post_attention_layernorm.weight": "ffn_norm",
            "self_attn.q_proj.weight": "attn_q", "self_attn.k_proj.weight": "attn_k",
            "self_attn.v_proj.weight": "attn_v", "self_attn.o_proj.weight": "attn_output",
            "mlp.gate_proj.weight": "ffn_gate", "mlp.up_proj.weight": "ffn_up", "mlp.down_proj.weight": "ffn_down",
        ]
        return mapped[module].map { "blk.\(layer).\($0).weight" }
    }

    /// Undoes llama.cpp's permutation of a [heads * hd, in] query or key matrix. The head width
    /// is rows / heads, as llama.cpp's converter and transformers' GGUF loader take it, so an
    /// explicit head_dim (q rows = heads * hd other than in) is undone alike.
    public static func unpermuteRows(_ w: [Float], heads: Int, columns: Int) -> [Float] {
        let rows = w.count / columns, hd = rows / heads, half = hd / 2
        var out = [Float](repeating: 0, count: w.count)
        w.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for h in 0..<heads {
                    for s in 0..<2 {
                        for i in 0..<half {
                            let from = (h * hd + 2 * i + s) * columns, to = (h * hd + s * half + i) * columns
                            for c in 0..<columns { dst[to + c] = src[from + c] }
                        }
                    }
                }
            }
        }
        return out
    }
}
