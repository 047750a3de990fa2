import Model

/// Which run keys a resolved run actually reads. A key that does not apply (the group
/// size of a run that never uses a grouped pattern, adapter settings under full
/// fine-tuning) is left out of the canonical config, so sweeping it does not multiply
/// runs: `finetune.group: [0.125, 0.25]` crossed with `attention: [full, s2]` is one full
/// run and two s2 runs, not four runs with different hashes.
enum Applicability {
    /// A rule: the keys, why they do not apply, and whether they do for a resolved run.
    struct Rule {
        var keys: [String]
        var reason: String
        var applies: (ResolvedValues) -> Bool
    }

    static let rules: [Rule] = [
        // The fine-tuning pattern and every evaluation pattern (`train` already replaced)
        // read G; `full` ignores it.
        Rule(keys: ["finetune.group"], reason: "no grouped attention in training or evaluation") { v in
            ([v.string("finetune.attention")] + v.strings("evaluate.attention")).contains { $0 != AttentionKind.full.rawValue }
        },
        // Full fine-tuning trains every weight and has no adapters (the analytic projection
        // counts none either).
        Rule(keys: ["finetune.lora.rank", "finetune.lora.alpha", "finetune.lora.targets"],
             reason: "full fine-tuning has no adapters") { v in
            v.strings("finetune.trainable") != ["all"]
        },
        // Rows of a fine-tune that does not train are never drawn.
        Rule(keys: ["finetune.passkey_task.fraction"], reason: "no fine-tuning steps") { v in
            v.int("finetune.steps") > 0
        },
        // A given model brings its own shape and is not pretrained.
        Rule(keys: pretrainingKeys, reason: "the base is the given base.checkpoint") { v in
            v.string("base.checkpoint").isEmpty
        },
    ]

    /// The model and the pretraining recipe, which a given `base.checkpoint` replaces.
    static let pretrainingKeys = SpecSchema.keys.map(\.path).filter {
        $0.hasPrefix("model.") || ($0.hasPrefix("base.") && $0 != "base.context" && $0 != "base.checkpoint")
    }

    /// Optional keys whose default means "not given": left out of the canonical config at
    /// that default, so that adding one to the schema moves no existing run's hash.
    static let optional = ["base.checkpoint", "model.tie_embeddings", "base.copy_task.steps", "base.copy_task.fraction",
                           "base.passkey_task.fraction", "finetune.passkey_task.fraction"]

    /// Marks the keys that do not apply and resets them to their defaults, so the typed
    /// config and its checks read a valid value that cannot change what the run computes.
    static func apply(_ values: inout ResolvedValues) {
        for key in optional where values[key] == SpecSchema.key(key)!.defaultValue! { values.absent.insert(key) }
        for rule in rules where !rule.applies(values) {
            for key in rule.keys {
                values.inapplicable[key] = rule.reason
                values.entries[key] = Located(SpecSchema.key(key)!.defaultValue!, .defaulted)
            }
        }
    }
}
