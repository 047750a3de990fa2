import Foundation
import Support

/// Hugging Face `config.json` for `LlamaForCausalLM` and PEFT `adapter_config.json`.
///
/// `rope_theta` is the base actually used (NTK-aware scaling is folded into it) and position
/// interpolation is written as `rope_scaling {"type": "linear", "factor": f}`: dropping it
/// when merging adapters is a known pitfall that silently breaks long-context models.
public enum HFConfig {
    /// Ids of the tokenizer's BOS, EOS and PAD tokens (nil: the tokenizer has none).
    public struct SpecialTokens: Equatable, Sendable {
        public var bos: Int?, eos: Int?, pad: Int?
        public init(bos: Int?, eos: Int?, pad: Int?) { self.bos = bos; self.eos = eos; self.pad = pad }

        /// `bos_token_id`, `eos_token_id`, `pad_token_id`, null where there is none: left out,
        /// transformers would assume LLaMA's 1 and 2, which are bytes for the byte tokenizer.
        var json: [String: Any] {
            ["bos_token_id": bos ?? NSNull(), "eos_token_id": eos ?? NSNull(), "pad_token_id": pad ?? NSNull()] as [String: Any]
        }
    }

    /// `config.json`; `specialTokens` for an export (training checkpoints carry no tokenizer).
    public static func llama(_ c: ModelConfig, rope: RoPE, specialTokens: SpecialTokens? = nil) -> [String: Any] {
        var out: [String: Any] = [
            "architectures": ["LlamaForCausalLM"], "model_type": "llama",
            "hidden_size": c.dim, "intermediate_size": c.ffnDim,
            "num_attention_heads": c.nHeads, "num_key_value_heads": c.nKVHeads,
            "num_hidden_layers": c.nLayers, "vocab_size": c.vocabSize, "head_dim": c.headDim,
            "rms_norm_eps": Double("\(c.normEps)")!, "rope_theta": rope.effectiveBase(headDim: c.headDim),
            "max_position_embeddings": c.maxContext, "tie_word_embeddings": c.isTied,
            "torch_dtype": "float32", "hidden_act": "silu", "attention_bias": false, "mlp_bias": false,
            "initializer_range": 0.02, "longlora_preset": c.name,
        ]
        if case .positionInterpolation(let f) = rope.scaling, f != 1 {
            out["rope_scaling"] = ["type": "linear", "rope_type": "linear", "factor": f]
        }
        if case .llama3(let f, let low, let high, let original) = rope.scaling {
            out["rope_scaling"] = ["rope_type": "llama3", "factor": f, "low_freq_factor": low,
                                   "high_freq_factor": high, "original_max_position_embeddings": original]
        }
        if case .dynamicNTK(let f, let original) = rope.scaling {
            // transformers grows the base past max_position_embeddings: that is the original context.
            out["rope_scaling"] = ["type": "dynamic", "rope_type": "dynamic", "factor": f]
            out["max_position_embeddings"] = original
        }
        if case .yarn(let f, let original, let fast, let slow, let attention, let truncate) = rope.scaling {
            out["rope_scaling"] = ["rope_type": "yarn", "factor": f, "original_max_position_embeddings": original,
                                   "beta_fast": fast, "beta_slow": slow, "attention_factor": attention,
                                   "truncate": truncate]
        }
        if let specialTokens { out.merge(specialTokens.json) { $1 } }
        return out
    }

    /// `generation_config.json`: the same special tokens, which `generate` reads from here.
    public static func generation(_ specialTokens: SpecialTokens) -> [String: Any] {
        specialTokens.json
    }

