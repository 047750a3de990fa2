import Foundation
import Kernels
import Support

/// An in-context copying warm-up for pretraining (`base.copy_task`, docs/miniature.md):
/// sequences made of segments written twice, x x, with |x| uniform in `segment`; each
/// sequence draws its ids from its own alphabet, a uniformly random subset of the
/// vocabulary's non-special ids whose size is log-uniform from `smallestAlphabet` to all.
///
/// Why: a small base trained on natural text alone did not learn to copy from its context
/// (no induction head in 8-40M tokens), so nothing far back could help it, and the
/// paper's long-context claims could not show. On this task, where the second copy is
/// predictable only by finding the first, the same model forms the head in about a
/// thousand steps, and keeps it when natural text follows. Every id is drawn equally
/// often because rows trained rarely (natural text's Zipf tail) delay the head.
public struct CopyTask: Hashable, Sendable {
    /// Steps at the start of pretraining that see only the copy task.
    public var steps: Int
    /// Share of each later batch's sequences that stay copy-task sequences.
    public var fraction: Double

    /// Segment lengths in tokens (the PyTorch control of docs/miniature.md used the same).
    public static let segment = 6...24
    /// The smallest alphabet of a sequence. Over all ids, the token before a copy is nearly
    /// always unique in a window, and the head learns to match one token; a passkey prompt
    /// ("The pass key is K. ... K is the pass key. ... The pass key is") is answered only
    /// by matching more than one ("key is", not "is"), which small alphabets, where single
    /// tokens recur every few dozen positions, make the task ask for.
    public static let smallestAlphabet = 16

    public static let none = CopyTask(steps: 0, fraction: 0)

    public init(steps: Int, fraction: Double) {
        self.steps = steps
        self.fraction = fraction
    }

    /// Sequences of micro-batch rows that are copy-task rows at `step` (the first ones).
    public func copyRows(step: Int, batchSize: Int) -> Int {
        step < steps ? batchSize : Int((fraction * Double(batchSize)).rounded())
    }
}

/// Rows of the copy task, a function of (seed, step, micro-batch, row) only, so a resumed
/// base sees what an uninterrupted one would.
public struct CopyTaskRows: Sendable {
    public let seed: UInt64
    /// The ids a copy may use: every id of the vocabulary but the special ones.
    public let ids: [Int32]

    public init(seed: UInt64, vocabSize: Int, special: Set<Int32>) {
        self.seed = seed
        self.ids = (0..<Int32(vocabSize)).filter { !special.contains($0) }
    }

    /// Writes `count` tokens of row `row` of micro-batch `microBatch` of step `step`.
    public func write(step: Int, microBatch: Int, row: Int, count: Int, into out: UnsafeMutablePointer<Int32>) {
        var rng = SplitMix64(seed: seed).fork("copy/\(step)/\(microBatch)/\(row)")
        let alphabet = self.alphabet(&rng)
        var filled = 0
        while filled < count {
            let length = CopyTask.segment.lowerBound + Int(rng.next() % UInt64(CopyTask.segment.count))
            let segment = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            for token in segment + segment where filled < count {
                out[filled] = token
                filled += 1
            }
        }
    }

    /// A row's alphabet: a uniform random subset of `ids`, of log-uniform size (a partial
    /// Fisher-Yates shuffle), so every id is still drawn equally often over many rows.
    func alphabet(_ rng: inout SplitMix64) -> [Int32] {
        let lo = log(Double(min(CopyTask.smallestAlphabet, ids.count))), hi = log(Double(ids.count))
        let size = min(ids.count, Int(exp(lo + rng.nextUniform() * (hi - lo)).rounded()))
        var pool = ids
        for i in 0..<size { pool.swapAt(i, i + Int(rng.next() % UInt64(pool.count - i))) }
        return Array(pool[0..<size])
    }
}
