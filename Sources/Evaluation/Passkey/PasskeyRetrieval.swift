import Data
import Kernels
import Support

/// The passkey retrieval test: T trials per prompt length, each a fresh key at a fresh
/// depth, answered by greedy decoding of exactly as many tokens as the key's answer;
/// a trial is correct only if every generated id equals the answer's.
public struct PasskeyRetrieval: Sendable {
    /// Target prompt lengths in tokens (BOS included).
    public var lengths: [Int]
    public var trials: Int
    public var seed: UInt64

    public init(lengths: [Int], trials: Int = 10, seed: UInt64 = 0) {
        self.lengths = lengths
        self.trials = trials
        self.seed = seed
    }

    /// step, 2 step, ... up to `maxLength` (the official script's `--interval` / `--max_tokens`).
    public static func lengths(step: Int, upTo maxLength: Int) throws -> [Int] {
        guard step >= 1, maxLength >= step else {
            throw UserError("passkey lengths: step \(step) must be positive and at most the maximum \(maxLength)")
        }
        return Array(Swift.stride(from: step, through: maxLength, by: step))
    }

    /// The prompt of one trial: depends only on (seed, length, trial), so subsets and
    /// reruns see the same keys.
    public func prompt(length: Int, trial: Int, tokenizer: any Tokenizer) throws -> PasskeyPrompt {
        var rng = SplitMix64(seed: seed).fork("passkey length \(length) trial \(trial)")
        return try PasskeyPrompt.draw(targetTokens: length, tokenizer: tokenizer, rng: &rng)
    }

    public func run(_ model: any CausalLanguageModel, tokenizer: any Tokenizer,
                    progress: ProgressSink = Progress.silent) throws -> [PasskeyLengthResult] {
        guard trials >= 1 else { throw UserError("passkey trials \(trials) must be at least 1") }
        return try lengths.map { length in
            let task = "passkey@\(length)"
            progress(.begin(task: task, total: trials, unit: "trials"))
            let stopwatch = Stopwatch()
            var outcomes: [PasskeyTrial] = []
            for trial in 0..<trials {
                let prompt = try prompt(length: length, trial: trial, tokenizer: tokenizer)
                outcomes.append(try Self.trial(model, prompt: prompt, tokenizer: tokenizer))
                let correct = outcomes.filter(\.correct).count
                progress(.advance(task: task, completed: trial + 1, total: trials,
                                  metrics: [("accuracy", Double(correct) / Double(trial + 1))], unit: "trials"))
            }
            progress(.end(task: task, seconds: stopwatch.seconds))
            return PasskeyLengthResult(length: length, trials: outcomes)
        }
    }

    public static func trial(_ model: any CausalLanguageModel, prompt: PasskeyPrompt, tokenizer: any Tokenizer) throws -> PasskeyTrial {
        let generated = try GreedyDecoding.generate(model, prompt: prompt.tokens, count: prompt.answer.count)
        return PasskeyTrial(key: prompt.key, depth: prompt.depth, promptTokens: prompt.tokens.count,
                            generated: generated, answerText: String(decoding: tokenizer.decode(generated), as: UTF8.self),
                            correct: generated == prompt.answer)
    }
}

public struct PasskeyTrial: Sendable, Equatable {
    public var key: Int
    public var depth: Double
    public var promptTokens: Int
    public var generated: [Int32]
    /// The generated ids decoded, for reports.
    public var answerText: String
    /// Every generated id equals the answer's id at the same place.
    public var correct: Bool

    public var parsedKey: Int? { PasskeyPrompt.parseKey(answerText) }
}

/// Accuracy at one target length.
public struct PasskeyLengthResult: Sendable, Equatable {
    public var length: Int
    public var trials: [PasskeyTrial]

    public var correct: Int { trials.filter(\.correct).count }
    public var accuracy: Double { Double(correct) / Double(trials.count) }
    /// Mean prompt length actually built (at most `length`).
    public var meanPromptTokens: Double {
        Double(trials.reduce(0) { $0 + $1.promptTokens }) / Double(trials.count)
    }
}