    /// Parses a `config.json` as transformers 4.x (`rope_theta`, `rope_scaling`) or 5.x
    /// (`rope_parameters`) writes it into a model shape and RoPE setting.
    public static func parseLlama(_ json: [String: Any], source: String) throws -> (ModelConfig, RoPE) {
        func int(_ key: String) throws -> Int {
            guard let v = number(json[key]), v == v.rounded(), v >= 0 else {
                throw UserError("\(source): key '\(key)' is missing or not an integer")
            }
            // Checked before the conversion, which traps beyond Int's range.
            guard v <= Double(ModelConfig.maximumSize) else {
                throw UserError("\(source): key '\(key)' is \(v), more than \(ModelConfig.maximumSize)")
            }
            return Int(v)
        }
        if let arch = json["architectures"] as? [String], !arch.contains("LlamaForCausalLM") {
            throw UserError("\(source): architectures \(arch) is not LlamaForCausalLM")
        }
        for key in ["attention_bias", "mlp_bias"] where (json[key] as? Bool) == true {
            throw UserError("\(source): key '\(key)' is true; only bias-free LLaMA projections are supported")
        }
        // Present keys of the wrong type would silently read as their defaults.
        if let v = json["hidden_act"], !(v is NSNull), !(v is String) {
            throw UserError("\(source): key 'hidden_act' is \(v), expected a string (silu)")
        }
        if let v = json["tie_word_embeddings"], !(v is NSNull), boolean(v) == nil {
            throw UserError("\(source): key 'tie_word_embeddings' is \(v), expected true or false")
        }
        if let act = json["hidden_act"] as? String, act != "silu" {
            throw UserError("\(source): hidden_act '\(act)' is not supported (expected silu)")
        }
        let dim = try int("hidden_size"), heads = try int("num_attention_heads")
        // A head_dim other than hidden_size / heads (q_proj [heads * head_dim, hidden_size])
        // is kept as `explicitHeadDim`; one equal to it leaves the shape as without the key.
        var explicitHeadDim: Int?
        if json["head_dim"] != nil, !(json["head_dim"] is NSNull) {
            let hd = try int("head_dim")
            if hd * heads != dim { explicitHeadDim = hd }
        }
        let rope = try parseRoPE(json, source: source)
        guard let eps = number(json["rms_norm_eps"]) else {
            throw UserError("\(source): key 'rms_norm_eps' is missing or not a number")
        }
        let kvHeads = json["num_key_value_heads"] is NSNull || json["num_key_value_heads"] == nil
            ? heads : try int("num_key_value_heads")
        var config = ModelConfig(
            name: json["longlora_preset"] as? String ?? "hf", vocabSize: try int("vocab_size"),
            dim: dim, nLayers: try int("num_hidden_layers"), nHeads: heads, nKVHeads: kvHeads,
            ffnDim: try int("intermediate_size"), maxContext: try int("max_position_embeddings"),
            ropeBase: rope.base, normEps: Float(eps),
            tieWordEmbeddings: (json["tie_word_embeddings"] as? Bool) ?? false)
        config.explicitHeadDim = explicitHeadDim
        do { try config.validate() } catch let e as UserError { throw UserError("\(source): \(e.message)") }
        return (config, rope)
    }

    /// A JSON number, not true or false. Those arrive as NSNumbers of type "c"; `is Bool` would
    /// also take the numbers 0 and 1 on Linux (refusing num_key_value_heads: 1, multi-query attention).
    static func number(_ value: Any?) -> Double? {
        guard let n = value as? NSNumber, String(cString: n.objCType) != "c" else { return nil }
        return n.doubleValue
    }

    /// A JSON true or false, not a number.
    static func boolean(_ value: Any?) -> Bool? {
        guard let n = value as? NSNumber, String(cString: n.objCType) == "c" else { return nil }
        return n.boolValue
    }

    /// A context length: a whole number in 1...maximumSize.
    static func contextLength(_ value: Double?) -> Int? {
        guard let value, value >= 1, value == value.rounded(), value <= Double(ModelConfig.maximumSize) else { return nil }
        return Int(value)
    }

