extension LlamaModel {
    /// Matrix-product FLOPs (2 per multiply-add) of one forward + backward over a [B, n] batch,
    /// counting exactly the products this implementation runs: frozen weights skip their
    /// weight-gradient product; recomputation repeats each layer's forward; attention scores
    /// `scoredPairs` (query, key) pairs, 4 hd FLOPs each forward (QK^T, PV) and 10 hd backward
    /// (the tiled kernel recomputes QK^T, then dV, dP, dQ, dK). Elementwise work is not counted.
    public func trainingFlops(batchSize B: Int, length n: Int, attention: any AttentionBackend,
                              recompute: Bool) throws -> Double {
        let rows = B * n
        var forward = 0.0, backward = 0.0
        for l in 0..<config.nLayers {
            let blk = blocks[l]
            for lin in [blk.q, blk.k, blk.v, blk.o, blk.gate, blk.up, blk.down] {
                let f = lin.flops(rows: rows)
                forward += f.forward
                backward += f.backward
            }
            let pairs = Double(try attention.scoredPairs(shape: shape(length: n, layer: l))) * Double(B)
            forward += 4 * Double(config.headDim) * pairs
            backward += 10 * Double(config.headDim) * pairs
        }
        let layerForward = forward
        let h = head.flops(rows: rows)
        return forward + backward + h.forward + h.backward + (recompute ? layerForward : 0)
    }
}
