import CVectorKernels

/// The attention kernel's tile products, computed in place without OpenBLAS's packing
/// (`Sources/CVectorKernels`): at hd = 32, OpenBLAS packing the probability and score tiles
/// and zeroing its outputs took 17% of a training step at 4096 tokens (14.1% copies, 2.5%
/// memset, profiled with its SkylakeX kernels). The large projections
/// stay with `BLAS.sgemm`.
public enum TileProduct {
    /// C[m, n] = alpha * A B (+ C when `accumulate`), where A(i, p) = a[i * rowStride +
    /// p * columnStride] (rowStride 1 reads a row-major A transposed) and B, C are row-major
    /// with row strides ldb, ldc.
    @inline(__always)
    public static func multiply(
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, rowStride: Int, columnStride: Int,
        b: UnsafePointer<Float>, ldb: Int,
        accumulate: Bool = false, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        llb_tile_product(m, n, k, alpha, a, rowStride, columnStride, b, ldb, accumulate ? 1 : 0, c, ldc)
    }

    /// `multiply` on the copy compiled for `isa`, for tests that compare the copies; false
    /// (nothing computed) where this CPU lacks it.
    public static func multiply(
        on isa: String, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, rowStride: Int, columnStride: Int,
        b: UnsafePointer<Float>, ldb: Int,
        accumulate: Bool = false, c: UnsafeMutablePointer<Float>, ldc: Int
    ) -> Bool {
        llb_tile_product_on(isa, m, n, k, alpha, a, rowStride, columnStride, b, ldb, accumulate ? 1 : 0, c, ldc) == 1
    }

    /// dst[c * ldt + r] = src[r * ld + c] for r < rows, c < columns: dst is [columns, rows]
    /// with row stride ldt, so the products can read k or v of one kv head as B = k^T with
    /// unit-stride rows.
    public static func transpose(_ src: UnsafePointer<Float>, ld: Int, rows: Int, columns: Int,
                                 into dst: UnsafeMutablePointer<Float>, ldt: Int) {
        precondition(ldt >= rows, "transpose: row stride \(ldt) below \(rows) rows")
        for r in 0..<rows {
            let row = src + r * ld
            for c in 0..<columns { dst[c * ldt + r] = row[c] }
        }
    }
}