    /// RoPE base and scaling: `rope_theta` + `rope_scaling` (4.x) or `rope_parameters` (5.x).
    static func parseRoPE(_ json: [String: Any], source: String) throws -> RoPE {
        let parameters = json["rope_parameters"] as? [String: Any]
        let scalingKey = parameters != nil ? "rope_parameters" : "rope_scaling"
        let scaling = parameters ?? (json["rope_scaling"] as? [String: Any])
        guard let theta = ((json["rope_theta"] ?? parameters?["rope_theta"]) as? NSNumber)?.doubleValue else {
            throw UserError("\(source): key 'rope_theta' (or 'rope_parameters.rope_theta') is missing or not a number")
        }
        // LLaMA rotates every dimension of a head; a fraction (other families) would change
        // which dimensions are rotated, not how.
        for (dict, path) in [(json, "partial_rotary_factor"), (scaling ?? [:], "\(scalingKey).partial_rotary_factor")] {
            guard let v = dict["partial_rotary_factor"], !(v is NSNull) else { continue }
            guard number(v) == 1 else {
                throw UserError("\(source): key '\(path)' is \(v); only 1 (every dimension of a head rotated, as LLaMA does) is supported")
            }
        }
        var rope = RoPE(base: theta)
        guard let scaling else { return rope }
        let type = scaling["rope_type"] as? String ?? scaling["type"] as? String ?? "default"
        func value(_ key: String) throws -> Double {
            guard let v = (scaling[key] as? NSNumber)?.doubleValue else {
                throw UserError("\(source): key '\(scalingKey).\(key)' is missing or not a number (rope_type \(type))")
            }
            return v
        }
        switch type {
        case "default": break
        case "linear": rope.scaling = .positionInterpolation(factor: try value("factor"))
        case "llama3":
            rope.scaling = .llama3(factor: try value("factor"), lowFrequencyFactor: try value("low_freq_factor"),
                                   highFrequencyFactor: try value("high_freq_factor"),
                                   originalContext: Int(try value("original_max_position_embeddings")))
        case "dynamic":
            // transformers' _compute_dynamic_ntk_parameters: the original context is max_position_embeddings.
            guard let original = contextLength(number(json["max_position_embeddings"])) else {
                throw UserError("\(source): key 'max_position_embeddings' is missing or not a positive integer (rope_type dynamic grows the base past it)")
            }
            rope.scaling = .dynamicNTK(factor: try value("factor"), originalContext: original)
        case "yarn":
            rope.scaling = try parseYaRN(json, scaling, key: scalingKey, source: source)
        default:
            throw UserError("\(source): key '\(scalingKey).rope_type' is '\(type)', which is not supported; expected default, linear, dynamic, llama3 or yarn")
        }
        do { try rope.validate() } catch let e as UserError { throw UserError("\(source): \(scalingKey): \(e.message)") }
        return rope
    }

