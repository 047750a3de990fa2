import Results

/// The human label of a setting in tables and figure legends: the spec's `labels:` entry,
/// else a phrase made from the keys that tell the setting apart (the keys its variant
/// sets, then its swept keys that apply), in the paper's words: `S2-Attn, G = n/8`,
/// `full attention, full fine-tuning`, `no fine-tuning`. A setting with nothing to
/// describe keeps its variant name.
enum RunLabel {
    static func make(variant: ExperimentSpec.Variant?, axes: [String], values: ResolvedValues) -> String {
        var keys = (variant?.values.keys.sorted() ?? []).filter { path in
            SpecSchema.keys.firstIndex { $0.path == path } != nil
        }
        keys.sort { a, b in schemaIndex(a) < schemaIndex(b) }
        for axis in axes where !keys.contains(axis) { keys.append(axis) }
        let phrases = keys.filter { values.inapplicable[$0] == nil }.compactMap { phrase($0, values) }
        if phrases.isEmpty { return variant?.name ?? "all runs" }
        return phrases.joined(separator: ", ")
    }

    static func schemaIndex(_ path: String) -> Int { SpecSchema.keys.firstIndex { $0.path == path } ?? Int.max }

    /// How one key reads; nil for keys whose value says nothing on its own.
    static func phrase(_ path: String, _ v: ResolvedValues) -> String? {
        let value = v[path]
        switch path {
        case "finetune.attention":
            switch value.stringValue {
            case "full": return "full attention"
            case "s2": return "S2-Attn"
            case let name?: return "\(name) attention"
            default: return nil
            }
        case "finetune.group":
            switch value {
            case .int(let tokens): return "G = \(tokens)"
            case .double(let ratio):
                let parts = 1 / ratio
                return parts == parts.rounded() ? "G = n/\(Int(parts))" : "G = \(Label.number(ratio))n"
            default: return nil
            }
        case "finetune.trainable":
            let parts = v.strings(path)
            switch Set(parts) {
            case ["all"]: return "full fine-tuning"
            case ["lora", "embed", "norm"]: return "LoRA+"
            case ["lora"]: return "LoRA"
            default: return "trained: " + parts.joined(separator: "+")
            }
        case "finetune.steps":
            let steps = v.int(path)
            return steps == 0 ? "no fine-tuning" : "\(steps) steps"
        case "finetune.context": return "context \(value.display)"
        case "finetune.position_interpolation": return "PI x\(Label.number(v.double(path)))"
        case "finetune.rope_scaling": return value.stringValue == "ntk" ? "NTK-aware RoPE" : "linear RoPE"
        case "finetune.recompute": return v.bool(path) ? "recomputation" : "no recomputation"
        case "finetune.lora.rank": return "rank \(value.display)"
        case "evaluate.protocol": return "\(value.display) protocol"
        case "evaluate.passkey.lengths": return v.ints(path).isEmpty ? nil : "passkey"
        case "evaluate.passkey.trials": return nil
        default:
            let name = path.split(separator: ".").last.map(String.init) ?? path
            return "\(name.replacingOccurrences(of: "_", with: " ")) \(value.display)"
        }
    }
}
