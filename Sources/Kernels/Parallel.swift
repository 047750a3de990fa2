import Dispatch

/// Parallel loops over heads or rows for the elementwise and attention work, and over
/// bands of the large matrix products (`BLAS.sgemm(threads:)`). `Parallel.threads = 1`
/// makes every loop serial, which gives bit-identical runs.
public enum Parallel {
    nonisolated(unsafe) public static var threads: Int = 1

    /// Calls `body(i)` for i in 0..<count, split over `threads` workers in
    /// contiguous chunks. Each index is visited exactly once; no ordering between chunks.
    @inlinable
    public static func forEach(_ count: Int, threads: Int = Parallel.threads, _ body: (Int) -> Void) {
        let workers = min(threads, count)
        if workers <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let lo = count * w / workers, hi = count * (w + 1) / workers
                for i in lo..<hi { body(i) }
            }
        }
    }

    /// Sets the loop threads, which `BLAS.sgemm(threads:)` also splits products over
    /// (OpenBLAS itself stays on one thread; see `BLAS.sgemm` for why).
    public static func configure(threads n: Int) {
        threads = max(1, n)
    }
}
