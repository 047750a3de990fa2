import Foundation
import Kernels
import Support

extension LlamaModel {
    /// Mean next-token loss of a batch. batch: [B, n + 1] token ids, row-major.
    public func loss(batch: [Int32], batchSize: Int, length: Int,
                     attention: any AttentionBackend = PatternAttention.full, execution: Execution) throws -> Double {
        meanLoss(try forward(batch: batch, batchSize: batchSize, length: length, attention: attention,
                             execution: execution))
    }

    /// Per-position next-token losses (nats): [B * n], position t of sequence b at b * n + t.
    public func tokenLosses(batch: [Int32], batchSize: Int, length: Int,
                            attention: any AttentionBackend = PatternAttention.full,
                            execution: Execution) throws -> [Float] {
        try forward(batch: batch, batchSize: batchSize, length: length, attention: attention,
                    execution: execution).losses.array
    }

    /// Decoding: the logits [V] of the last of `tokens` continuing the sequence in `cache`
    /// (the others' rows of the output head are not computed); their keys and values join
    /// the cache, as with `logits(tokens:cache:execution:)`.
    public func lastLogits(tokens: [Int32], cache: KVCache, execution: Execution) throws -> [Float] {
        let n = tokens.count
        guard n > 0 else { throw UserError("logits: empty token sequence") }
        return try forward(batch: tokens + [0], batchSize: 1, length: n, attention: PatternAttention.full, cache: cache,
                           execution: execution, keepLogits: (n - 1)..<n).keptLogits
    }

    /// Logits of one sequence: tokens [n] -> [n, V].
    public func logits(tokens: [Int32], attention: any AttentionBackend = PatternAttention.full,
                       execution: Execution) throws -> [Float] {
        try logits(tokens, attention: attention, cache: nil, execution: execution)
    }

    /// Decoding: logits [m, V] of `tokens` [m] continuing the sequence in `cache`, at positions
    /// cache.count..<cache.count + m; their keys and values join the cache. Attention is full
    /// and causal (the paper decodes with full attention), so the logits are the full
    /// forward's rows of the whole sequence.
    public func logits(tokens: [Int32], cache: KVCache, execution: Execution) throws -> [Float] {
        try logits(tokens, attention: PatternAttention.full, cache: cache, execution: execution)
    }

    private func logits(_ tokens: [Int32], attention: any AttentionBackend, cache: KVCache?,
                        execution: Execution) throws -> [Float] {
        let n = tokens.count
        guard n > 0 else { throw UserError("logits: empty token sequence") }
        // The last target is a dummy: only the logits are returned.
        return try forward(batch: tokens + [0], batchSize: 1, length: n, attention: attention, cache: cache,
                           execution: execution, keepLogits: 0..<n).keptLogits
    }

    func meanLoss(_ w: Workspace) -> Double {
        var sum = 0.0
        for r in 0..<w.rows { sum += Double(w.losses[r]) }  // fixed order: deterministic
        return sum / Double(w.rows)
    }

