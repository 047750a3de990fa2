import Foundation
import Results
import Support

// The runner's stages, one protocol each, so the runner's logic (hashing, skipping,
// caching, resuming, recording failures) is independent of how each stage is done.

/// Builds a corpus's token shards if its manifest is missing.
public protocol DataStage {
    /// Makes `data/<corpus>/manifest.json` exist for this tokenizer; returns the manifest's URL.
    func prepare(corpus: String, recipe: DataRecipe, progress: ProgressSink) throws -> URL
}

/// Pretrains a base model at the short context.
public protocol PretrainStage {
    /// Writes the pretrained model into the empty directory `directory`. The runner moves
    /// it into the cache only if this returns, so a killed pretraining leaves no cache entry;
    /// `checkpoints` (kept across invocations, one per base hash) holds resumable steps so
    /// that a long pretraining, killed, resumes instead of starting over.
    func pretrain(_ config: RunConfig, into directory: URL, checkpoints: URL, progress: ProgressSink) throws
}

/// Extends the base model's context.
public protocol FinetuneStage {
    /// Fine-tunes the model in `base`, checkpointing under `checkpoints` (one directory per
    /// fine-tuning hash, kept across invocations) and resuming from the latest checkpoint
    /// found there. Returns the final model's directory and the training curves.
    func finetune(_ config: RunConfig, base: URL, checkpoints: URL, progress: ProgressSink) throws -> FinetuneOutcome
}

/// Measures the fine-tuned model.
public protocol EvaluateStage {
    func evaluate(_ config: RunConfig, model: URL, progress: ProgressSink) throws -> [EvaluationTable]
}

extension RunRecorder {
    public func setCurrent(_ version: CodeVersion) throws {}
}

/// Where runs are recorded (the experiment's result file), as the result file's own
/// `RunRecord`: the runner fills in what it computed, the recorder what ran it.
public protocol RunRecorder: AnyObject {
    /// Whether a run with this content hash is already complete (then it is skipped).
    func isComplete(hash: String) -> Bool
    /// Makes `version` the current code and data: recorded runs of others become stale.
    func setCurrent(_ version: CodeVersion) throws
    /// Records a run as started, so a crash leaves a visible `running` entry.
    func markRunning(_ record: RunRecord) throws
    /// Records a finished run, complete or failed.
    func record(_ record: RunRecord) throws
}

public struct FinetuneOutcome: Sendable {
    /// The directory of the final fine-tuned model.
    public var model: URL
    /// Per-step curves by name: `step`, `loss`, `lr`, `grad_norm`, `tokens_per_s`.
    public var curves: [String: [Double]]
    /// Scalars about training (e.g. `resumed_from_step`), recorded with the run's resources.
    public var metrics: [String: Double]
    /// Further metric groups of the run, e.g. `resources` (measured) and `analytic` (FLOPs).
    public var groups: [String: [String: Double]]

    public init(model: URL, curves: [String: [Double]] = [:], metrics: [String: Double] = [:],
                groups: [String: [String: Double]] = [:]) {
        self.model = model
        self.curves = curves
        self.metrics = metrics
        self.groups = groups
    }
}

/// One evaluation table: a dataset and columns of equal length
/// (`length`, `perplexity`, `loss`, `tokens`, `windows` numeric; `protocol`, `attention` text).
public struct EvaluationTable: Equatable, Sendable {
    public var dataset: String
    public var numbers: [(String, [Double])]
    public var texts: [(String, [String])]

    public init(dataset: String, numbers: [(String, [Double])], texts: [(String, [String])] = []) {
        self.dataset = dataset
        self.numbers = numbers
        self.texts = texts
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.dataset == b.dataset && a.numbers.map(\.0) == b.numbers.map(\.0) && a.numbers.map(\.1) == b.numbers.map(\.1)
            && a.texts.map(\.0) == b.texts.map(\.0) && a.texts.map(\.1) == b.texts.map(\.1)
    }
}

extension EvaluationTable {
    /// The result file's form: columns whose values are all whole numbers and named as
    /// counts (length, tokens, windows, trials) are stored as int64.
    var resultTable: Table {
        var out = Table()
        for (name, values) in numbers {
            let counts: Set<String> = ["length", "tokens", "windows", "trials"]
            if counts.contains(name), values.allSatisfy({ $0 == $0.rounded() && abs($0) < 9e15 }) {
                out.append(name, .int(values.map { Int64($0) }))
            } else {
                out.append(name, .double(values))
            }
        }
        for (name, values) in texts { out.append(name, .string(values)) }
        return out
    }
}
