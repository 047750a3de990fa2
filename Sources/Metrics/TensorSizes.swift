import Model

/// The weight tensors of a model under a fine-tuning setup, by size: ZeRO-3 keeps tensors
/// under its persistence threshold whole on every GPU, partitions the rest, and gathers the
/// largest of them whole when a layer needs it.
struct TensorSizes {
    /// (elements of one tensor, how many such tensors).
    let sizes: [(elements: Double, count: Double)]

    init(_ c: ModelConfig, _ setup: FineTuneSetup) {
        let d = Double(c.dim), a = Double(c.attentionDim), kv = Double(c.kvDim), f = Double(c.ffnDim)
        let L = Double(c.nLayers), V = Double(c.vocabSize)
        var sizes: [(elements: Double, count: Double)] = [
            (V * d, c.isTied ? 1 : 2),  // embedding, and the head unless tied
            (d, 2 * L + 1),             // RMSNorm weights
            (d * a, 2 * L),             // q, o
            (d * kv, 2 * L),            // k, v
            (d * f, 3 * L),             // gate, up, down
        ]
        if setup.hasAdapters {
            // A [r, in] and B [out, r] on q (d -> a), k and v (d -> kv), o (a -> d).
            let r = Double(setup.loraRank)
            sizes += [(r * d, 4 * L), (r * a, 2 * L), (r * kv, 2 * L)]
        }
        self.sizes = sizes
    }

    var total: Double { sizes.reduce(0) { $0 + $1.elements * $1.count } }

    /// Elements in tensors smaller than `threshold`.
    func persistentElements(threshold: Double) -> Double {
        sizes.filter { $0.elements < threshold }.reduce(0) { $0 + $1.elements * $1.count }
    }

    /// The largest tensor of at least `threshold` elements (0 if none).
    func largest(atLeast threshold: Double) -> Double {
        sizes.filter { $0.elements >= threshold }.map(\.elements).max() ?? 0
    }
}
