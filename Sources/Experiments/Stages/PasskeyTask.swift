import Data
import Foundation
import Evaluation
import Kernels
import Support

/// Passkey-format retrieval rows for pretraining (`base.passkey_task`, docs/miniature.md):
/// the paper's passkey prompt (`PasskeyPrompt`) with the corpus's own text as filler in
/// place of the test's repeated sentences, a random key at a random depth, and the
/// answer after the question:
///
///     [BOS] <task description>
///     <corpus text> The pass key is K. Remember it. K is the pass key.
///     <corpus text>
///     What is the pass key? The pass key is K <corpus text continues>
///
/// Why: the miniature's bases copy in context (the copy task's induction head), but after
/// "The pass key is" they follow the text's prior (" the", " a") and never the key; the
/// paper's 7B base had learnt where retrieval applies from far more text than a miniature
/// sees. A small share of such rows teaches the base the task within its own context, so
/// the paper's question (does fine-tuning carry retrieval to 4x?) can be asked. The test's
/// filler sentences never appear in these rows, and keys are drawn afresh for each row.
public struct PasskeyTask: Hashable, Sendable {
    /// Share of each pretraining batch's sequences that are passkey rows (after the copy
    /// task's warm-up, beside its own share).
    public var fraction: Double

    public static let none = PasskeyTask(fraction: 0)

    public init(fraction: Double) {
        self.fraction = fraction
    }

    /// Passkey rows of a micro-batch of `batchSize` sequences.
    public func rows(batchSize: Int) -> Int {
        Int((fraction * Double(batchSize)).rounded())
    }
}

/// The rows themselves, a function of (seed, step, micro-batch, row) and the corpus row
/// they wrap, so a resumed base sees what an uninterrupted one would.
public struct PasskeyTaskRows: Sendable {
    public let seed: UInt64
    let tokenizer: any Tokenizer
    /// [BOS] + "<task description>\n", and "\nWhat is the pass key? The pass key is".
    let head: [Int32]
    let question: [Int32]

    public init(seed: UInt64, tokenizer: any Tokenizer) {
        self.seed = seed
        self.tokenizer = tokenizer
        head = [tokenizer.bos] + tokenizer.encode((PasskeyPrompt.taskDescription + "\n").utf8)
        question = tokenizer.encode(("\n" + PasskeyPrompt.question).utf8)
    }

    /// The rows of `task` for a stage (`key`: `base` or `finetune`) training at `length`,
    /// under the corpus's tokenizer; nil if the task is off.
    static func load(_ task: PasskeyTask, config: RunConfig, seed: UInt64, length: Int, key: String,
                     dataDirectory: URL) throws -> PasskeyTaskRows? {
        guard task.fraction > 0 else { return nil }
        let folder = dataDirectory.appendingPathComponent(config.data.folder(config.data.corpus))
        let rows = PasskeyTaskRows(seed: seed, tokenizer: try CorpusManifest.read(from: folder).loadTokenizer(directory: folder))
        guard rows.templateTokens <= length else {
            throw UserError("\(key).passkey_task: a passkey row takes up to \(rows.templateTokens) tokens without filler, "
                            + "more than \(key).context \(length)", hint: "use a longer \(key).context, or \(key).passkey_task.fraction: 0")
        }
        return rows
    }

    /// The key line between fillers: "\nThe pass key is K. Remember it. K is the pass key.\n".
    func information(key: Int) -> [Int32] {
        tokenizer.encode(("\n" + PasskeyPrompt.informationLine(key: key) + "\n").utf8)
    }

    /// The most tokens a row's template takes (the longest key), so that filler fits.
    /// (Keys of every digit count, shortest and longest, as `PasskeyPrompt.minimumTokens`.)
    public var templateTokens: Int {
        [1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 49999].map { key in
            head.count + information(key: key).count + question.count + tokenizer.encode(PasskeyPrompt.answerText(key: key).utf8).count
        }.max()!
    }

    /// Rewrites the `count` tokens at `row` (a corpus row) into a passkey row whose filler is
    /// that row's own text, in order. Rows shorter than the template keep their corpus text.
    public func write(step: Int, microBatch: Int, row: Int, count: Int, into out: UnsafeMutablePointer<Int32>) {
        var rng = SplitMix64(seed: seed).fork("passkey/\(step)/\(microBatch)/\(row)")
        let key = PasskeyPrompt.keyRange.lowerBound + Int(rng.next() % UInt64(PasskeyPrompt.keyRange.count))
        let information = information(key: key)
        let answer = tokenizer.encode(PasskeyPrompt.answerText(key: key).utf8)
        let template = head.count + information.count + question.count + answer.count
        guard template <= count else { return }
        let text = Array(UnsafeBufferPointer(start: out, count: count - template))
        // Filler before the question: uniform in 0...all, split at a uniform depth.
        let filler = Int(rng.next() % UInt64(text.count + 1))
        let prefix = min(filler, Int(rng.nextUniform() * Double(filler + 1)))
        let tokens = head + text[0..<prefix] + information + text[prefix..<filler] + question + answer + text[filler...]
        for (i, token) in tokens.enumerated() { out[i] = token }
    }
}
