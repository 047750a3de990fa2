import Foundation
import Kernels

/// The one tiled, online-softmax attention kernel (FlashAttention-2 style) that runs
/// every pattern, forward and backward. Scores exist only as per-worker tiles of
/// Bq x Bk; the n x n matrix is never formed. Each pattern's per-head mask says which
/// tiles are dead (skipped), fully visible (no mask loop) or partial. The tile products
/// run in place on `TileProduct` (k and v transposed once per call), not on OpenBLAS,
/// which packed every score and probability tile before multiplying it.
///
/// Layouts (row-major, token-major, one sequence): q, out, dOut, dq: [n, H, hd];
/// k, v, dk, dv: [n, Hkv, hd]; lse: [H, n]. Query head h reads kv head h / (H / Hkv).
public enum Attention {
    /// How the kernel cuts the n x n score plane: square tiles of `tile` x `tile` decide
    /// what is skipped or masked; up to `runTiles` consecutive live tiles along the keys
    /// (forward) or queries (backward) go to one tile product and one pass of the online
    /// softmax. Longer runs amortise the per-run work, while the 64-wide tiles keep the
    /// work wasted on masked halves of diagonal tiles small.
    public struct Tiling: Hashable, Sendable {
        public var tile: Int
        public var runTiles: Int

        public init(tile: Int, runTiles: Int) {
            precondition(tile > 0 && runTiles > 0, "attention tiling: tile \(tile) and run \(runTiles) must be positive")
            self.tile = tile
            self.runTiles = runTiles
        }

        /// Tile edge by head size, runs of up to 512 keys: a 64 x 512 score block (128 KB)
        /// stays in a core's L2 next to the q, k and v rows it is made from.
        public static func `default`(headDim hd: Int) -> Tiling {
            let tile = hd <= 32 ? 64 : hd <= 64 ? 32 : 16
            return Tiling(tile: tile, runTiles: max(1, 512 / tile))
        }
    }

    /// Everything the passes share for one call.
    struct Plan {
        let g: AttentionGeometry
        let masks: [any AttentionMask]
        let tile: Int
        let runTiles: Int
        let scale: Float

        init(geometry g: AttentionGeometry, pattern: any AttentionPattern, tiling: Tiling?) {
            // The pattern was checked for this length when it was made (`AttentionKind.pattern`).
            precondition(g.n > 0 && g.nHeads > 0 && g.nKVHeads > 0 && g.headDim > 0 && g.nHeads % g.nKVHeads == 0,
                         "attention shape invalid: n \(g.n), heads \(g.nHeads), kv heads \(g.nKVHeads), head dim \(g.headDim)")
            precondition((0..<max(g.n, 1)).contains(g.queryStart), "attention: first query \(g.queryStart) outside 0..<\(g.n)")
            self.g = g
            masks = (0..<g.nHeads).map { pattern.mask(head: $0, geometry: g) }
            let tiling = tiling ?? .default(headDim: g.headDim)
            tile = tiling.tile
            runTiles = tiling.runTiles
            scale = 1 / Float(g.headDim).squareRoot()
        }

        var tiles: Int { (g.n + tile - 1) / tile }
        /// Tiles holding queries: those from the one holding `queryStart` on.
        var queryTiles: Range<Int> { (g.queryStart / tile)..<tiles }
        /// Query positions of tile t (the first one starts at `queryStart`).
        func queryRange(_ t: Int) -> Range<Int> { max(g.queryStart, t * tile)..<min(g.n, (t + 1) * tile) }
        /// The widest run, in rows or keys: the row stride of the score scratch.
        var runWidth: Int { runTiles * tile }
        func range(_ t: Int) -> Range<Int> { (t * tile)..<min(g.n, (t + 1) * tile) }
        /// Token range covered by a run of tiles.
        func range(_ run: Range<Int>) -> Range<Int> { range(run.lowerBound).lowerBound..<range(run.upperBound - 1).upperBound }
        /// Row strides of the query-side and key-side tensors.
        var ldq: Int { g.nHeads * g.headDim }
        var ldk: Int { g.nKVHeads * g.headDim }
        func kvHead(_ h: Int) -> Int { h / g.headsPerKV }

        /// Row stride of a `transposed` tensor: n rounded up to whole 64-byte lines, and an odd
        /// number of them. A power-of-two stride (16 KB at n = 4096) puts the hd rows a tile
        /// product reads into one set of the L1 cache, which then misses on every row.
        var transposedStride: Int {
            let lines = (g.n + 15) / 16
            return (lines % 2 == 0 ? lines + 1 : lines) * 16
        }

        /// k or v ([n, Hkv, hd]) as k^T per kv head: [Hkv, hd, n] with row stride
        /// `transposedStride`, so that a product with k^T reads unit-stride rows of keys.
        /// Caller deallocates. Bands of 256 keys per kv head go to the workers: on one thread
        /// the transposes were 2% of an S2 step at mini, with the other core idle.
        func transposed(_ x: UnsafePointer<Float>, threads: Int) -> UnsafeMutablePointer<Float> {
            let t = UnsafeMutablePointer<Float>.allocate(capacity: g.nKVHeads * g.headDim * transposedStride)
            let band = 256, bands = (g.n + band - 1) / band
            Parallel.forEach(g.nKVHeads * bands, threads: threads) { item in
                let kvh = item / bands, lo = (item % bands) * band, hi = min(g.n, lo + band)
                TileProduct.transpose(x + lo * ldk + kvh * g.headDim, ld: ldk, rows: hi - lo, columns: g.headDim,
                                      into: t + kvh * g.headDim * transposedStride + lo, ldt: transposedStride)
            }
            return t
        }

        /// Columns from key `j` on of kv head `kvh` in a `transposed` tensor.
        func keyColumns(_ t: UnsafePointer<Float>, head kvh: Int, from j: Int) -> UnsafePointer<Float> {
            t + kvh * g.headDim * transposedStride + j
        }

        /// The next run of at most `runTiles` consecutive tiles, at or after `t`, that
        /// `visibility` does not rule out; advances `t` past it. nil when none is left.
        func liveRun(from t: inout Int, _ visibility: (Int) -> TileVisibility) -> Range<Int>? {
            while t < tiles && visibility(t) == .none { t += 1 }
            guard t < tiles else { return nil }
            let first = t
            while t < tiles && t - first < runTiles && visibility(t) != .none { t += 1 }
            return first..<t
        }
    }

    /// Runs `body(worker, item)` for items 0..<count on min(threads, count) workers, worker w
    /// taking items w, w+W, w+2W, ...: interleaving balances causal work, whose cost grows
    /// with the tile index, and gives each worker its own scratch buffers.
    static func workers(_ count: Int, threads: Int, _ body: (_ worker: Int, _ workers: Int) -> Void) {
        let w = max(1, min(threads, count))
        Parallel.forEach(w, threads: w) { body($0, w) }
    }
}
