/// How a forward or backward pass runs, as opposed to what it computes: an argument of every
/// call (`LlamaModel.forwardBackward(..., execution:)`, the trainer), never stored in a model
/// or a checkpoint. Recomputation changes no bit of the results; another thread count changes
/// only their last bits (products are split in one band per thread), and a given count
/// repeats bit for bit. So threads belong to no recipe or content hash; recomputation is
/// chosen by the spec (`finetune.recompute`), whose memory and FLOPs it changes.
public struct Execution: Hashable, Sendable {
    /// Threads of the elementwise and attention loops and of the projections' products.
    public var threads: Int
    /// Keep only each layer's input and recompute the layer during backward (activation
    /// checkpointing): one more layer forward per step for a fraction of the memory.
    public var recompute: Bool
    /// Rows of logits the output head computes at once; nil: `headLogits` logits (32 MB), at
    /// least 64 rows. Smaller saves memory for large vocabularies; the results differ only by
    /// rounding (the head's weight gradient sums its chunks in another order).
    public var headRows: Int?
    /// The logits of one output-head chunk by default.
    public static let headLogits = 1 << 23

    public init(threads: Int = 1, recompute: Bool = false, headRows: Int? = nil) {
        self.threads = max(1, threads)
        self.recompute = recompute
        self.headRows = headRows.map { max(1, $0) }
    }

    /// Rows per output-head chunk for a batch of `rows` over a vocabulary of `vocab`:
    /// `headRows`, or `headLogits` worth of rows but at least 64 (so the head's products stay
    /// large); never more than the batch.
    func headRows(rows: Int, vocab: Int) -> Int {
        min(rows, headRows ?? max(64, Self.headLogits / max(vocab, 1)))
    }

    /// One thread, every activation kept: what tests use for bit-exact comparisons.
    public static let serial = Execution()
}
