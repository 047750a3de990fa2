import Training

/// Training batches: the corpus's (`ShardBatches`), with the copy task's rows first
/// where `CopyTask` asks for them (all rows during its warm-up steps, a fixed share after),
/// then after the warm-up `PasskeyTask`'s share of corpus rows rewritten as passkey rows.
/// Pretraining uses both tasks; fine-tuning may keep the passkey rows (at its own length).
/// Still a function of (seed, step, micro-batch), so resuming a run stays exact.
public struct MixedBatches: Sendable {
    public let corpus: ShardBatches
    public let copyTask: CopyTask
    public let copyRows: CopyTaskRows?
    public let passkeyTask: PasskeyTask
    public let passkeyRows: PasskeyTaskRows?

    public init(corpus: ShardBatches, copyTask: CopyTask = .none, copyRows: CopyTaskRows? = nil,
                passkeyTask: PasskeyTask = .none, passkeyRows: PasskeyTaskRows? = nil) {
        self.corpus = corpus
        self.copyTask = copyTask
        self.copyRows = copyRows
        self.passkeyTask = passkeyTask
        self.passkeyRows = passkeyRows
    }

    public func batch(step: Int, microBatch: Int) -> [Int32] {
        let rows = copyRows == nil ? 0 : copyTask.copyRows(step: step, batchSize: corpus.batchSize)
        let span = corpus.length + 1
        // Rows the copy task fills entirely need no corpus reads.
        var out = rows < corpus.batchSize ? corpus.batch(step: step, microBatch: microBatch)
                                          : [Int32](repeating: 0, count: corpus.batchSize * span)
        out.withUnsafeMutableBufferPointer { buffer in
            if let copyRows {
                for row in 0..<rows {
                    copyRows.write(step: step, microBatch: microBatch, row: row, count: span, into: buffer.baseAddress! + row * span)
                }
            }
            guard let passkeyRows, rows < corpus.batchSize else { return }
            let passkeys = min(corpus.batchSize - rows, passkeyTask.rows(batchSize: corpus.batchSize))
            for row in rows..<(rows + passkeys) {
                passkeyRows.write(step: step, microBatch: microBatch, row: row, count: span, into: buffer.baseAddress! + row * span)
            }
        }
        return out
    }

    public var provider: TokenBatchProvider { { self.batch(step: $0, microBatch: $1) } }
}
