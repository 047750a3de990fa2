import Model

/// One fully resolved run: what the stages of the runner receive.
///
/// Built from the flat, resolved spec values (`RunResolution`), never written back:
/// the canonical JSON and the content hash come from those values, not from this struct.
public struct RunConfig: Hashable, Sendable {
    public var data: DataRecipe
    public var model: ModelConfig
    public var base: TrainingRecipe
    public var finetune: FinetuneRecipe
    public var evaluate: EvaluationPlan
    public var analytic: AnalyticPlan
    /// Seed of fine-tuning and evaluation (the base model uses `base.seed`).
    public var seed: Int
}

public struct DataRecipe: Hashable, Sendable {
    public var corpus: String
    /// `byte` or `bpe`.
    public var tokenizer: String
    public var vocabSize: Int
}

public struct OptimizerSettings: Hashable, Sendable {
    public var lr: Double
    public var beta1: Double
    public var beta2: Double
    public var eps: Double
    public var weightDecay: Double
    /// Global gradient-norm threshold; 0 disables clipping.
    public var clip: Double
}

public struct TrainingRecipe: Hashable, Sendable {
    public var context: Int
    public var steps: Int
    public var batchTokens: Int
    public var warmup: Int
    /// `constant`, `cosine` or `linear` after warm-up.
    public var schedule: String
    public var optimizer: OptimizerSettings
    /// Only meaningful for pretraining (`base.seed`); fine-tuning uses the run's seed.
    public var seed: Int

    /// Packed sequences per optimizer step.
    public var sequencesPerStep: Int { batchTokens / context }
}

public struct LoRASettings: Hashable, Sendable {
    public var rank: Int
    public var alpha: Double
    /// Subset of q, k, v, o.
    public var targets: [String]
    public var scale: Double { alpha / Double(rank) }
}

public struct FinetuneRecipe: Hashable, Sendable {
    public var training: TrainingRecipe
    public var positionInterpolation: Double
    /// `linear` (position interpolation) or `ntk` (NTK-aware base scaling).
    public var ropeScaling: String
    public var attention: String
    public var group: GroupSize
    /// Subset of lora, embed, norm, head; or just `all` (full fine-tuning).
    public var trainable: [String]
    public var lora: LoRASettings
    public var evalEvery: Int
    public var checkpointEvery: Int
    public var recompute: Bool

    public var context: Int { training.context }
    public var isFullFinetune: Bool { trainable == ["all"] }
}

/// `corpus:split`.
public struct DatasetRef: Hashable, Sendable, CustomStringConvertible {
    public var corpus: String
    public var split: String
    public var description: String { "\(corpus):\(split)" }
}

public struct EvaluationPlan: Hashable, Sendable {
    public var datasets: [DatasetRef]
    public var lengths: [Int]
    /// `longlora` or `strided`.
    public var protocolName: String
    public var stride: Int
    /// Pattern names (`train` already replaced by the fine-tuning pattern).
    public var attention: [String]
    /// 0: every window.
    public var maxWindows: Int
    public var passkeyLengths: [Int]
    public var passkeyTrials: Int
}

/// The projection of the run's recipe onto a real model (`analytic.*`).
public struct AnalyticPlan: Hashable, Sendable {
    /// Only the projection: no corpus, training or evaluation.
    public var only: Bool
    /// A `llama2-*` preset name.
    public var model: String
    public var context: Int
    public var device: String
    public var gpus: Int
}

extension RunConfig {
    /// Reads a resolved flat value set (every run key present, no `auto` left).
    init(resolved v: ResolvedValues) {
        func training(_ stage: String, seed: Int) -> TrainingRecipe {
            TrainingRecipe(
                context: v.int("\(stage).context"), steps: v.int("\(stage).steps"),
                batchTokens: v.int("\(stage).batch_tokens"), warmup: v.int("\(stage).warmup"),
                schedule: v.string("\(stage).schedule"),
                optimizer: OptimizerSettings(
                    lr: v.double("\(stage).optimizer.lr"), beta1: v.double("\(stage).optimizer.beta1"),
                    beta2: v.double("\(stage).optimizer.beta2"), eps: v.double("\(stage).optimizer.eps"),
                    weightDecay: v.double("\(stage).optimizer.weight_decay"), clip: v.double("\(stage).optimizer.clip")),
                seed: seed)
        }
        let seed = v.int("seed")
        data = DataRecipe(corpus: v.string("data.corpus"), tokenizer: v.string("data.tokenizer"), vocabSize: v.int("data.vocab"))
        base = training("base", seed: v.int("base.seed"))
        model = ModelConfig(
            name: v.string("model.preset"), vocabSize: data.vocabSize, dim: v.int("model.dim"),
            nLayers: v.int("model.layers"), nHeads: v.int("model.heads"), nKVHeads: v.int("model.kv_heads"),
            ffnDim: v.int("model.ffn"), maxContext: base.context, ropeBase: v.double("model.rope_base"))
        let group: GroupSize = switch v["finetune.group"] {
        case .int(let g): .tokens(g)
        default: .ratio(v.double("finetune.group"))
        }
        finetune = FinetuneRecipe(
            training: training("finetune", seed: seed),
            positionInterpolation: v.double("finetune.position_interpolation"),
            ropeScaling: v.string("finetune.rope_scaling"),
            attention: v.string("finetune.attention"), group: group,
            trainable: v.strings("finetune.trainable"),
            lora: LoRASettings(rank: v.int("finetune.lora.rank"), alpha: v.double("finetune.lora.alpha"),
                               targets: v.strings("finetune.lora.targets")),
            evalEvery: v.int("finetune.eval_every"), checkpointEvery: v.int("finetune.checkpoint_every"),
            recompute: v.bool("finetune.recompute"))
        evaluate = EvaluationPlan(
            datasets: v.strings("evaluate.datasets").map { entry in
                let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
                return DatasetRef(corpus: parts[0], split: parts[1])
            },
            lengths: v.ints("evaluate.lengths"), protocolName: v.string("evaluate.protocol"),
            stride: v.int("evaluate.stride"), attention: v.strings("evaluate.attention"),
            maxWindows: v.int("evaluate.max_windows"),
            passkeyLengths: v.ints("evaluate.passkey.lengths"), passkeyTrials: v.int("evaluate.passkey.trials"))
        analytic = AnalyticPlan(only: v.bool("analytic.only"), model: v.string("analytic.model"),
                                context: v.int("analytic.context"), device: v.string("analytic.device"),
                                gpus: v.int("analytic.gpus"))
        self.seed = seed
    }
}
