import Foundation
import Kernels

/// The one tiled, online-softmax attention kernel (FlashAttention-2 style) that runs
/// every pattern, forward and backward. Scores exist only as per-worker tiles of
/// Bq x Bk; the n x n matrix is never formed. Each pattern's per-head mask says which
/// tiles are dead (skipped), fully visible (no mask loop) or partial.
///
/// Layouts (row-major, token-major, one sequence): q, out, dOut, dq: [n, H, hd];
/// k, v, dk, dv: [n, Hkv, hd]; lse: [H, n]. Query head h reads kv head h / (H / Hkv).
public enum Attention {
    /// Tile edge. Tile products must stay below OpenBLAS's multithreading threshold
    /// (m*n*k <= 4 * 65536) so that each sgemm runs on its caller's thread: the kernel
    /// parallelises over heads and tiles itself.
    static func tileSize(headDim hd: Int) -> Int {
        hd <= 32 ? 64 : hd <= 64 ? 32 : 16
    }

    /// Everything the passes share for one call.
    struct Plan {
        let g: AttentionGeometry
        let masks: [any AttentionMask]
        let tile: Int
        let scale: Float

        init(geometry g: AttentionGeometry, pattern: any AttentionPattern, tileSize: Int?) {
            do {
                try pattern.validate(geometry: g)
            } catch {
                preconditionFailure("attention pattern '\(pattern.name)': \(error)")
            }
            self.g = g
            masks = (0..<g.nHeads).map { pattern.mask(head: $0, geometry: g) }
            precondition(tileSize.map { $0 > 0 } ?? true, "attention tile size must be positive")
            tile = tileSize ?? Attention.tileSize(headDim: g.headDim)
            scale = 1 / Float(g.headDim).squareRoot()
        }

        var tiles: Int { (g.n + tile - 1) / tile }
        func range(_ t: Int) -> Range<Int> { (t * tile)..<min(g.n, (t + 1) * tile) }
        /// Row strides of the query-side and key-side tensors.
        var ldq: Int { g.nHeads * g.headDim }
        var ldk: Int { g.nKVHeads * g.headDim }
        func kvHead(_ h: Int) -> Int { h / g.headsPerKV }
    }

    /// Runs `body(worker, item)` for items 0..<count on min(threads, count) workers, worker w
    /// taking items w, w+W, w+2W, ...: interleaving balances causal work, whose cost grows
    /// with the tile index, and gives each worker its own scratch buffers.
    static func workers(_ count: Int, threads: Int, _ body: (_ worker: Int, _ workers: Int) -> Void) {
        let w = max(1, min(threads, count))
        Parallel.forEach(w, threads: w) { body($0, w) }
    }
}
