import Data
import Evaluation
import Metrics
import Model
import Training

/// One fully resolved run, typed: what the runner, the trainer, the evaluator, the analytic
/// metrics and the result file all read. Every choice is the enum or registry value of the
/// module that acts on it (`AttentionKind`, `PerplexityProtocol`, `LearningRateSchedule`,
/// `TrainableParts`, `LoRAConfig`, ...), resolved once when the spec is expanded; the spec
/// schema's allowed values come from the same enums.
///
/// Built from the flat, resolved spec values (`RunResolution`), never written back: the
/// canonical JSON, the content hash and the result file's `config` come from those values.
public struct RunConfig: Hashable, Sendable {
    public var data: DataRecipe
    /// The model's shape: the spec's `model.*`, or that of `baseCheckpoint`.
    public var model: ModelConfig
    /// Pretraining of the base model (`base.*`; its seed is `base.seed`). The thread count
    /// is an execution setting that the stage sets, not part of the recipe. With a
    /// `baseCheckpoint` only its `length` (`base.context`) is read.
    public var base: TrainingConfig
    /// The copying warm-up of pretraining (`base.copy_task.*`; none by default).
    public var copyTask: CopyTask
    /// Passkey-format retrieval rows of pretraining (`base.passkey_task.*`; none by default).
    public var passkeyTask: PasskeyTask
    /// The given model fine-tuned instead of a pretrained one (`base.checkpoint`).
    public var baseCheckpoint: BaseCheckpoint?
    public var finetune: FinetuneRecipe
    public var evaluate: EvaluationPlan
    public var analytic: AnalyticPlan
    /// Seed of fine-tuning and evaluation (the base model uses `base.seed`).
    public var seed: Int
}

public struct DataRecipe: Hashable, Sendable {
    public var corpus: String
    public var tokenizer: TokenizerKind
    public var vocabSize: Int
    /// The checkpoint whose tokenizer `.model` uses (`base.checkpoint`).
    public var checkpoint: BaseCheckpoint?

    /// The folder under `data/` holding `corpus` tokenized as this recipe says (`CorpusFolder`).
    public func folder(_ corpus: String) -> String {
        CorpusFolder.name(corpus: corpus, modelTokenizer: tokenizer == .model ? checkpoint?.tokenizerID : nil)
    }

    /// The tokenizer of `.model`, read from the checkpoint; nil for the harness's own.
    public func modelTokenizer() throws -> HFTokenizer? {
        guard tokenizer == .model, let checkpoint else { return nil }
        return try checkpoint.loadTokenizer()
    }
}

public struct FinetuneRecipe: Hashable, Sendable {
    /// Steps 0: no fine-tuning (the paper's position-interpolation-only row); then this
    /// config is not trainable and is never handed to a trainer. Its seed is the run's.
    public var training: TrainingConfig
    public var positionInterpolation: Double
    public var ropeScaling: PositionScaling
    public var attention: AttentionKind
    public var group: GroupSize
    public var trainable: TrainableParts
    public var lora: LoRAConfig
    public var evalEvery: Int
    public var checkpointEvery: Int
    /// Passkey rows among the fine-tuning rows (`finetune.passkey_task.*`; none by default).
    public var passkeyTask: PasskeyTask

    public var context: Int { training.length }
    public var isFullFinetune: Bool { trainable == .all }
    /// Gradient checkpointing (`finetune.recompute`): the spec's choice, handed to the
    /// trainer as part of its `Execution`.
    public var recompute: Bool
    /// The training attention, resolved (and its group size checked) at the training length.
    public func trainingAttention() throws -> PatternAttention {
        try PatternAttention(attention, groupSize: group, length: context)
    }
}

/// `corpus:split`.
public struct DatasetRef: Hashable, Sendable, CustomStringConvertible {
    public var corpus: String
    public var split: Split
    public var description: String { "\(corpus):\(split.rawValue)" }
}

public struct EvaluationPlan: Hashable, Sendable {
    public var datasets: [DatasetRef]
    public var lengths: [Int]
    public var evaluationProtocol: PerplexityProtocol
    public var stride: Int
    /// Patterns (`train` already replaced by the fine-tuning pattern).
    public var attention: [AttentionKind]
    /// 0: every window.
    public var maxWindows: Int
    public var passkeyLengths: [Int]
    public var passkeyTrials: Int
    /// Tokens per induction-probe sequence (two copies); 0: no probe.
    public var inductionLength: Int
    public var inductionTrials: Int

    /// A perplexity evaluator with the plan's protocol, stride and `max_windows`.
    public func evaluator(attention: AttentionChoice) -> PerplexityEvaluator {
        PerplexityEvaluator(protocol: evaluationProtocol, stride: stride, attention: attention,
                            maxWindows: maxWindows > 0 ? maxWindows : nil)
    }
}

