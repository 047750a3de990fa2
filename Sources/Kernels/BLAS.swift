import COpenBLAS
import Dispatch

/// Row-major single-precision matrix products over OpenBLAS.
///
/// Every matrix product of the trainer goes through `sgemm`, so that the benchmark's
/// "fraction of sgemm peak" compares like with like.
public enum BLAS {
    /// C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C, all row-major.
    /// `lda`, `ldb`, `ldc` are the row strides of A, B, C as stored (before `op`).
    ///
    /// `threads` > 1 splits a large product into one band of C's rows (or columns, when C
    /// is wider than tall) per worker, each one single-threaded OpenBLAS call. The model's
    /// projections ask for that, so that every parallel loop of a step (products, attention
    /// tiles, elementwise work) shares Dispatch's one pool: OpenBLAS's own threads spin
    /// (sched_yield) between calls and took a quarter of the CPU from the attention kernel.
    /// The default, 1, is for callers that are themselves parallel workers (attention tiles).
    /// OpenBLAS blocks each band on its own, so the last bits can differ from one call's:
    /// results depend on the thread count (as the attention backward's per-worker dq sums
    /// do), never on the run.
    @inlinable
    public static func sgemm(
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        threads: Int = 1
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "sgemm: negative dimension")
        if m == 0 || n == 0 { return }
        // Below OpenBLAS's own threading threshold a split costs more than it saves; bands are
        // multiples of 16 rows so that every worker runs whole micro-kernel panels.
        let bandAlign = 16
        let workers = min(threads, max(m, n) / bandAlign)
        if workers > 1 && m * n * k >= splitThreshold {
            let splitRows = m >= n
            let extent = splitRows ? m : n
            Parallel.forEach(workers, threads: workers) { w in
                let lo = extent * w / workers / bandAlign * bandAlign
                let hi = w == workers - 1 ? extent : extent * (w + 1) / workers / bandAlign * bandAlign
                if hi <= lo { return }
                if splitRows {
                    sgemm(transA: transA, transB: transB, m: hi - lo, n: n, k: k, alpha: alpha,
                          a: a + (transA ? lo : lo * lda), lda: lda, b: b, ldb: ldb,
                          beta: beta, c: c + lo * ldc, ldc: ldc)
                } else {
                    sgemm(transA: transA, transB: transB, m: m, n: hi - lo, k: k, alpha: alpha,
                          a: a, lda: lda, b: b + (transB ? lo * ldb : lo), ldb: ldb,
                          beta: beta, c: c + lo, ldc: ldc)
                }
            }
            return
        }
        _ = openBLASSingleThreaded
        cblas_sgemm(
            CblasRowMajor,
            transA ? CblasTrans : CblasNoTrans,
            transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb),
            beta, c, Int32(ldc))
    }

    /// m·n·k below which `sgemm` runs one call whatever its `threads` (OpenBLAS's own
    /// threshold, 4·65536).
    @usableFromInline static let splitThreshold = 4 * 65536

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

    /// OpenBLAS runs on one thread from the first product on; `sgemm(threads:)` and `Parallel`
    /// do the threading (OpenBLAS's idle threads would spin beside them).
    @usableFromInline static let openBLASSingleThreaded: Void = llb_set_threads(1)

    /// OpenBLAS's own worker threads (separate from `Parallel`'s loop threads). One, but for
    /// `bestSgemmGFLOPs(alsoOpenBLASThreads:)`.
    public static var threads: Int {
        get { Int(llb_get_threads()) }
        set { llb_set_threads(Int32(max(1, newValue))) }
    }

    /// OpenBLAS build string, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".
    public static var configuration: String { String(cString: llb_blas_config()) }
}

extension BLAS {
    /// Best GFLOP/s of C = A·B for n×n matrices (2n³ FLOPs per product), over at least
    /// `repetitions` products and at least `minimumSeconds` of them, as the model runs its
    /// products: `sgemm` split over `Parallel.threads`. The best, not the mean: a shared
    /// machine only ever slows a run down.
    ///
    /// `alsoOpenBLASThreads`: also time one OpenBLAS call on its own `Parallel.threads`
    /// threads and keep the better of the two, so that the peak is not lowered by our way
    /// of threading. It changes OpenBLAS's process-wide thread count for the duration, so
    /// only a process doing nothing else may ask for it (`longlora bench` does).
    public static func bestSgemmGFLOPs(size n: Int, repetitions: Int = 1, minimumSeconds: Double = 0,
                                       alsoOpenBLASThreads: Bool = false) -> Double {
        var rng = SplitMix64(seed: 1)
        let a = (0..<n * n).map { _ in Float(rng.nextUniform() - 0.5) }
        let b = (0..<n * n).map { _ in Float(rng.nextUniform() - 0.5) }
        var c = [Float](repeating: 0, count: n * n)
        let openBLAS = alsoOpenBLASThreads && Parallel.threads > 1
        var best = Double.infinity
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    func time(_ product: () -> Void) {
                        var elapsed = 0.0, done = 0
                        repeat {
                            let t0 = DispatchTime.now().uptimeNanoseconds
                            product()
                            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                            best = min(best, dt)
                            elapsed += dt
                            done += 1
                        } while done < repetitions || elapsed < minimumSeconds / (openBLAS ? 2 : 1)
                    }
                    time {
                        sgemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n,
                              c: pc.baseAddress!, ldc: n, threads: Parallel.threads)
                    }
                    if openBLAS {
                        threads = Parallel.threads
                        defer { threads = 1 }
                        time {
                            sgemm(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n,
                                  c: pc.baseAddress!, ldc: n)
                        }
                    }
                }
            }
        }
        return 2 * Double(n) * Double(n) * Double(n) / max(best, 1e-9) / 1e9
    }
}
