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
        if let problem = patternProblem(c.finetune.attention, group: c.finetune.group, length: c.finetune.context, heads: m.nHeads) {
            throw fail(problem.heads ? ["model.heads"] : ["finetune.group", "finetune.context", "finetune.attention"], problem.message)
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
                if let problem = patternProblem(pattern, group: c.finetune.group, length: length, heads: m.nHeads) {
                    throw fail(["evaluate.lengths", "evaluate.attention"], "evaluation length \(length) with attention '\(pattern)': \(problem.message)")
                }
            }
        }
        if e.protocolName == "strided", let shortest = e.lengths.min(), e.stride > shortest {
            throw fail(["evaluate.stride", "evaluate.lengths"], "the strided protocol scores the last \(e.stride) tokens of each window, more than the length \(shortest)")
        }
    }

    /// Why `pattern` cannot run at `length` with this group size and head count, if it cannot.
    static func patternProblem(_ pattern: String, group: GroupSize, length n: Int, heads: Int) -> (message: String, heads: Bool)? {
        guard let rule = AttentionPatternName.named(pattern), rule.usesGroups else { return nil }
        guard let g = group.tokens(for: n) else {
            if case .ratio(let r) = group {
                return ("G = \(SpecValue.realText(r)) x \(n) = \(SpecValue.realText(r * Double(n))) is not a whole number of tokens", false)
            }
            return nil
        }
        if g < 2 || g > n { return ("G = \(g) tokens must be between 2 and the length \(n)", false) }
        if n % g != 0 { return ("length \(n) is not a multiple of G = \(g)", false) }
        if rule.shifts, g % 2 != 0 { return ("'\(pattern)' shifts groups by G/2, so G = \(g) must be even", false) }
        if rule.splitsHeads, heads % 2 != 0 { return ("'\(pattern)' treats two halves of the heads differently, so \(heads) heads must be even", true) }
        return nil
    }
}
