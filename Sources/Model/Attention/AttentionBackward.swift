import Kernels

extension Attention {
    /// Gradients of the attention forward (FlashAttention-2 style: probabilities are
    /// recomputed tile by tile from q, k and the saved lse, with D_i = rowsum(dO_i * O_i)).
    /// Overwrites dq: [n, H, hd] and dk, dv: [n, Hkv, hd]; dOut, out: [n, H, hd]; lse: [H, n].
    public static func backward(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        out: UnsafePointer<Float>, lse: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
        dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
        geometry: AttentionGeometry, pattern: any AttentionPattern, threads: Int,
        tiling: Tiling? = nil  // tests override it; nil picks one for hd
    ) {
        precondition(geometry.queryStart == 0, "attention backward: a cached decoding step has no backward")
        let plan = Plan(geometry: geometry, pattern: pattern, tiling: tiling)
        let g = geometry, hd = g.headDim, bt = plan.tile, nt = plan.tiles, runRows = plan.runWidth
        let qCount = g.n * g.nHeads * hd
        let kT = plan.transposed(k, threads: threads), vT = plan.transposed(v, threads: threads)
        defer { kT.deallocate(); vT.deallocate() }

        // D: [H, n], D[h, i] = dO_i . O_i for head h.
        let dRow = UnsafeMutablePointer<Float>.allocate(capacity: g.nHeads * g.n)
        defer { dRow.deallocate() }
        Parallel.forEach(g.n, threads: threads) { i in
            for h in 0..<g.nHeads {
                let o = (i * g.nHeads + h) * hd
                dRow[h * g.n + i] = TileMath.dot(dOut + o, out + o, count: hd)
            }
        }

        // Work items are (kv head, key tile): each owns its rows of dk and dv. dq rows are
        // hit by many key tiles, so each worker accumulates into its own dq (worker 0 into
        // dq itself), zeroed by that worker, and the copies are summed at the end: no
        // atomics, deterministic order.
        let items = g.nKVHeads * nt
        let nWorkers = max(1, min(threads, items))
        let dqCopies = UnsafeMutablePointer<Float>.allocate(capacity: max(0, nWorkers - 1) * qCount)
        defer { dqCopies.deallocate() }

        workers(items, threads: threads) { w, count in
            let myDq = w == 0 ? dq : dqCopies + (w - 1) * qCount
            myDq.update(repeating: 0, count: qCount)
            // Scratch: probabilities p and score gradients dp/ds, each [run rows, Bk].
            let p = UnsafeMutablePointer<Float>.allocate(capacity: runRows * bt)
            let ds = UnsafeMutablePointer<Float>.allocate(capacity: runRows * bt)
            defer { p.deallocate(); ds.deallocate() }

            for item in stride(from: w, to: items, by: count) {
                let kvh = item % g.nKVHeads, kt = item / g.nKVHeads
                let kr = plan.range(kt), bk = kr.count
                let kvOffset = (kr.lowerBound * g.nKVHeads + kvh) * hd
                let dkTile = dk + kvOffset, dvTile = dv + kvOffset  // row stride ldk
                for r in 0..<bk {
                    (dkTile + r * plan.ldk).update(repeating: 0, count: hd)
                    (dvTile + r * plan.ldk).update(repeating: 0, count: hd)
                }
                for h in (kvh * g.headsPerKV)..<((kvh + 1) * g.headsPerKV) {
                    let mask = plan.masks[h]
                    var qt = 0
                    while let run = plan.liveRun(from: &qt, { mask.tile(queries: plan.range($0), keys: kr) }) {
                        let qr = plan.range(run), bq = qr.count
                        let qOffset = (qr.lowerBound * g.nHeads + h) * hd
                        // p = exp(scale * q_run k^T - lse): [bq, bk]
                        TileProduct.multiply(m: bq, n: bk, k: hd, alpha: plan.scale, a: q + qOffset, rowStride: plan.ldq,
                                             columnStride: 1, b: plan.keyColumns(kT, head: kvh, from: kr.lowerBound), ldb: plan.transposedStride,
                                             c: p, ldc: bt)
                        for t in run where mask.tile(queries: plan.range(t), keys: kr) == .partial {
                            let tr = plan.range(t)
                            mask.maskScores(p + (tr.lowerBound - qr.lowerBound) * bt, ld: bt, queries: tr, keys: kr)
                        }
                        OnlineSoftmax.recompute(rows: bq, cols: bk, scores: p, ld: bt, logSumExp: lse + h * g.n + qr.lowerBound)
                        // dv_tile += p^T dO_run: [bk, hd]
                        TileProduct.multiply(m: bk, n: hd, k: bq, a: p, rowStride: 1, columnStride: bt,
                                             b: dOut + qOffset, ldb: plan.ldq, accumulate: true, c: dvTile, ldc: plan.ldk)
                        // dp = dO_run v_tile^T: [bq, bk]; then ds = p * (dp - D) in place.
                        TileProduct.multiply(m: bq, n: bk, k: hd, a: dOut + qOffset, rowStride: plan.ldq, columnStride: 1,
                                             b: plan.keyColumns(vT, head: kvh, from: kr.lowerBound), ldb: plan.transposedStride, c: ds, ldc: bt)
                        OnlineSoftmax.gradient(rows: bq, cols: bk, probabilities: p, ldp: bt, scoreGradients: ds, ldds: bt,
                                               d: dRow + h * g.n + qr.lowerBound)
                        // dk_tile += scale * ds^T q_run: [bk, hd]
                        TileProduct.multiply(m: bk, n: hd, k: bq, alpha: plan.scale, a: ds, rowStride: 1, columnStride: bt,
                                             b: q + qOffset, ldb: plan.ldq, accumulate: true, c: dkTile, ldc: plan.ldk)
                        // dq_run += scale * ds k_tile: [bq, hd]
                        TileProduct.multiply(m: bq, n: hd, k: bk, alpha: plan.scale, a: ds, rowStride: bt, columnStride: 1,
                                             b: k + kvOffset, ldb: plan.ldk, accumulate: true, c: myDq + qOffset, ldc: plan.ldq)
                    }
                }
            }
        }
        if nWorkers > 1 {
            forChunks(qCount, threads: threads) { lo, hi in
                for c in 0..<(nWorkers - 1) {
                    let copy = dqCopies + c * qCount
                    for i in lo..<hi { dq[i] += copy[i] }
                }
            }
        }
    }
}
