import Model
import Support

/// Cross-key checks of one resolved run: the impossible combinations that a key's own
/// type cannot catch (G not dividing the context, a rank above the width, ...).
/// Each problem points at the key most likely to be wrong: the one the spec set.
enum RunValidation {
    static func check(_ c: RunConfig, _ v: ResolvedValues, run: String) throws(SpecIssue) {
        func fail(_ keys: [String], _ message: String) -> SpecIssue {
            // Blame the first key the user actually set; else the first one.
            let key = keys.first { v.origin($0) != .defaulted } ?? keys[0]
            return v.origin(key).issue(key: key, message, run: run)
        }
        let m = c.model
        guard m.dim % m.nHeads == 0 else {
            throw fail(["model.heads", "model.dim"], "width \(m.dim) is not a multiple of \(m.nHeads) heads")
        }
        guard m.headDim % 2 == 0 else {
            throw fail(["model.heads", "model.dim"], "head dimension \(m.dim)/\(m.nHeads) = \(m.headDim) must be even for RoPE")
        }
        guard m.nHeads % m.nKVHeads == 0 else {
            throw fail(["model.kv_heads", "model.heads"], "\(m.nHeads) heads are not a multiple of \(m.nKVHeads) key/value heads")
        }
        for stage in ["base", "finetune"] {
            let recipe = stage == "base" ? c.base : c.finetune.training
            guard recipe.batchTokens % recipe.context == 0 else {
                throw fail(["\(stage).batch_tokens", "\(stage).context"],
                           "\(recipe.batchTokens) tokens per step is not a whole number of \(recipe.context)-token sequences")
            }
        }
        guard c.finetune.context >= c.base.context else {
            throw fail(["finetune.context", "base.context"],
                       "fine-tuning context \(c.finetune.context) is shorter than the base model's \(c.base.context): nothing to extend")
        }

        // The training pattern at the training length.
        if let problem = patternProblem(c.finetune.attention, group: c.finetune.group, length: c.finetune.context, model: m) {
            throw fail(["finetune.group", "finetune.context", "finetune.attention"], problem)
        }

        // Adapters must fit the projections they adapt: q, o are d x d; k, v are kv_dim x d.
        let trainable = c.finetune.trainable
        if trainable.contains("all"), trainable.count > 1 {
            throw fail(["finetune.trainable"], "'all' (full fine-tuning) already trains every part; list it alone")
        }
        if trainable.contains("lora") {
            for target in c.finetune.lora.targets {
                let width = target == "k" || target == "v" ? m.kvDim : m.dim
                guard c.finetune.lora.rank <= width else {
                    throw fail(["finetune.lora.rank"], "rank \(c.finetune.lora.rank) exceeds the width \(width) of projection '\(target)'")
                }
            }
        }

        // Evaluation with a sparse pattern must be able to cut every length into groups.
        let e = c.evaluate
        for pattern in e.attention where pattern != "full" {
            for length in e.lengths {
                if let problem = patternProblem(pattern, group: c.finetune.group, length: length, model: m) {
                    throw fail(["evaluate.lengths", "evaluate.attention"], "evaluation length \(length) with attention '\(pattern)': \(problem)")
                }
            }
        }
        if e.protocolName == "strided", let shortest = e.lengths.min(), e.stride > shortest {
            throw fail(["evaluate.stride", "evaluate.lengths"], "the strided protocol scores the last \(e.stride) tokens of each window, more than the length \(shortest)")
        }
    }

    /// Why `pattern` cannot run at `length` with this group size, if it cannot: the
    /// attention registry's own check, on every layer kind (s2-layers alternates).
    static func patternProblem(_ pattern: String, group: GroupSize, length n: Int, model m: ModelConfig) -> String? {
        do {
            let rule = try AttentionPatterns.make(pattern, groupSize: group)
            for layer in 0..<min(2, m.nLayers) {
                try rule.validate(geometry: AttentionGeometry(n: n, nHeads: m.nHeads, nKVHeads: m.nKVHeads, headDim: m.headDim,
                                                              layer: layer, nLayers: m.nLayers))
            }
            return nil
        } catch let error as UserError {
            return error.message
        } catch {
            return String(describing: error)
        }
    }
}