    /// Runs the whole forward pass and leaves every activation in the workspace. With a cache
    /// (one sequence), the n tokens continue the cached ones: RoPE from the cache's position
    /// on, attention over the cached keys and values and their own. `lossGradientScale`
    /// (training): the output head's part of the backward pass runs here, chunk by chunk,
    /// for d(scale * sum of losses); nil: nothing will run backward. `keepLogits`: the rows
    /// whose logits are returned in the workspace's `keptLogits`.
    @discardableResult
    func forward(batch: [Int32], batchSize B: Int, length n: Int, attention: any AttentionBackend,
                 cache: KVCache? = nil, execution: Execution, lossGradientScale: Float? = nil,
                 keepLogits: Range<Int>? = nil) throws -> Workspace {
        guard B > 0, n > 0, batch.count == B * (n + 1) else {
            throw UserError("batch has \(batch.count) token ids; expected B x (n + 1) = \(B) x \(n + 1)")
        }
        precondition(cache == nil || B == 1, "a KV cache holds one sequence")
        try checkTokens(batch, what: "batch")
        let w = workspace(batch: B, length: n, execution: execution, training: lossGradientScale != nil)
        for b in 0..<B {
            for t in 0..<n {
                w.inputs[b * n + t] = batch[b * (n + 1) + t]
                w.targets[b * n + t] = batch[b * (n + 1) + t + 1]
            }
        }
        let c = config, threads = execution.threads
        w.inputs.withUnsafeBufferPointer {
            Embedding.forward(tokens: $0.baseAddress!, table: parameters.view(LlamaNames.embedding).value,
                              x: w.residual(0).pointer, rows: w.rows, dim: c.dim, threads: threads)
        }
        if let cache {
            let start = cache.count
            let rope = self.rope.table(positions: start..<(start + n), headDim: c.headDim)
            for l in 0..<c.nLayers {
                try layerForward(l, w, attention: attention, rope: rope, cache: cache, threads: threads)
            }
            cache.commit(rows: n)
        } else {
            for l in 0..<c.nLayers { try layerForward(l, w, attention: attention, rope: w.rope, threads: threads) }
        }
        RMSNorm.forward(x: w.residual(c.nLayers).pointer, weight: parameters.view(LlamaNames.finalNorm).value,
                        y: w.xf.pointer, rstd: w.rstdF.pointer, rows: w.rows, dim: c.dim,
                        eps: c.normEps, threads: threads)
        headAndLoss(w, gradientScale: lossGradientScale, keep: keepLogits, threads: threads)
        return w
    }

    /// The output head and the cross-entropy over chunks of `w.headRows` rows, so that only
    /// one chunk's logits exist (a 49152-token vocabulary over 16384 positions would be 3.2 GB).
    /// With a gradient scale, each chunk's d(loss)/d(logits) goes through the head's backward
    /// while it exists: d(xf) into `w.dxn`, the head's weight gradient added.
    func headAndLoss(_ w: Workspace, gradientScale: Float?, keep: Range<Int>?, threads: Int) {
        let d = config.dim, V = config.vocabSize
        var kept = [Float](repeating: 0, count: (keep?.count ?? 0) * V)
        var start = 0
        while start < w.rows {
            let count = min(w.headRows, w.rows - start), x = w.xf.pointer + start * d
            head.forward(x: x, y: w.logits.pointer, rows: count, hidden: nil, threads: threads)
            w.targets.withUnsafeBufferPointer {
                CrossEntropy.forward(logits: w.logits.pointer, targets: $0.baseAddress! + start, losses: w.losses.pointer + start,
                                     lse: w.lseV.pointer + start, rows: count, vocab: V, threads: threads)
            }
            if let keep {
                let first = max(keep.lowerBound, start), end = min(keep.upperBound, start + count)
                if first < end {
                    kept.withUnsafeMutableBufferPointer {
                        ($0.baseAddress! + (first - keep.lowerBound) * V)
                            .update(from: w.logits.pointer + (first - start) * V, count: (end - first) * V)
                    }
                }
            }
            if let gradientScale {
                w.targets.withUnsafeBufferPointer {
                    CrossEntropy.backward(logits: w.logits.pointer, targets: $0.baseAddress! + start, lse: w.lseV.pointer + start,
                                          scale: gradientScale, rows: count, vocab: V, threads: threads)
                }
                head.backward(x: x, dy: w.logits.pointer, dx: w.dxn.pointer + start * d, rows: count,
                              accumulate: false, hidden: nil, scratch: nil, threads: threads)
            }
            start += count
        }
        w.keptLogits = kept
        w.headGradientDone = gradientScale != nil
    }

