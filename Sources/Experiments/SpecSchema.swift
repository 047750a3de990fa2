import Data
import Evaluation
import Metrics
import Model
import Training

/// Every key an experiment spec may contain. Defaults follow the paper's recipe
/// (LONGLORA section 3) where it is scale-free, and the miniature scale otherwise:
/// the paper's Llama2 pretrained at 4096 and extended to 8k..64k becomes a small LLaMA
/// pretrained at 256 and extended to 1k..4k (the same 4x..16x factors).
public enum SpecSchema {
    public static let sections: [SectionDescriptor] = [
        .init("data", "The corpus and tokenizer every stage reads."),
        .init("model", "Shape of the LLaMA-architecture model: a preset, optionally with sizes changed."),
        .init("base", "Pretraining of the base model at a short context. Cached by the hash of `data`, `model` and `base`, and shared by every run and experiment with the same recipe."),
        .init("base.optimizer", "AdamW settings of pretraining."),
        .init("base.copy_task", "A warm-up that teaches the base to copy from its context (docs/miniature.md): sequences of segments written twice (x x, 6 to 24 tokens each), ids uniform over the vocabulary's non-special ids. A small base does not learn to copy from natural text alone in the budgets here."),
        .init("base.passkey_task", "Passkey-format retrieval rows in pretraining (docs/miniature.md): a base that copies still does not know where the passkey prompt asks it to; the test's filler sentences never appear in them."),
        .init("finetune", "Context extension of the base model: position interpolation, the attention pattern used in training, and the trained parts."),
        .init("finetune.passkey_task", "Passkey rows in fine-tuning, as in pretraining (`base.passkey_task`), at the fine-tuning context."),
        .init("finetune.lora", "Low-rank adapters W + (alpha/rank) B A on the attention projections; B starts at zero."),
        .init("finetune.optimizer", "AdamW settings of fine-tuning (paper: betas 0.9/0.95, no weight decay, clipping 1.0)."),
        .init("evaluate", "Evaluation after fine-tuning. Evaluation uses the RoPE factor of the training length."),
        .init("evaluate.passkey", "Passkey retrieval: a random key hidden in filler text, greedy decoding, exact match."),
        .init("evaluate.induction", "In-context copying: random ids repeated twice, the loss on each copy (an induction-head probe)."),
        .init("analytic", "Projection of each run's recipe onto a real Llama2 with the analytic FLOPs, memory and GPU-hours models (docs/metrics.md), recorded as the run's `projection` group: the paper's FLOPs table and Figure 1 beside our measured runs."),
        .init("paper", "The paper's numbers, printed beside ours by `longlora table`."),
        .init("layout", "What `longlora table` and `longlora plot` draw."),
    ]

    // Allowed values come from the enums and the registry that act on them, never copies.
    static let attentionChoices = AttentionKind.names
    static let trainableParts = TrainableParts.named.map(\.0)
    static let schedules = LearningRateSchedule.Kind.allCases.map(\.rawValue)
    static let splits = Split.allCases.map(\.rawValue)
    static func names<E: CaseIterable & RawRepresentable>(_: E.Type) -> [String] where E.RawValue == String {
        E.allCases.map(\.rawValue)
    }

    /// The harness's length scale: the paper's lengths are this many times ours (its Llama2
    /// pretrained at 4096, our base at 256). `analytic.context: auto` and the docs use it.
    public static let paperLengthFactor = 16

