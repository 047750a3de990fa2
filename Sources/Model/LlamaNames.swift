/// Hugging Face LLaMA tensor names; the parameter store uses them as its keys so that
/// checkpoints and exports need no renaming table.
public enum LlamaNames {
    public static let embedding = "model.embed_tokens.weight"
    public static let finalNorm = "model.norm.weight"
    public static let head = "lm_head.weight"

    public static func inputNorm(layer: Int) -> String { "model.layers.\(layer).input_layernorm.weight" }
    public static func postAttentionNorm(layer: Int) -> String {
        "model.layers.\(layer).post_attention_layernorm.weight"
    }
    public static func weight(layer: Int, target: LoRATarget) -> String {
        "model.layers.\(layer).\(target.module).weight"
    }

    /// The layer a tensor name belongs to (`...layers.N....` as Hugging Face and PEFT name it,
    /// `blk.N....` as GGUF does), or nil for the embedding, the final norm and the head.
    public static func layer(of name: String) -> Int? {
        let parts = name.split(separator: ".")
        for (i, part) in parts.enumerated().dropLast() where part == "layers" || part == "blk" {
            if let n = Int(parts[i + 1]) { return n }
        }
        return nil
    }

    /// Base tensors in buffer order with their shapes ([out, in] for projections).
    public static func baseLayout(_ c: ModelConfig) -> [(name: String, shape: [Int], kind: TrainableParts)] {
        // A tied embedding is also the head: training either part trains it.
        var out: [(String, [Int], TrainableParts)] = [(embedding, [c.vocabSize, c.dim], c.isTied ? [.embed, .head] : .embed)]
        for l in 0..<c.nLayers {
            out.append((inputNorm(layer: l), [c.dim], .norm))
            for t in [LoRATarget.q, .k, .v, .o] {
                let s = t.shape(c)
                out.append((weight(layer: l, target: t), [s.output, s.input], []))
            }
            out.append((postAttentionNorm(layer: l), [c.dim], .norm))
            for t in [LoRATarget.gate, .up, .down] {
                let s = t.shape(c)
                out.append((weight(layer: l, target: t), [s.output, s.input], []))
            }
        }
        out.append((finalNorm, [c.dim], .norm))
        if !c.isTied { out.append((head, [c.vocabSize, c.dim], .head)) }
        return out.map { (name: $0.0, shape: $0.1, kind: $0.2) }
    }

    /// LoRA tensors (A: [r, in], B: [out, r]) in buffer order.
    public static func loraLayout(_ c: ModelConfig, _ lora: LoRAConfig) -> [(name: String, shape: [Int])] {
        var out: [(name: String, shape: [Int])] = []
        for l in 0..<c.nLayers {
            for t in lora.targets {
                let n = LoRAConfig.names(layer: l, target: t), s = t.shape(c)
                out.append((n.a, [lora.rank, s.input]))
                out.append((n.b, [s.output, lora.rank]))
            }
        }
        return out
    }
}