/// The projection of the run's recipe onto a real model (`analytic.*`).
public struct AnalyticPlan: Hashable, Sendable {
    /// Only the projection: no corpus, training or evaluation.
    public var only: Bool
    /// A `llama2-*` preset.
    public var model: ModelConfig
    public var context: Int
    public var device: DeviceProfile
    public var gpus: Int
}

extension RunConfig {
    /// Reads a resolved flat value set (every run key present, no `auto` left). Every
    /// choice key's kind admits only the raw values of its enum (or the names of its preset
    /// list), so the look-ups cannot fail.
    init(resolved v: ResolvedValues) {
        func training(_ stage: String, seed: Int) -> TrainingConfig {
            let context = v.int("\(stage).context"), steps = v.int("\(stage).steps")
            var t = TrainingConfig(steps: steps, batchSize: v.int("\(stage).batch_tokens") / context, length: context)
            t.learningRate = v.double("\(stage).optimizer.lr")
            t.schedule = LearningRateSchedule(LearningRateSchedule.Kind(rawValue: v.string("\(stage).schedule"))!,
                                              warmup: v.int("\(stage).warmup"), totalSteps: steps)
            t.adamW = AdamWConfig(beta1: v.double("\(stage).optimizer.beta1"), beta2: v.double("\(stage).optimizer.beta2"),
                                  eps: v.double("\(stage).optimizer.eps"), weightDecay: v.double("\(stage).optimizer.weight_decay"))
            t.clipNorm = v.double("\(stage).optimizer.clip")
            t.seed = UInt64(truncatingIfNeeded: seed)
            return t
        }
        let seed = v.int("seed")
        data = DataRecipe(corpus: v.string("data.corpus"), tokenizer: TokenizerKind(rawValue: v.string("data.tokenizer"))!,
                          vocabSize: v.int("data.vocab"), checkpoint: v.checkpoint)
        base = training("base", seed: v.int("base.seed"))
        copyTask = CopyTask(steps: v.int("base.copy_task.steps"), fraction: v.double("base.copy_task.fraction"))
        passkeyTask = PasskeyTask(fraction: v.double("base.passkey_task.fraction"))
        baseCheckpoint = v.checkpoint
        if let given = v.checkpoint?.config {
            model = given
            model.maxContext = base.length
        } else {
            model = ModelConfig(
                name: v.string("model.preset"), vocabSize: data.vocabSize, dim: v.int("model.dim"),
                nLayers: v.int("model.layers"), nHeads: v.int("model.heads"), nKVHeads: v.int("model.kv_heads"),
                ffnDim: v.int("model.ffn"), maxContext: base.length, ropeBase: v.double("model.rope_base"),
                tieWordEmbeddings: v.bool("model.tie_embeddings"))
        }
        let group: GroupSize = switch v["finetune.group"] {
        case .int(let g): .tokens(g)
        default: .ratio(v.double("finetune.group"))
        }
        finetune = FinetuneRecipe(
            training: training("finetune", seed: seed),
            positionInterpolation: v.double("finetune.position_interpolation"),
            ropeScaling: PositionScaling(rawValue: v.string("finetune.rope_scaling"))!,
            attention: AttentionKind(rawValue: v.string("finetune.attention"))!, group: group,
            trainable: try! TrainableParts(parsing: v.strings("finetune.trainable").joined(separator: ",")),
            lora: LoRAConfig(rank: v.int("finetune.lora.rank"), alpha: v.double("finetune.lora.alpha"),
                             targets: v.strings("finetune.lora.targets").map { LoRATarget(rawValue: $0)! }),
            evalEvery: v.int("finetune.eval_every"), checkpointEvery: v.int("finetune.checkpoint_every"),
            passkeyTask: PasskeyTask(fraction: v.double("finetune.passkey_task.fraction")),
            recompute: v.bool("finetune.recompute"))
        evaluate = EvaluationPlan(
            datasets: v.strings("evaluate.datasets").map { entry in
                let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
                return DatasetRef(corpus: parts[0], split: Split(rawValue: parts[1])!)
            },
            lengths: v.ints("evaluate.lengths"),
            evaluationProtocol: PerplexityProtocol(rawValue: v.string("evaluate.protocol"))!,
            stride: v.int("evaluate.stride"), attention: v.strings("evaluate.attention").map { AttentionKind(rawValue: $0)! },
            maxWindows: v.int("evaluate.max_windows"),
            passkeyLengths: v.ints("evaluate.passkey.lengths"), passkeyTrials: v.int("evaluate.passkey.trials"),
            inductionLength: v.int("evaluate.induction.length"), inductionTrials: v.int("evaluate.induction.trials"))
        analytic = AnalyticPlan(only: v.bool("analytic.only"), model: try! ModelConfig.preset(v.string("analytic.model")),
                                context: v.int("analytic.context"), device: try! DeviceProfile.named(v.string("analytic.device")),
                                gpus: v.int("analytic.gpus"))
        self.seed = seed
    }
}
