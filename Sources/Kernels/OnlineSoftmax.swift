import CVectorKernels

/// The attention kernel's softmax over a tile of scores, in C (`Sources/CVectorKernels`):
/// 16 lanes per step with a vectorised exp, one call per tile instead of per row. The
/// exponentials were a tenth of a training step at 4096 tokens, run 8 wide in Swift.
/// Rows are `cols` floats with row stride `ld`; every row sums its lanes in one fixed
/// order, so the AVX-512 and AVX2 copies give the same bits.
public enum OnlineSoftmax {
    /// The forward over one run of keys (FlashAttention-2's online softmax): per row r,
    /// with M = max(m[r], max of the row), the row becomes exp(row - M), l[r] becomes
    /// l[r] e^(m[r] - M) + its sum, o's row (hd floats, stride ldo) is scaled by e^(m[r] - M)
    /// and m[r] = M. A row with M = -inf (nothing visible yet) is zeroed and keeps the rest.
    @inline(__always)
    public static func update(
        rows: Int, cols: Int, scores s: UnsafeMutablePointer<Float>, ld: Int,
        max m: UnsafeMutablePointer<Float>, sum l: UnsafeMutablePointer<Float>,
        out o: UnsafeMutablePointer<Float>, ldo: Int, headDim: Int
    ) {
        llb_online_softmax(rows, cols, s, ld, m, l, o, ldo, headDim)
    }

    /// The backward's probabilities from the saved log-sum-exp: p[r, c] = exp(p[r, c] - lse[r]).
    @inline(__always)
    public static func recompute(rows: Int, cols: Int, scores p: UnsafeMutablePointer<Float>, ld: Int,
                                 logSumExp lse: UnsafePointer<Float>) {
        llb_softmax_recompute(rows, cols, p, ld, lse)
    }

    /// The softmax's backward in place over dp: ds[r, c] = p[r, c] (dp[r, c] - d[r]), where
    /// d[r] = dO_r . O_r.
    @inline(__always)
    public static func gradient(rows: Int, cols: Int, probabilities p: UnsafePointer<Float>, ldp: Int,
                                scoreGradients ds: UnsafeMutablePointer<Float>, ldds: Int, d: UnsafePointer<Float>) {
        llb_softmax_gradient(rows, cols, p, ldp, ds, ldds, d)
    }

    /// The three routines on the copy compiled for `isa`, for tests that compare the copies;
    /// false (nothing computed) where this CPU lacks it.
    public static func update(
        on isa: String, rows: Int, cols: Int, scores s: UnsafeMutablePointer<Float>, ld: Int,
        max m: UnsafeMutablePointer<Float>, sum l: UnsafeMutablePointer<Float>,
        out o: UnsafeMutablePointer<Float>, ldo: Int, headDim: Int
    ) -> Bool {
        llb_online_softmax_on(isa, rows, cols, s, ld, m, l, o, ldo, headDim) == 1
    }

    public static func recompute(on isa: String, rows: Int, cols: Int, scores p: UnsafeMutablePointer<Float>,
                                 ld: Int, logSumExp lse: UnsafePointer<Float>) -> Bool {
        llb_softmax_recompute_on(isa, rows, cols, p, ld, lse) == 1
    }

    public static func gradient(on isa: String, rows: Int, cols: Int, probabilities p: UnsafePointer<Float>, ldp: Int,
                                scoreGradients ds: UnsafeMutablePointer<Float>, ldds: Int, d: UnsafePointer<Float>) -> Bool {
        llb_softmax_gradient_on(isa, rows, cols, p, ldp, ds, ldds, d) == 1
    }
}
