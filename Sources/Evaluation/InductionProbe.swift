import Foundation
import Kernels
import Support

/// In-context copying, measured directly: a sequence of L random token ids followed by the
/// same L ids again. A model that copies from its context (an induction head, Olsson et
/// al. 2022) predicts the second copy far better than the first, which no statistics of
/// the training text can predict; a model that does not scores both alike (about ln V or
/// worse). Passkey retrieval and reading far context both rest on this ability, so the
/// probe tells "the base cannot copy" apart from "the window is too short" for the price
/// of a few forward passes.
///
/// Ids are drawn uniformly from a pool: the distinct ids of the model's own text when there
/// is some, else the whole vocabulary. Text ids are the fairer test: an id the model never
/// saw in training has an untrained output row, which no copying mechanism can raise.
/// Uniform over the distinct ids, not as often as in the text: frequent ids (a newline, a
/// comma) would recur within one copy, making "the id after its previous occurrence"
/// ambiguous, and a model that learned to copy the previous line of its text (a newline
/// drawn at random) then copies from the wrong place and scores the second copy worse.
public struct InductionProbe: Sendable, Equatable {
    /// Ids per copy (the whole sequence is 2 L tokens).
    public var length: Int
    public var trials: Int
    public var seed: UInt64

    public init(length: Int = 64, trials: Int = 16, seed: UInt64 = 0) throws {
        guard length >= 2 else { throw UserError("induction probe: length \(length) must be at least 2") }
        guard trials >= 1 else { throw UserError("induction probe: trials \(trials) must be at least 1") }
        self.length = length
        self.trials = trials
        self.seed = seed
    }

    /// The ids of one trial: [x1...xL, x1...xL], each x a uniform draw from the distinct ids
    /// of `pool` (the text's ids) or, without one, from the whole vocabulary.
    public func sequence(trial: Int, vocabSize: Int, pool: [Int32]? = nil) -> [Int32] {
        sequence(trial: trial, vocabSize: vocabSize, types: pool.map(Self.types))
    }

    func sequence(trial: Int, vocabSize: Int, types: [Int32]?) -> [Int32] {
        var rng = SplitMix64(seed: seed).fork("induction probe trial \(trial)")
        func draw(_ n: Int) -> Int { min(n - 1, Int(rng.nextUniform() * Double(n))) }
        let half: [Int32] = switch types {
        case let types? where !types.isEmpty: (0..<length).map { _ in types[draw(types.count)] }
        default: (0..<length).map { _ in Int32(draw(vocabSize)) }
        }
        return half + half
    }

    /// The distinct ids of a text, in increasing order.
    static func types(_ pool: [Int32]) -> [Int32] { Array(Set(pool)).sorted() }

    /// At most this many ids of a text make the pool (a prefix is as good as the whole
    /// for unigram draws, and keeps the probe's memory small).
    public static let poolLimit = 1 << 20

    public func run(_ model: any CausalLanguageModel, pool: [Int32]? = nil,
                    progress: ProgressSink = Progress.silent) throws -> InductionProbeResult {
        if let bad = pool?.first(where: { $0 < 0 || Int($0) >= model.vocabSize }) {
            throw UserError("induction probe: token id \(bad) is outside the model's vocabulary 0..<\(model.vocabSize)")
        }
        let task = "induction probe @\(2 * length)"
        progress(.begin(task: task, total: trials))
        let stopwatch = Stopwatch()
        var first = 0.0, second = 0.0
        let types = pool.map(Self.types)
        for trial in 0..<trials {
            let losses = try model.nextTokenLosses(sequence(trial: trial, vocabSize: model.vocabSize, types: types), attention: .full)
            // losses[i] predicts token i+1. First copy: tokens 1..<L (token 0 has no loss);
            // second copy: tokens L+1..<2L (token L, the first of the copy, is not yet a copy).
            first += losses[0..<(length - 1)].reduce(0.0) { $0 + Double($1) } / Double(length - 1)
            second += losses[length..<(2 * length - 1)].reduce(0.0) { $0 + Double($1) } / Double(length - 1)
            progress(.advance(task: task, completed: trial + 1, total: trials,
                              metrics: [("copy gain", (first - second) / Double(trial + 1))]))
        }
        progress(.end(task: task, seconds: stopwatch.seconds))
        return InductionProbeResult(length: length, trials: trials, vocabSize: model.vocabSize, fromText: pool?.isEmpty == false,
                                    firstCopyLoss: first / Double(trials), secondCopyLoss: second / Double(trials))
    }
}

/// Mean next-token loss (nats) on each copy of the probe's sequences.
public struct InductionProbeResult: Sendable, Equatable {
    public var length: Int
    public var trials: Int
    public var vocabSize: Int
    /// Ids drawn from text (true) or from the whole vocabulary.
    public var fromText: Bool
    public var firstCopyLoss: Double
    public var secondCopyLoss: Double

    /// Nats saved per token by having seen the sequence once: 0 for a model that does not
    /// copy, up to the first copy's loss for a perfect copier.
    public var copyGain: Double { firstCopyLoss - secondCopyLoss }

    public func render(as format: TableFormat) -> String {
        let csv = format == .csv
        return TextTable(
            header: csv ? ["tokens", "trials", "first_copy_loss", "second_copy_loss", "copy_gain"]
                        : ["tokens", "trials", "first copy loss", "second copy loss", "copy gain (nats)"],
            rows: [["\(2 * length)", "\(trials)", String(format: "%.4f", firstCopyLoss),
                    String(format: "%.4f", secondCopyLoss), String(format: "%.4f", copyGain)]],
            alignments: Array(repeating: .right, count: 5)
        ).render(format)
    }
}