    /// residual[l] -> residual[l + 1], saving the layer's activations. `rope` rotates the
    /// workspace's rows; with a cache, the layer's keys and values are appended to it first.
    func layerForward(_ l: Int, _ w: Workspace, attention: any AttentionBackend, rope: RoPETable,
                      cache: KVCache? = nil, threads: Int) throws {
        let c = config, blk = blocks[l], a = w.activations(layer: l), rows = w.rows, n = w.length
        let x = w.residual(l).pointer, out = w.residual(l + 1).pointer
        // Attention half: xn1 = norm(x); q, k, v projections; RoPE; attention; o; residual.
        RMSNorm.forward(x: x, weight: blk.inputNorm.value, y: a.xn1.pointer, rstd: a.rstd1.pointer,
                        rows: rows, dim: c.dim, eps: c.normEps, threads: threads)
        blk.q.forward(x: a.xn1.pointer, y: a.q.pointer, rows: rows, hidden: a.hidden[.q]?.pointer, threads: threads)
        blk.k.forward(x: a.xn1.pointer, y: a.k.pointer, rows: rows, hidden: a.hidden[.k]?.pointer, threads: threads)
        blk.v.forward(x: a.xn1.pointer, y: a.v.pointer, rows: rows, hidden: a.hidden[.v]?.pointer, threads: threads)
        rope.apply(a.q.pointer, rows: rows, heads: c.nHeads, period: n, threads: threads)
        rope.apply(a.k.pointer, rows: rows, heads: c.nKVHeads, period: n, threads: threads)
        if let cache {
            cache.append(layer: l, k: a.k.pointer, v: a.v.pointer, rows: n)
            let start = cache.count, shape = self.shape(length: start + n, layer: l, queryStart: start)
            try cache.keys[l].withUnsafeBufferPointer { k in
                try cache.values[l].withUnsafeBufferPointer { v in
                    try attention.forward(q: a.q.pointer, k: k.baseAddress!, v: v.baseAddress!, out: a.att.pointer,
                                          lse: a.lse.pointer, shape: shape, threads: threads)
                }
            }
        } else {
            let shape = self.shape(length: n, layer: l)
            for b in 0..<w.batch {
                try attention.forward(
                    q: a.q.pointer + b * n * c.attentionDim, k: a.k.pointer + b * n * c.kvDim,
                    v: a.v.pointer + b * n * c.kvDim, out: a.att.pointer + b * n * c.attentionDim,
                    lse: a.lse.pointer + b * c.nHeads * n, shape: shape, threads: threads)
            }
        }
        blk.o.forward(x: a.att.pointer, y: a.x1.pointer, rows: rows, hidden: a.hidden[.o]?.pointer, threads: threads)
        add(a.x1.pointer, x, count: rows * c.dim, threads: threads)
        // MLP half: xn2 = norm(x1); h = silu(gate) * up; out = x1 + down(h).
        RMSNorm.forward(x: a.x1.pointer, weight: blk.postNorm.value, y: a.xn2.pointer, rstd: a.rstd2.pointer,
                        rows: rows, dim: c.dim, eps: c.normEps, threads: threads)
        blk.gate.forward(x: a.xn2.pointer, y: a.g.pointer, rows: rows, hidden: a.hidden[.gate]?.pointer, threads: threads)
        blk.up.forward(x: a.xn2.pointer, y: a.u.pointer, rows: rows, hidden: a.hidden[.up]?.pointer, threads: threads)
        SwiGLU.forward(gate: a.g.pointer, up: a.u.pointer, out: a.h.pointer, count: rows * c.ffnDim,
                       threads: threads)
        blk.down.forward(x: a.h.pointer, y: out, rows: rows, hidden: a.hidden[.down]?.pointer, threads: threads)
        add(out, a.x1.pointer, count: rows * c.dim, threads: threads)
    }

    /// y += x, elementwise.
    func add(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int, threads: Int) {
        forChunks(count, threads: threads) { lo, hi in
            for i in lo..<hi { y[i] += x[i] }
        }
    }
}
