import Foundation
import Support

/// Hugging Face `config.json` for `LlamaForCausalLM` and PEFT `adapter_config.json`.
///
/// `rope_theta` is the base actually used (NTK-aware scaling is folded into it) and position
/// interpolation is written as `rope_scaling {"type": "linear", "factor": f}`: dropping it
/// when merging adapters is a known pitfall that silently breaks long-context models.
public enum HFConfig {
    public static func llama(_ c: ModelConfig, rope: RoPE) -> [String: Any] {
        var out: [String: Any] = [
            "architectures": ["LlamaForCausalLM"], "model_type": "llama",
            "hidden_size": c.dim, "intermediate_size": c.ffnDim,
            "num_attention_heads": c.nHeads, "num_key_value_heads": c.nKVHeads,
            "num_hidden_layers": c.nLayers, "vocab_size": c.vocabSize, "head_dim": c.headDim,
            "rms_norm_eps": Double("\(c.normEps)")!, "rope_theta": rope.effectiveBase(headDim: c.headDim),
            "max_position_embeddings": c.maxContext, "tie_word_embeddings": false,
            "torch_dtype": "float32", "hidden_act": "silu", "attention_bias": false, "mlp_bias": false,
            "initializer_range": 0.02, "longlora_preset": c.name,
        ]
        if case .positionInterpolation(let f) = rope.scaling, f != 1 {
            out["rope_scaling"] = ["type": "linear", "rope_type": "linear", "factor": f]
        }
        return out
    }

    /// Parses a `config.json` back into a model shape and RoPE setting.
    public static func parseLlama(_ json: [String: Any], source: String) throws -> (ModelConfig, RoPE) {
        func int(_ key: String) throws -> Int {
            guard let v = json[key] as? Int else { throw UserError("\(source): key '\(key)' is missing or not an integer") }
            return v
        }
        func double(_ key: String) throws -> Double {
            guard let v = json[key] as? Double else { throw UserError("\(source): key '\(key)' is missing or not a number") }
            return v
        }
        if let arch = json["architectures"] as? [String], !arch.contains("LlamaForCausalLM") {
            throw UserError("\(source): architectures \(arch) is not LlamaForCausalLM")
        }
        if (json["tie_word_embeddings"] as? Bool) == true {
            throw UserError("\(source): tie_word_embeddings true is not supported (the head is untied)")
        }
        let theta = try double("rope_theta")
        let config = ModelConfig(
            name: json["longlora_preset"] as? String ?? "hf", vocabSize: try int("vocab_size"),
            dim: try int("hidden_size"), nLayers: try int("num_hidden_layers"),
            nHeads: try int("num_attention_heads"), nKVHeads: (json["num_key_value_heads"] as? Int),
            ffnDim: try int("intermediate_size"), maxContext: try int("max_position_embeddings"),
            ropeBase: theta, normEps: Float(try double("rms_norm_eps")))
        try config.validate()
        var rope = RoPE(base: theta)
        if let scaling = json["rope_scaling"] as? [String: Any] {
            let type = scaling["type"] as? String ?? scaling["rope_type"] as? String
            guard type == "linear", let f = scaling["factor"] as? Double else {
                throw UserError("\(source): rope_scaling \(scaling) is not supported (expected type linear with a factor)")
            }
            rope.scaling = .positionInterpolation(factor: f)
        }
        return (config, rope)
    }

    public static func peftAdapter(_ lora: LoRAConfig) -> [String: Any] {
        ["peft_type": "LORA", "task_type": "CAUSAL_LM", "r": lora.rank, "lora_alpha": lora.alpha,
         "lora_dropout": 0.0, "target_modules": lora.targets.map(\.peftName), "bias": "none",
         "fan_in_fan_out": false, "inference_mode": true, "base_model_name_or_path": NSNull()]
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
        try lora.validate()
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