    public static let keys: [KeyDescriptor] = [
        .init("experiment", .name, nil, role: .identity,
              "Name of the experiment; results go to `results/<experiment>.h5`."),
        .init("description", .text, .string(""), role: .identity, "One line saying what the experiment shows."),
        .init("seeds", .list(SpecBounds.size(SpecBounds.seed, min: 0), minCount: 1, unique: true), .ints([0]), role: .identity,
              "Every configuration runs once per seed. The seed drives fine-tuning (adapter initialisation, batch order) and evaluation sampling; the base model has its own `base.seed`."),

        .init("data.corpus", .name, .string("pg19-mini"),
              "Corpus: `pg19-mini` or `proof-pile-mini` (built from Debian packages on first use), or any corpus already built under `data/<name>/`."),
        .init("data.tokenizer", .choice(names(TokenizerKind.self)), .string("byte"),
              "`byte`: the 256 byte values plus BOS, EOS, PAD. `bpe`: byte-pair encoding trained on the corpus's training split. `model`: the tokenizer of `base.checkpoint` (its `tokenizer.json` or GGUF metadata); each corpus is then built into `data/<corpus>@<tokenizer id>/`, beside its byte or BPE build, and passkey prompts and the induction probe use it too."),
        .init("data.vocab", SpecBounds.autoOr(SpecBounds.vocab), .string("auto"),
              "Vocabulary size; `auto` is \(ModelConfig.byteVocabSize) for `byte` and \(BPETokenizer.defaultVocabSize) for `bpe` (as `longlora data build`), and the checkpoint's vocabulary with `base.checkpoint`. A byte tokenizer only has \(ModelConfig.byteVocabSize)."),

        .init("model.preset", .choice(ModelConfig.presets.map(\.name)), .string("mini"),
              "Starting shape: `micro` (d=32, 2 layers) for tests, `mini` (d=128, 4 layers, 4 heads) for experiments; the `llama2-*` shapes are far too large to train here."),
        .init("model.dim", SpecBounds.autoOr(SpecBounds.dim), .string("auto"), "Width d; `auto` keeps the preset's."),
        .init("model.layers", SpecBounds.autoOr(SpecBounds.layers), .string("auto"), "Number of transformer blocks; `auto` keeps the preset's."),
        .init("model.heads", SpecBounds.autoOr(SpecBounds.heads), .string("auto"), "Attention heads; d must be a multiple, with an even head dimension (RoPE)."),
        .init("model.kv_heads", SpecBounds.autoOr(SpecBounds.heads), .string("auto"), "Key/value heads (fewer than `heads`: grouped-query attention); `auto` keeps the preset's, which equals `heads` for mini."),
        .init("model.ffn", SpecBounds.autoOr(SpecBounds.ffn), .string("auto"), "SwiGLU hidden width; `auto` keeps the preset's."),
        .init("model.rope_base", .real(min: nil, above: RoPE.minimumBase, max: nil), .double(10000), "RoPE base frequency (Llama2: 10000)."),
        .init("model.tie_embeddings", .bool, .bool(false),
              "The output head is the token embedding (Hugging Face `tie_word_embeddings`, as SmolLM2 and Llama 3.2); Llama2 unties them."),
    ]
    + recipe("base", context: 256, steps: 300, batchTokens: 4096, lr: 1e-3, weightDecay: 0.1,
             warmup: 30, schedule: "cosine",
             contextDoc: "Context of pretraining (the paper's Llama2: 4096, here \(paperLengthFactor)x smaller).",
             lrDoc: "Peak learning rate of pretraining from scratch.")
    + [
        .init("base.seed", SpecBounds.size(SpecBounds.seed, min: 0), .int(0),
              "Seed of the base model's initialisation and batch order; separate from `seeds` so that every fine-tune of a sweep extends the same base model."),
        .init("base.copy_task.steps", SpecBounds.size(SpecBounds.steps, min: 0), .int(0),
              "The first this many of `base.steps` train on the copy task only; 0: none."),
        .init("base.copy_task.fraction", .real(min: 0, above: nil, max: 1), .double(0),
              "Share of the sequences of every later pretraining batch that stay copy-task sequences (keeps the copying useful while natural text follows)."),
        .init("base.passkey_task.fraction", .real(min: 0, above: nil, max: 1), .double(0),
              "Share of the sequences of every pretraining batch after the copy task's warm-up that are passkey rows: the paper's passkey prompt with the corpus's text as filler, a random key and its answer (a documented synthetic retrieval component, docs/miniature.md); 0: none."),
        .init("base.checkpoint", .text, .string(""),
              "A given model to fine-tune and evaluate instead of pretraining one: a Hugging Face LLaMA directory, a llama `.gguf` file, or a harness model or run checkpoint directory; a relative path is relative to the working directory (as `data/` and `results/` are). Its shape replaces `model.*`, and the pretraining keys (`base.steps`, `base.batch_tokens`, `base.warmup`, `base.schedule`, `base.optimizer.*`, `base.seed`) do not apply; `base.context` defaults to its trained context (`max_position_embeddings`, GGUF `context_length`), the length position interpolation extends from. The SHA-256 of its files is part of the run's hash. Empty: pretrain the base."),
    ]
    + recipe("finetune", context: 1024, steps: 1000, batchTokens: 8192, lr: 2e-5, weightDecay: 0,
             warmup: 20, schedule: "constant",
             contextDoc: "Target context of fine-tuning (256 -> 1024 is the paper's 4096 -> 16384 factor). A multiple of the group size.",
             lrDoc: "Peak learning rate (paper: 2e-5 for 7B and 13B; a miniature model usually wants more).")
    + [
        .init("finetune.position_interpolation", .either([.auto, .real(min: 1, above: nil, max: nil)]), .string("auto"),
              "RoPE positions are divided by this factor; `auto` is ceil(context / base.context), the paper's linear position interpolation. 1 disables it."),
        .init("finetune.rope_scaling", .choice(names(PositionScaling.self)), .string("linear"),
              "How RoPE is stretched by the `position_interpolation` factor: `linear` divides the positions (position interpolation, the paper's method); `ntk` raises the RoPE base instead (NTK-aware scaling, the paper's other training-free baseline)."),
        .init("finetune.attention", .choice(attentionChoices), .string("s2"),
              "Attention used while fine-tuning: a pattern of the attention registry, each defined in the README's \"Attention patterns\" table; `s2` is the paper's shifted sparse attention (boundary variant), `full` ordinary causal attention."),
        .init("finetune.group", .either([.real(min: nil, above: 0, max: 1), .int(min: 2, max: SpecBounds.tokens)]), .double(0.25),
              "Group size G of the sparse patterns: a number in (0, 1] is a fraction of the context (paper: 1/4), an integer a count of tokens. The context must be a multiple of G; shifted patterns need G even. Ignored by `full`."),
        .init("finetune.trainable", .list(.choice(trainableParts), minCount: 1, unique: true), .strings(["lora", "embed", "norm"]),
              "Parts trained: `lora` adapters, the token `embed`ding, every RMS`norm` weight, the output `head`; `all` alone is full fine-tuning. The paper's LoRA+ is [lora, embed, norm]; plain LoRA is [lora]."),
        .init("finetune.lora.rank", SpecBounds.size(SpecBounds.dim), .int(8), "Adapter rank r (paper: 8). At most the width of every adapted projection."),
        .init("finetune.lora.alpha", .real(min: nil, above: 0, max: nil), .double(16), "Adapter scale numerator: the update is (alpha / rank) B A (paper: 16)."),
        .init("finetune.lora.targets", .list(.choice(LoRATarget.attention.map(\.rawValue)), minCount: 1, unique: true), .strings(["q", "k", "v", "o"]),
              "Projections that get adapters (paper: all four attention projections)."),
        .init("finetune.eval_every", SpecBounds.size(SpecBounds.steps, min: 0), .int(0),
              "Steps between measurements of validation perplexity during fine-tuning (at the training context, full attention, the `evaluate` protocol, stride and `max_windows`), from step 0: the curves `eval_step`, `eval_loss`, `eval_perplexity`. 0: none."),
        .init("finetune.checkpoint_every", SpecBounds.size(SpecBounds.steps, min: 0), .int(50),
              "Steps between checkpoints that an interrupted run resumes from; 0 keeps only the final one."),
        .init("finetune.passkey_task.fraction", .real(min: 0, above: nil, max: 1), .double(0),
              "Share of the sequences of every fine-tuning batch that are passkey rows (as `base.passkey_task`, at the fine-tuning context): the fine-tune keeps the base's data mix, as the paper's fine-tuning data (RedPajama) is a replica of Llama's pretraining mix; 0: none."),
        .init("finetune.recompute", .bool, .bool(false),
              "Gradient checkpointing: recompute activations in the backward pass (the paper always does); less memory, about a third more compute."),

        .init("evaluate.datasets", .list(.text, minCount: 1, unique: true), .strings(["test"]),
              "Token streams to measure perplexity on: `split` (of `data.corpus`) or `corpus:split`, split one of train, validation, test."),
        .init("evaluate.lengths", .list(SpecBounds.size(SpecBounds.tokens, min: 2), minCount: 1, unique: true), .ints([256, 512, 1024]),
              "Evaluation lengths L. Lengths past `finetune.context` measure extrapolation."),
        .init("evaluate.protocol", .choice(names(PerplexityProtocol.self)), .string("longlora"),
              "`longlora`: windows of L tokens every `stride` tokens, every prediction scored, window losses averaged. `strided`: windows move by `stride` and only the new tokens are scored (Press et al.). The two give different numbers."),
        .init("evaluate.stride", SpecBounds.size(SpecBounds.tokens), .int(256), "Step between evaluation windows (paper: 256). Below the shortest length for `strided`."),
        .init("evaluate.attention", .list(.choice(["train"] + attentionChoices), minCount: 1, unique: true), .strings(["full"]),
              "Attention at evaluation: `full` (the paper's default: the model keeps its architecture), `train` (the pattern used in fine-tuning), or a pattern name. The paper reports patterns tested both ways."),
        .init("evaluate.max_windows", SpecBounds.size(SpecBounds.count, min: 0), .int(16),
              "At most this many windows per length and dataset, evenly spaced over the stream; 0 scores every window."),
        .init("evaluate.passkey.lengths", .list(SpecBounds.size(SpecBounds.tokens, min: 64), minCount: 0, unique: true), .ints([]),
              "Prompt lengths of the passkey test, in tokens (empty: no passkey test). The paper goes in steps of about 1k past the training length."),
        .init("evaluate.passkey.trials", SpecBounds.size(SpecBounds.count), .int(10), "Random keys and depths per length (paper: 10)."),
        .init("evaluate.induction.length", SpecBounds.size(SpecBounds.tokens, min: 0), .int(0),
              "Tokens of each probe sequence, both copies (even; 0: no probe). A model that copies from its context scores the second copy far below the first; one that does not scores both near ln V."),
        .init("evaluate.induction.trials", SpecBounds.size(SpecBounds.count), .int(16), "Random sequences in the induction probe."),

        .init("analytic.only", .bool, .bool(false),
              "Record the projection alone: no corpus, no training, no evaluation (for tables of real models, e.g. the FLOPs table)."),
        .init("analytic.model", .choice(ModelConfig.presets.map(\.name).filter { $0.hasPrefix("llama2") }), .string("llama2-7b"),
              "Real model the recipe is projected onto."),
        .init("analytic.context", SpecBounds.autoOr(paperLengthFactor * SpecBounds.tokens), .string("auto"),
              "Its context; `auto` is \(paperLengthFactor) x `finetune.context`, the harness's length scale (the paper's \(512 * paperLengthFactor) is our 512)."),
        .init("analytic.device", .choice(DeviceProfile.all.map(\.name)), .string("a100-80gb"),
              "Accelerator of the memory and hours projection (paper: A100 80GB)."),
        .init("analytic.gpus", SpecBounds.size(SpecBounds.count), .int(8), "Data-parallel GPUs, ZeRO stage 2 (paper: 8); the recipe is the paper's 1000 steps x 64 sequences with gradient checkpointing and FlashAttention."),

        .init("paper.source", .text, .string(""), role: .report, "Where the numbers come from, e.g. `Table 1, Llama2 7B, PG19 validation`; shown in the table's title."),
        .init("paper.table", .name, .string("main"), role: .report,
              "The layout table the numbers sit beside (`main`: the default table)."),
        .init("paper.rows", .map(key: .text, value: .map(key: .text, value: .real(min: nil, above: nil, max: nil))), .map([]), role: .report,
              "Setting label (a run id without `seed=`, e.g. `attention=s2`) -> {column of our table (an evaluation length): the paper's value}. The paper's lengths are \(paperLengthFactor)x ours: 1024 stands for \(1024 * paperLengthFactor). Every label must name a setting of the sweep."),

        .init("labels", .map(key: .text, value: .text), .map([]), role: .report,
              "Setting (a run id without `seed=`, e.g. `attention=s2,group=0.125`) or variant (all of its settings, e.g. one per zipped context) -> its label in tables and figure legends, e.g. {attention=s2: \"S2-Attn\"}. A setting's own entry wins over its variant's; two settings share a label only through their variant's. Settings not listed get a label made from the keys that tell them apart (`S2-Attn, G = n/8`, `full attention`, `LoRA+`, `no fine-tuning`); a layout shows labels with `rows: [label]`, as the default layouts do."),
        .init("tolerances", .map(key: .text, value: .real(min: 0, above: nil, max: nil)), .map([]), role: .report,
              "Relative tolerances of `longlora check` by metric: a path (`eval/pg19-mini-test/perplexity`), a glob (`eval/*/loss`) or a last component (`perplexity`), e.g. {perplexity: 0.02}. Metrics not listed use the check's defaults."),
        .init("layout.tables", .anyValue("a list of table layouts (docs/results-schema.md)"), .list([]), role: .report,
              "Tables for `longlora table`, in the result file's layout format. Empty: one table `main` with a row per setting (the swept keys), a column per evaluation length, cells the perplexity on the first dataset with the first evaluation attention."),
        .init("layout.figures", .anyValue("a list of figure layouts (docs/results-schema.md)"), .list([]), role: .report,
              "Figures for `longlora plot`, in the result file's layout format. Empty: perplexity against evaluation length (one line per setting) and the fine-tuning loss curves."),
    ]

