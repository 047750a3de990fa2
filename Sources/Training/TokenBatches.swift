import Kernels

/// Supplies the token ids of micro-batch `microBatch` of optimizer step `step` (0-based), as
/// [B, n + 1] row-major. It must depend only on its arguments (and its own seed), so a run
/// resumed at step s sees exactly the data an uninterrupted run would.
public typealias TokenBatchProvider = (_ step: Int, _ microBatch: Int) throws -> [Int32]

/// Uniformly random tokens, reproducible from a seed: for tests and the benchmark.
public struct SyntheticBatches: Sendable {
    public var seed: UInt64
    public var vocabSize: Int
    public var batchSize: Int
    public var length: Int

    public init(seed: UInt64, vocabSize: Int, batchSize: Int, length: Int) {
        self.seed = seed; self.vocabSize = vocabSize; self.batchSize = batchSize; self.length = length
    }

    public func batch(step: Int, microBatch: Int) -> [Int32] {
        var rng = SplitMix64(seed: seed).fork("data/\(step)/\(microBatch)")
        return (0..<(batchSize * (length + 1))).map { _ in Int32(rng.next() % UInt64(vocabSize)) }
    }

    public var provider: TokenBatchProvider { { self.batch(step: $0, microBatch: $1) } }
}
