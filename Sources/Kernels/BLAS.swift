import COpenBLAS
import Dispatch

/// Row-major single-precision matrix products over OpenBLAS.
///
/// Every matrix product of the trainer goes through `sgemm`, so that the benchmark's
/// "fraction of sgemm peak" compares like with like.
public enum BLAS {
    /// C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C, all row-major.
    /// `lda`, `ldb`, `ldc` are the row strides of A, B, C as stored (before `op`).
    @inlinable
    public static func sgemm(
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "sgemm: negative dimension")
        if m == 0 || n == 0 { return }
        cblas_sgemm(
            CblasRowMajor,
            transA ? CblasTrans : CblasNoTrans,
            transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb),
            beta, c, Int32(ldc))
    }

    /// Convenience over arrays for tests and small code paths: op(A)·op(B).
    public static func matmul(
        _ a: [Float], _ b: [Float], m: Int, n: Int, k: Int,
        transA: Bool = false, transB: Bool = false
    ) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    sgemm(transA: transA, transB: transB, m: m, n: n, k: k,
                          a: pa.baseAddress!, lda: transA ? m : k,
                          b: pb.baseAddress!, ldb: transB ? k : n,
                          c: pc.baseAddress!, ldc: n)
                }
            }
        }
        return c
    }

    /// OpenBLAS's own worker threads (separate from `Parallel`'s loop threads).
    public static var threads: Int {
        get { Int(llb_get_threads()) }
        set { llb_set_threads(Int32(max(1, newValue))) }
    }

    /// OpenBLAS build string, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".
    public static var configuration: String { String(cString: llb_blas_config()) }
}

extension BLAS {
    /// Best GFLOP/s of C = A·B for n×n matrices (2n³ FLOPs per product), over at least
    /// `repetitions` products and at least `minimumSeconds` of them, on the current
    /// BLAS threads. The best, not the mean: a shared machine only ever slows a run down.
    public static func bestSgemmGFLOPs(size n: Int, repetitions: Int = 1, minimumSeconds: Double = 0) -> Double {
        var rng = SplitMix64(seed: 1)
        let a = (0..<n * n).map { _ in Float(rng.nextUniform() - 0.5) }
        let b = (0..<n * n).map { _ in Float(rng.nextUniform() - 0.5) }
        var c = [Float](repeating: 0, count: n * n)
        var best = Double.infinity, elapsed = 0.0, done = 0
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    repeat {
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        sgemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n,
                              c: pc.baseAddress!, ldc: n)
                        let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                        best = min(best, dt)
                        elapsed += dt
                        done += 1
                    } while done < repetitions || elapsed < minimumSeconds
                }
            }
        }
        return 2 * Double(n) * Double(n) * Double(n) / max(best, 1e-9) / 1e9
    }
}
