import Data
import Evaluation
import Model
import Support
import Training

/// Cross-key checks of one resolved run: every input the trainer, the model or the
/// evaluator would refuse after minutes of work is refused here, before any work (and by
/// `--dry-run`), with the file, line and key. A key's own type already checks its range;
/// this covers combinations (G not dividing the context, a rank above the width, a stride
/// not below the shortest strided length, a passkey length below its prompt, ...).
/// Each problem points at the key most likely to be wrong: the one the spec set.
enum RunValidation {
    static func check(_ c: RunConfig, _ v: ResolvedValues, run: String) throws(SpecIssue) {
        func fail(_ keys: [String], _ message: String) -> SpecIssue {
            // Blame the first key the user actually set; else the first one.
            let key = keys.first { v.origin($0) != .defaulted } ?? keys[0]
            return v.origin(key).issue(key: key, message, run: run)
        }
        func message(_ error: Error) -> String { (error as? UserError)?.message ?? String(describing: error) }
        let m = c.model
        // A given checkpoint may set its head width (`head_dim`); the spec's own shape splits d.
        guard m.explicitHeadDim != nil || m.dim % m.nHeads == 0 else {
            throw fail(["model.heads", "model.dim"], "width \(m.dim) is not a multiple of \(m.nHeads) heads")
        }
        guard m.headDim % 2 == 0 else {
            let width = m.explicitHeadDim.map { "head_dim \($0)" } ?? "head dimension \(m.dim)/\(m.nHeads) = \(m.headDim)"
            throw fail(["model.heads", "model.dim"], "\(width) must be even for RoPE")
        }
        guard m.nHeads % m.nKVHeads == 0 else {
            throw fail(["model.kv_heads", "model.heads"], "\(m.nHeads) heads are not a multiple of \(m.nKVHeads) key/value heads")
        }
        do { try m.validate() } catch { throw fail(["model.preset"], message(error)) }
        if c.data.tokenizer == .bpe, !BPETokenizer.vocabRange.contains(c.data.vocabSize) {
            throw fail(["data.vocab"], "a BPE vocabulary has \(BPETokenizer.vocabRange.lowerBound) to \(BPETokenizer.vocabRange.upperBound) tokens, got \(c.data.vocabSize)")
        }
        // A given base is not pretrained: its recipe is not read.
        let stages = c.baseCheckpoint == nil ? [("base", c.base), ("finetune", c.finetune.training)] : [("finetune", c.finetune.training)]
        for (stage, training) in stages {
            let tokens = v.int("\(stage).batch_tokens")
            guard tokens % training.length == 0 else {
                throw fail(["\(stage).batch_tokens", "\(stage).context"],
                           "\(tokens) tokens per step is not a whole number of \(training.length)-token sequences")
            }
            // The trainer's own checks (steps 0 of fine-tuning means no training at all).
            if training.steps > 0 {
                do { try training.validate() } catch { throw fail(["\(stage).optimizer", "\(stage).steps"], message(error)) }
            }
        }
        if c.baseCheckpoint == nil, c.copyTask.steps > c.base.steps {
            throw fail(["base.copy_task.steps", "base.steps"],
                       "a copy-task warm-up of \(c.copyTask.steps) steps does not fit in \(c.base.steps) pretraining steps")
        }
        if c.baseCheckpoint == nil, c.copyTask.fraction + c.passkeyTask.fraction > 1 {
            throw fail(["base.copy_task.fraction", "base.passkey_task.fraction"],
                       "copy-task and passkey rows together take \(c.copyTask.fraction + c.passkeyTask.fraction) of each batch, more than all of it")
        }
        // A given model may also be fine-tuned below its trained context (factor 1: no extension).
        guard c.finetune.context >= c.base.length || c.baseCheckpoint != nil else {
            throw fail(["finetune.context", "base.context"],
                       "fine-tuning context \(c.finetune.context) is shorter than the base model's \(c.base.length): nothing to extend")
        }
        if let checkpoint = c.baseCheckpoint, checkpoint.rope.scaling != .none, c.finetune.positionInterpolation != 1 {
            throw fail(["finetune.position_interpolation", "base.context"],
                       "base.checkpoint \(checkpoint.model.path) already scales RoPE (\(checkpoint.rope.scaling)); position interpolation on top of it is not supported (factor \(c.finetune.positionInterpolation))")
        }
        let rope = RoPE(base: m.ropeBase, scaling: c.finetune.ropeScaling.scaling(factor: c.finetune.positionInterpolation))
        do { try rope.validate() } catch {
            throw fail(["model.rope_base", "finetune.position_interpolation"], message(error))
        }

        // The training pattern at the training length: G resolved once, by the registry's rule
        // (the analytic projection reads it even when nothing is fine-tuned).
        do { _ = try c.finetune.trainingAttention() } catch {
            throw fail(["finetune.group", "finetune.context", "finetune.attention"], message(error))
        }

        // Adapters must fit the projections they adapt: q is a x d, o is d x a (a = heads x
        // head width, d unless head_dim says otherwise); k, v are kv_dim x d.
        let trainable = c.finetune.trainable
        if trainable.contains(.all), trainable != .all {
            throw fail(["finetune.trainable"], "'all' (full fine-tuning) already trains every part; list it alone")
        }
        if trainable.contains(.lora) {
            do { try c.finetune.lora.validate() } catch { throw fail(["finetune.lora.targets"], message(error)) }
            for target in c.finetune.lora.targets {
                let width = target.shape(m).output
                guard c.finetune.lora.rank <= width else {
                    throw fail(["finetune.lora.rank"], "rank \(c.finetune.lora.rank) exceeds the width \(width) of projection '\(target)'")
                }
            }
        }

        // Evaluation with a sparse pattern must be able to cut every length into groups.
        let e = c.evaluate
        for pattern in e.attention where pattern.isGrouped {
            for length in e.lengths {
                do { _ = try PatternAttention(pattern, groupSize: c.finetune.group, length: length) } catch {
                    throw fail(["evaluate.lengths", "evaluate.attention"], "evaluation length \(length) with attention '\(pattern)': \(message(error))")
                }
            }
        }
        // The protocol's own rule on stride and length.
        for length in e.lengths {
            do { try e.evaluationProtocol.check(length: length, stride: e.stride) } catch {
                throw fail(["evaluate.stride", "evaluate.lengths", "evaluate.protocol"], message(error))
            }
        }
        // The fine-tuning's validation curve evaluates at the training context.
        if c.finetune.evalEvery > 0, c.finetune.training.steps > 0 {
            do { try e.evaluationProtocol.check(length: c.finetune.context, stride: e.stride) } catch {
                throw fail(["evaluate.stride", "finetune.eval_every"], "validation curve at the training context: \(message(error))")
            }
        }
        if e.inductionLength % 2 != 0 || e.inductionLength == 2 {
            throw fail(["evaluate.induction.length"],
                       "induction probe length \(e.inductionLength) must be even and at least 4 (two copies of at least 2 ids), or 0 for no probe")
        }
        // What the run would allocate must fit in this machine's memory.
        let memory = MemoryBound(c)
        guard memory.bytes <= MemoryBound.available else {
            throw fail(["model.dim", "model.ffn", "model.layers", "data.vocab", "finetune.batch_tokens", "base.batch_tokens",
                        "evaluate.lengths", "evaluate.passkey.lengths"],
                       "the run needs at least \(MemoryBound.gib(memory.bytes)) (weights, gradients and AdamW state of a \(m.dim)-wide, \(m.nLayers)-layer model with \(m.vocabSize) tokens, and activations of \(memory.tokens) tokens at once), more than the \(MemoryBound.gib(MemoryBound.available)) of this machine")
        }
        // A passkey prompt cannot be shorter than its text without filler (the BPE prompt
        // is known only once the corpus's tokenizer is trained; the run checks it then).
        let known: (any Tokenizer)? = switch c.data.tokenizer {
        case .byte: ByteTokenizer()
        case .model: try? c.baseCheckpoint?.loadTokenizer()
        case .bpe: nil
        }
        if let known, let shortest = e.passkeyLengths.min() {
            let minimum = PasskeyPrompt.minimumTokens(tokenizer: known)
            guard shortest >= minimum else {
                throw fail(["evaluate.passkey.lengths"],
                           "passkey length \(shortest) is below the \(minimum) tokens of the passkey prompt without filler")
            }
        }
    }
}