    /// YaRN's parameters with transformers' defaults (`_compute_yarn_parameters` and
    /// `standardize_rope_params`): the original context is a top-level
    /// `original_max_position_embeddings` if present, else the scaling's, else
    /// `max_position_embeddings`; a null factor is max_position_embeddings / that; beta_fast and beta_slow default to 32 and 1 (also when 0 or
    /// null); the attention factor, if not given, is mscale(factor, mscale) /
    /// mscale(factor, mscale_all_dim) when both are given and nonzero, else 0.1 ln(factor) + 1.
    static func parseYaRN(_ json: [String: Any], _ scaling: [String: Any], key: String, source: String) throws -> RoPEScaling {
        func number(_ name: String, in dict: [String: Any], path: String) throws -> Double? {
            guard let v = dict[name], !(v is NSNull) else { return nil }
            guard let n = HFConfig.number(v), n.isFinite else {
                throw UserError("\(source): key '\(path)' is \(v), expected a number (rope_type yarn)")
            }
            return n
        }
        func scaled(_ name: String) throws -> Double? { try number(name, in: scaling, path: "\(key).\(name)") }
        let original = try number("original_max_position_embeddings", in: json, path: "original_max_position_embeddings")
            ?? scaled("original_max_position_embeddings")
            ?? number("max_position_embeddings", in: json, path: "max_position_embeddings")
        guard let original = contextLength(original) else {
            throw UserError("\(source): key '\(key).original_max_position_embeddings' is missing or not a positive integer (rope_type yarn)")
        }
        // A null factor is the extension itself (DeepSeek-V3's configs): max_position_embeddings / original.
        var factor = try scaled("factor")
        if factor == nil, scaling["factor"] is NSNull,
           let context = try number("max_position_embeddings", in: json, path: "max_position_embeddings") {
            factor = context / Double(original)
        }
        guard let factor else {
            throw UserError("\(source): key '\(key).factor' is missing or not a number (rope_type yarn)")
        }
        func mscale(_ m: Double) -> Double { factor <= 1 ? 1 : 0.1 * m * Foundation.log(factor) + 1 }
        var attention = try scaled("attention_factor")
        if attention == nil, let m = try scaled("mscale"), let all = try scaled("mscale_all_dim"), m != 0, all != 0 {
            attention = mscale(m) / mscale(all)
        }
        let fast = try scaled("beta_fast") ?? 0, slow = try scaled("beta_slow") ?? 0
        var truncate = true
        if let t = scaling["truncate"], !(t is NSNull) {
            guard let b = boolean(t) else {
                throw UserError("\(source): key '\(key).truncate' is \(t), expected true or false")
            }
            truncate = b
        }
        return .yarn(factor: factor, originalContext: original, betaFast: fast == 0 ? 32 : fast,
                     betaSlow: slow == 0 ? 1 : slow, attentionFactor: attention ?? mscale(1), truncate: truncate)
    }

    /// PEFT `adapter_config.json`. `modulesToSave` are the modules trained outright (LoRA+'s
    /// embedding and norms), whose weights the adapter file carries; `base` is the directory
    /// of the model the adapter applies to (nil in a training checkpoint).
    public static func peftAdapter(_ lora: LoRAConfig, modulesToSave: [String] = [], base: String? = nil) -> [String: Any] {
        var out: [String: Any] = [
            "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": lora.rank, "lora_alpha": lora.alpha,
            "lora_dropout": 0.0, "target_modules": lora.targets.map(\.peftName), "bias": "none",
            "fan_in_fan_out": false, "inference_mode": true, "base_model_name_or_path": base ?? NSNull()]
        if !modulesToSave.isEmpty { out["modules_to_save"] = modulesToSave }
        return out
    }

    public static func parsePeftAdapter(_ json: [String: Any], source: String) throws -> LoRAConfig {
        guard let r = json["r"] as? Int else { throw UserError("\(source): key 'r' is missing or not an integer") }
        guard let alpha = json["lora_alpha"] as? Double else {
            throw UserError("\(source): key 'lora_alpha' is missing or not a number")
        }
        guard let modules = json["target_modules"] as? [String] else {
            throw UserError("\(source): key 'target_modules' is missing or not a list of names")
        }
        let targets = try modules.map { name in
            guard let t = LoRATarget.allCases.first(where: { $0.peftName == name }) else {
                throw UserError("\(source): target module '\(name)' is not one of q_proj ... down_proj")
            }
            return t
        }
        let lora = LoRAConfig(rank: r, alpha: alpha, targets: targets)
        do { try lora.validate() } catch let e as UserError { throw UserError("\(source): \(e.message)") }
        return lora
    }

    public static func readJSON(_ url: URL) throws -> [String: Any] {
        guard let data = try? Data(contentsOf: url) else { throw UserError("\(url.path): cannot read file") }
        guard let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw UserError("\(url.path): not a JSON object")
        }
        return obj
    }

    public static func writeJSON(_ obj: [String: Any], to url: URL) throws {
        let data = try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(data, to: url)
    }
}
