import Foundation
import Model
import Support

/// Measures a fine-tuned model's perplexity on each dataset of the plan, at each length,
/// with each evaluation attention, under the plan's protocol (`WindowPerplexity`).
/// The model runs with the fine-tuning's position interpolation.
public struct PerplexityEvaluateStage: EvaluateStage {
    public var dataDirectory: URL
    public var threads: Int

    public init(dataDirectory: URL, threads: Int = 1) {
        self.dataDirectory = dataDirectory
        self.threads = threads
    }

    public func evaluate(_ config: RunConfig, model directory: URL, progress: ProgressSink) throws -> [EvaluationTable] {
        let plan = config.evaluate
        let model = try LlamaModel.load(from: directory, trainable: [], rope: LlamaFinetuneStage.rope(config),
                                        attention: PatternAttention.full, threads: threads)
        var tables: [EvaluationTable] = []
        for dataset in plan.datasets {
            let shard = try CorpusSplit.load(dataset.corpus, split: dataset.split, dataDirectory: dataDirectory)
            let stream = shard.tokens(0..<shard.count)
            var rows: [(length: Int, attention: String, measure: WindowPerplexity.Measure)] = []
            for length in plan.lengths {
                let all = WindowPerplexity.windows(protocolName: plan.protocolName, count: stream.count, length: length, stride: plan.stride)
                guard !all.isEmpty else {
                    throw UserError("evaluate.lengths: \(dataset) has \(stream.count) tokens, too few for one \(plan.protocolName) window of \(length) with stride \(plan.stride)")
                }
                let chosen = WindowPerplexity.subset(count: all.count, maxWindows: plan.maxWindows).map { all[$0] }
                for name in plan.attention {
                    model.attention = try PatternAttention(name, groupSize: config.finetune.group)
                    let task = "eval \(dataset) @\(length) \(name)"
                    progress(.begin(task: task, total: chosen.count))
                    let start = Date()
                    let measure = try WindowPerplexity.measure(model, stream: stream, windows: chosen, protocolName: plan.protocolName) {
                        progress(.advance(task: task, completed: $0, total: chosen.count, metrics: []))
                    }
                    progress(.end(task: task, seconds: Date().timeIntervalSince(start)))
                    rows.append((length, name, measure))
                }
            }
            var numbers: [(String, [Double])] = [
                ("length", rows.map { Double($0.length) }),
                ("perplexity", rows.map { exp($0.measure.loss) }),
                ("loss", rows.map(\.measure.loss)),
                ("tokens", rows.map { Double($0.measure.tokens) }),
                ("windows", rows.map { Double($0.measure.windows) }),
            ]
            // Byte tokens are bytes: bits per byte is the loss in bits over the byte targets.
            if config.data.tokenizer == "byte" {
                numbers.append(("bits_per_byte", rows.map {
                    $0.measure.loss / log(2) * Double($0.measure.tokens) / Double(max(1, $0.measure.byteTargets))
                }))
            }
            tables.append(EvaluationTable(
                dataset: "\(dataset.corpus)-\(dataset.split)", numbers: numbers,
                texts: [("protocol", rows.map { _ in plan.protocolName }), ("attention", rows.map(\.attention))]))
        }
        return tables
    }
}
