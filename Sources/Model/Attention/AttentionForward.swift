import Foundation
import Kernels

extension Attention {
    /// out = softmax(mask(q k^T / sqrt(hd))) v per head; lse[h, i] = log-sum-exp of query i's
    /// visible scaled scores, saved for the backward pass.
    /// q: [m, H, hd]; k, v: [n, Hkv, hd] (RoPE applied); out: [m, H, hd]; lse: [H, m], where the
    /// m = n - queryStart queries are positions queryStart..<n (m = n but in cached decoding).
    public static func forward(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>,
        geometry: AttentionGeometry, pattern: any AttentionPattern, threads: Int,
        tiling: Tiling? = nil  // tests override it; nil picks one for hd
    ) {
        let plan = Plan(geometry: geometry, pattern: pattern, tiling: tiling)
        let g = geometry, hd = g.headDim, bt = plan.tile, ld = plan.runWidth
        let first = g.queryStart, queries = g.n - first, items = g.nHeads * plan.queryTiles.count
        let kT = plan.transposed(k, threads: threads)
        defer { kT.deallocate() }
        workers(items, threads: threads) { w, count in
            // Per-worker scratch: scores/probabilities [Bq, run width], running max and sum [Bq].
            let s = UnsafeMutablePointer<Float>.allocate(capacity: bt * ld)
            let m = UnsafeMutablePointer<Float>.allocate(capacity: bt)
            let l = UnsafeMutablePointer<Float>.allocate(capacity: bt)
            defer { s.deallocate(); m.deallocate(); l.deallocate() }

            for item in stride(from: w, to: items, by: count) {
                let h = item % g.nHeads, qt = plan.queryTiles.lowerBound + item / g.nHeads
                let mask = plan.masks[h], kvh = plan.kvHead(h)
                let qr = plan.queryRange(qt), bq = qr.count
                let qTile = q + ((qr.lowerBound - first) * g.nHeads + h) * hd
                let oTile = out + ((qr.lowerBound - first) * g.nHeads + h) * hd  // accumulates P v, row stride ldq
                for r in 0..<bq { (oTile + r * plan.ldq).update(repeating: 0, count: hd) }
                m.update(repeating: -.infinity, count: bq)
                l.update(repeating: 0, count: bq)

                var kt = 0
                while let run = plan.liveRun(from: &kt, { mask.tile(queries: qr, keys: plan.range($0)) }) {
                    let kr = plan.range(run), bk = kr.count
                    let kvOffset = (kr.lowerBound * g.nKVHeads + kvh) * hd
                    // s = scale * q_tile k_run^T: [bq, bk]
                    TileProduct.multiply(m: bq, n: bk, k: hd, alpha: plan.scale, a: qTile, rowStride: plan.ldq, columnStride: 1,
                                         b: plan.keyColumns(kT, head: kvh, from: kr.lowerBound), ldb: plan.transposedStride, c: s, ldc: ld)
                    for t in run where mask.tile(queries: qr, keys: plan.range(t)) == .partial {
                        let tr = plan.range(t)
                        mask.maskScores(s + (tr.lowerBound - kr.lowerBound), ld: ld, queries: qr, keys: tr)
                    }
                    // Online softmax: s becomes the run's probabilities under the new row max,
                    // and what o and l accumulated under the old one is rescaled.
                    OnlineSoftmax.update(rows: bq, cols: bk, scores: s, ld: ld, max: m, sum: l,
                                         out: oTile, ldo: plan.ldq, headDim: hd)
                    // o_tile += p v_run: [bq, hd]
                    TileProduct.multiply(m: bq, n: hd, k: bk, a: s, rowStride: ld, columnStride: 1,
                                         b: v + kvOffset, ldb: plan.ldk, accumulate: true, c: oTile, ldc: plan.ldq)
                }
                for r in 0..<bq {
                    // Every pattern lets a query see itself (the invariant tests check it), so
                    // no sum here means NaN or infinite scores: a diverged model. The NaN goes on
                    // to the loss, where the trainer or evaluator names it, instead of a trap.
                    guard l[r] > 0 else {
                        (oTile + r * plan.ldq).update(repeating: .nan, count: hd)
                        lse[h * queries + qr.lowerBound - first + r] = .nan
                        continue
                    }
                    TileMath.scale(oTile + r * plan.ldq, count: hd, by: 1 / l[r])
                    lse[h * queries + qr.lowerBound - first + r] = m[r] + Foundation.log(l[r])
                }
            }
        }
    }
}
