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
        tileSize: Int? = nil  // tile edge override; tests use small tiles, nil picks one for hd
    ) {
        let plan = Plan(geometry: geometry, pattern: pattern, tileSize: tileSize)
        let g = geometry, hd = g.headDim, bt = plan.tile, nt = plan.tiles
        let qCount = g.n * g.nHeads * hd

        // D: [H, n], D[h, i] = dO_i . O_i for head h.
        let dRow = UnsafeMutablePointer<Float>.allocate(capacity: g.nHeads * g.n)
        defer { dRow.deallocate() }
        for i in 0..<g.n {
            for h in 0..<g.nHeads {
                let o = (i * g.nHeads + h) * hd
                dRow[h * g.n + i] = TileMath.dot(dOut + o, out + o, count: hd)
            }
        }

        // Work items are (kv head, key tile): each owns its rows of dk and dv. dq rows are
        // hit by many key tiles, so each worker accumulates into its own dq (worker 0 into
        // dq itself) and the copies are summed at the end: no atomics, deterministic order.
        let items = g.nKVHeads * nt
        let nWorkers = max(1, min(threads, items))
        let dqCopies = UnsafeMutablePointer<Float>.allocate(capacity: max(0, nWorkers - 1) * qCount)
        defer { dqCopies.deallocate() }
        dq.update(repeating: 0, count: qCount)
        dqCopies.update(repeating: 0, count: (nWorkers - 1) * qCount)

        workers(items, threads: threads) { w, count in
            let myDq = w == 0 ? dq : dqCopies + (w - 1) * qCount
            // Scratch: probabilities p and score gradients dp/ds, each [Bq, Bk].
            let p = UnsafeMutablePointer<Float>.allocate(capacity: bt * bt)
            let ds = UnsafeMutablePointer<Float>.allocate(capacity: bt * bt)
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
                    for qt in 0..<nt {
                        let qr = plan.range(qt), bq = qr.count
                        let visibility = mask.tile(queries: qr, keys: kr)
                        if visibility == .none { continue }
                        let qOffset = (qr.lowerBound * g.nHeads + h) * hd
                        // p = exp(scale * q k^T - lse): [bq, bk]
                        BLAS.sgemm(transB: true, m: bq, n: bk, k: hd, alpha: plan.scale,
                                   a: q + qOffset, lda: plan.ldq, b: k + kvOffset, ldb: plan.ldk, c: p, ldc: bt)
                        if visibility == .partial { mask.maskScores(p, ld: bt, queries: qr, keys: kr) }
                        for r in 0..<bq {
                            _ = TileMath.expShifted(p + r * bt, count: bk, shift: lse[h * g.n + qr.lowerBound + r])
                        }
                        // dv_tile += p^T dO_tile: [bk, hd]
                        BLAS.sgemm(transA: true, m: bk, n: hd, k: bq, a: p, lda: bt,
                                   b: dOut + qOffset, ldb: plan.ldq, beta: 1, c: dvTile, ldc: plan.ldk)
                        // dp = dO_tile v_tile^T: [bq, bk]; then ds = p * (dp - D) in place.
                        BLAS.sgemm(transB: true, m: bq, n: bk, k: hd, a: dOut + qOffset, lda: plan.ldq,
                                   b: v + kvOffset, ldb: plan.ldk, c: ds, ldc: bt)
                        for r in 0..<bq {
                            TileMath.softmaxGrad(p: p + r * bt, dp: ds + r * bt, count: bk,
                                                 d: dRow[h * g.n + qr.lowerBound + r])
                        }
                        // dk_tile += scale * ds^T q_tile: [bk, hd]
                        BLAS.sgemm(transA: true, m: bk, n: hd, k: bq, alpha: plan.scale, a: ds, lda: bt,
                                   b: q + qOffset, ldb: plan.ldq, beta: 1, c: dkTile, ldc: plan.ldk)
                        // dq_tile += scale * ds k_tile: [bq, hd]
                        BLAS.sgemm(m: bq, n: hd, k: bk, alpha: plan.scale, a: ds, lda: bt,
                                   b: k + kvOffset, ldb: plan.ldk, beta: 1, c: myDq + qOffset, ldc: plan.ldq)
                    }
                }
            }
        }
        for c in 0..<(nWorkers - 1) {
            let copy = dqCopies + c * qCount
            for i in 0..<qCount { dq[i] += copy[i] }
        }
    }
}
