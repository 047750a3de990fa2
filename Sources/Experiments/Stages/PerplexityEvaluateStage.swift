import Data
import Evaluation
import Foundation
import Model
import Support

/// Measures a fine-tuned model with the Evaluation module: perplexity on each dataset of
/// the plan, at each length, with each evaluation attention, under the plan's protocol;
/// then passkey retrieval if the plan has passkey lengths, and the induction probe if asked. The model keeps the
/// fine-tuning's position interpolation (the paper evaluates with the training RoPE factor).
public struct PerplexityEvaluateStage: EvaluateStage {
    public var dataDirectory: URL
    public var threads: Int

    public init(dataDirectory: URL, threads: Int = 1) {
        self.dataDirectory = dataDirectory
        self.threads = threads
    }

    public func evaluate(_ config: RunConfig, model directory: URL, progress: ProgressSink) throws -> [EvaluationTable] {
        let plan = config.evaluate
        let llama = try LlamaModel.load(from: directory, trainable: [], rope: LlamaFinetuneStage.rope(config))
        let model = LlamaLanguageModel(llama, execution: Execution(threads: threads))
        var tables: [EvaluationTable] = []
        // Under `data.tokenizer: model` the checkpoint's tokenizer makes every prompt.
        let modelTokenizer = try config.data.modelTokenizer()
        var passkeyTokenizer: (any Tokenizer)? = modelTokenizer
        var probePool: [Int32]?
        for dataset in plan.datasets {
            let source = "\(config.data.folder(dataset.corpus)):\(dataset.split.rawValue)"
            let stream = try DataSource.parse(source, dataDirectory: dataDirectory).load(tokenizer: modelTokenizer)
            passkeyTokenizer = passkeyTokenizer ?? stream.tokenizer
            let ids = stream.tokens.tokens(0..<stream.tokens.count)
            probePool = probePool ?? Array(ids.prefix(InductionProbe.poolLimit))
            let tokenBytes = stream.tokenizer.map { TokenBytes($0) }
            var rows: [PerplexityResult] = []
            for length in plan.lengths {
                for pattern in plan.attention {
                    let evaluator = plan.evaluator(attention: AttentionChoice(pattern: pattern, groupSize: config.finetune.group))
                    rows.append(try evaluator.evaluate(model, stream: ids, length: length, data: stream.name,
                                                       tokenBytes: tokenBytes, progress: progress))
                }
            }
            var numbers: [(String, [Double])] = [
                ("length", rows.map { Double($0.length) }),
                ("perplexity", rows.map(\.perplexity)),
                ("loss", rows.map(\.loss)),
                ("tokens", rows.map { Double($0.tokens) }),
                ("windows", rows.map { Double($0.windows) }),
            ]
            let bits = rows.compactMap(\.bitsPerByte)
            if bits.count == rows.count { numbers.append(("bits_per_byte", bits)) }
            // Names as the attention was asked for (`s2`), not with its group size.
            var texts = [("protocol", rows.map(\.evaluationProtocol.rawValue)), ("attention", rows.map(\.attention.pattern.rawValue)),
                         // `train` when tested with the fine-tuning pattern: the paper's "tested with
                         // the training pattern" column, whatever that pattern is.
                         ("tested_with", rows.map { $0.attention.pattern == config.finetune.attention ? "train" : $0.attention.pattern.rawValue })]
            // A perplexity at or above the vocabulary size is no better than a uniform guess: a
            // diverged (or untrained) model. Its numbers are kept, marked beside them.
            let warnings = rows.map { DivergenceWarning.text(perplexity: $0.perplexity, vocabSize: llama.config.vocabSize) }
            if warnings.contains(where: { !$0.isEmpty }) {
                texts.append(("warning", warnings))
                for (row, warning) in zip(rows, warnings) where !warning.isEmpty {
                    progress(.message("warning: \(stream.name) at length \(row.length) (attention \(row.attention.pattern.rawValue)): \(warning)"))
                }
            }
            tables.append(EvaluationTable(dataset: "\(dataset.corpus)-\(dataset.split.rawValue)", numbers: numbers, texts: texts))
        }
        if !plan.passkeyLengths.isEmpty {
            let folder = dataDirectory.appendingPathComponent(config.data.folder(config.data.corpus))
            let tokenizer = try passkeyTokenizer ?? CorpusManifest.read(from: folder).loadTokenizer(directory: folder)
            let results = try PasskeyRetrieval(lengths: plan.passkeyLengths, trials: plan.passkeyTrials,
                                               seed: UInt64(truncatingIfNeeded: config.seed))
                .run(model, tokenizer: tokenizer, progress: progress)
            tables.append(EvaluationTable(dataset: "passkey", numbers: [
                ("length", results.map { Double($0.length) }),
                ("accuracy", results.map(\.accuracy)),
                ("trials", results.map { Double($0.trials.count) }),
                ("prompt_tokens", results.map(\.meanPromptTokens)),
            ]))
        }
        if plan.inductionLength > 0 {
            let probe = try InductionProbe(length: plan.inductionLength / 2, trials: plan.inductionTrials,
                                           seed: UInt64(truncatingIfNeeded: config.seed))
            // Ids of the first evaluation text (the model's own tokenizer), else the vocabulary.
            let result = try probe.run(model, pool: probePool, progress: progress)
            tables.append(EvaluationTable(dataset: "induction", numbers: [
                ("length", [Double(plan.inductionLength)]),
                ("first_copy_loss", [result.firstCopyLoss]),
                ("second_copy_loss", [result.secondCopyLoss]),
                ("copy_gain", [result.copyGain]),
                ("trials", [Double(plan.inductionTrials)]),
            ]))
        }
        return tables
    }
}
