import Data
import Kernels
import Support
import Training

/// Packed training batches drawn from a token stream: row b of micro-batch m of step s
/// starts at an offset drawn from SplitMix64(seed).fork("batch/s/m/b"), so the data of a
/// step depends only on (seed, step, micro-batch) and a resumed run sees exactly what an
/// uninterrupted one would.
public struct ShardBatches: Sendable {
    public let shard: TokenShard
    public let seed: UInt64
    public let batchSize: Int
    public let length: Int

    public init(shard: TokenShard, seed: UInt64, batchSize: Int, length: Int, source: String) throws {
        guard shard.count > length + 1 else {
            throw UserError("\(source): \(shard.count) tokens cannot fill a training sequence of \(length + 1)")
        }
        self.shard = shard
        self.seed = seed
        self.batchSize = batchSize
        self.length = length
    }

    /// [B, n + 1] token ids, row-major.
    public func batch(step: Int, microBatch: Int) -> [Int32] {
        let span = length + 1
        var out = [Int32](repeating: 0, count: batchSize * span)
        let starts = shard.count - span + 1
        out.withUnsafeMutableBufferPointer { buffer in
            for b in 0..<batchSize {
                var rng = SplitMix64(seed: seed).fork("batch/\(step)/\(microBatch)/\(b)")
                let start = Int(rng.next() % UInt64(starts))
                shard.copy(start..<(start + span), into: buffer.baseAddress! + b * span)
            }
        }
        return out
    }

    public var provider: TokenBatchProvider { { self.batch(step: $0, microBatch: $1) } }
}
