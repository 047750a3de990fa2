import Evaluation
import Foundation
import Model
import Support

/// Perplexity on the validation split measured during fine-tuning, every `finetune.eval_every`
/// steps and at step 0 (position interpolation only): the paper's curve of perplexity
/// against fine-tuning steps. Windows of the training context, full attention (the
/// paper's evaluation), the spec's protocol, stride and `max_windows`.
///
/// The points are kept in `eval-curve.json` beside the run's checkpoints, so a resumed
/// run keeps the points measured before it was interrupted.
struct ValidationCurve {
    struct Point: Codable, Equatable {
        var step: Int
        var loss: Double
        var perplexity: Double
    }

    /// The evaluate keys the curve reads besides the fine-tune's own (part of the fine-tune hash).
    static let evaluationKeys = ["evaluate.protocol", "evaluate.stride", "evaluate.max_windows"]

    let stream: [Int32]
    let evaluator: PerplexityEvaluator
    let length: Int
    let file: URL
    private(set) var points: [Point]

    init(config: RunConfig, dataDirectory: URL, checkpoints: URL, resumedAt step: Int) throws {
        let shard = try CorpusSplit.load(config.data.folder(config.data.corpus), split: .validation, dataDirectory: dataDirectory)
        stream = shard.tokens(0..<shard.count)
        length = config.finetune.context
        evaluator = config.evaluate.evaluator(attention: .full)
        file = checkpoints.appendingPathComponent("eval-curve.json")
        let saved = (try? Data(contentsOf: file)).flatMap { try? JSONDecoder().decode([Point].self, from: $0) } ?? []
        points = saved.filter { $0.step <= step }
    }

    /// Whether `step` is a point of the curve and not yet measured.
    func wants(step: Int, every: Int) -> Bool {
        every > 0 && step % every == 0 && !points.contains { $0.step == step }
    }

    /// Measures `model` and saves the curve.
    mutating func measure(_ model: LlamaModel, step: Int, corpus: String, execution: Execution,
                          progress: ProgressSink) throws {
        let result = try evaluator.evaluate(LlamaLanguageModel(model, execution: execution), stream: stream, length: length,
                                            data: "\(corpus):validation", progress: progress)
        points.append(Point(step: step, loss: result.loss, perplexity: result.perplexity))
        points.sort { $0.step < $1.step }
        try AtomicFile.write(JSONEncoder().encode(points), to: file)
    }

    /// `curves/eval_step`, `curves/eval_loss`, `curves/eval_perplexity`.
    var curves: [String: [Double]] {
        ["eval_step": points.map { Double($0.step) }, "eval_loss": points.map(\.loss),
         "eval_perplexity": points.map(\.perplexity)]
    }
}