    /// The keys shared by both training stages (pretraining and fine-tuning).
    static func recipe(_ stage: String, context: Int, steps: Int, batchTokens: Int, lr: Double, weightDecay: Double,
                       warmup: Int, schedule: String, contextDoc: String, lrDoc: String) -> [KeyDescriptor] {
        [
            .init("\(stage).context", SpecBounds.size(SpecBounds.tokens, min: 8), .int(context), contextDoc),
            .init("\(stage).steps", SpecBounds.size(SpecBounds.steps, min: stage == "finetune" ? 0 : 1), .int(steps),
                  "Optimizer steps\(stage == "finetune" ? " (paper: 1000; 0 evaluates the base model with position interpolation only, the paper's 'no fine-tuning' row)" : "")."),
            .init("\(stage).batch_tokens", SpecBounds.size(SpecBounds.batchTokens), .int(batchTokens),
                  "Tokens per optimizer step: batch_tokens / context packed sequences (documents joined with EOS, no masking)."),
            .init("\(stage).warmup", SpecBounds.size(SpecBounds.steps, min: 0), .int(warmup), "Linear warm-up steps from 0 to the peak learning rate."),
            .init("\(stage).schedule", .choice(schedules), .string(schedule),
                  "Learning rate after warm-up: `constant` (paper), or `cosine` decay to 10% of the peak at the last step.\(stage == "base" ? " A constant-rate base carries on the longest finished base of its recipe with fewer `base.steps`." : "")"),
            .init("\(stage).optimizer.lr", .real(min: nil, above: 0, max: nil), .double(lr), lrDoc),
            .init("\(stage).optimizer.beta1", .real(min: 0, above: nil, max: 0.999999), .double(0.9), "AdamW first-moment decay."),
            .init("\(stage).optimizer.beta2", .real(min: 0, above: nil, max: 0.999999), .double(0.95),
                  "AdamW second-moment decay (paper: 0.95; the official command leaves the library's 0.999)."),
            .init("\(stage).optimizer.eps", .real(min: nil, above: 0, max: nil), .double(1e-8), "AdamW epsilon."),
            .init("\(stage).optimizer.weight_decay", .real(min: 0, above: nil, max: nil), .double(weightDecay),
                  "Decoupled weight decay\(stage == "finetune" ? " (paper: 0)" : "")."),
            .init("\(stage).optimizer.clip", .real(min: 0, above: nil, max: nil), .double(1.0),
                  "Global gradient-norm clipping threshold (paper: 1.0); 0 disables it."),
        ]
    }

    public static func key(_ path: String) -> KeyDescriptor? { keyIndex[path] }
    public static func isSection(_ path: String) -> Bool { sectionPaths.contains(path) }

    static let keyIndex: [String: KeyDescriptor] = Dictionary(uniqueKeysWithValues: keys.map { ($0.path, $0) })
    static let sectionPaths: Set<String> = Set(sections.map(\.path))

    /// The names allowed directly under `prefix` ("" for the root), for suggestions.
    static func children(of prefix: String) -> [String] {
        let all = keys.map(\.path) + sections.map(\.path) + (prefix.isEmpty ? sweepSections : [])
        var names: [String] = []
        for path in all {
            let rest: Substring
            if prefix.isEmpty { rest = Substring(path) } else {
                guard path.hasPrefix(prefix + ".") else { continue }
                rest = path.dropFirst(prefix.count + 1)
            }
            let name = String(rest.prefix { $0 != "." })
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// Root sections with a structure of their own (see `SpecReference`).
    public static let sweepSections = ["grid", "zip", "variants"]
}
