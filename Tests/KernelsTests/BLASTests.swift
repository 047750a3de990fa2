import Testing
import Kernels

/// The sgemm wrapper against a naive triple loop in Double, for every transpose combination.
@Suite struct BLASTests {
    func naive(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transA: Bool, transB: Bool) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k {
                    let x = transA ? a[p * m + i] : a[i * k + p]
                    let y = transB ? b[j * k + p] : b[p * n + j]
                    s += Double(x) * Double(y)
                }
                c[i * n + j] = s
            }
        }
        return c
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func sgemmMatchesNaive(transA: Bool, transB: Bool) {
        var rng = SplitMix64(seed: 7)
        let (m, n, k) = (13, 7, 29)  // odd sizes so a swapped stride cannot pass by symmetry
        let a = (0..<(m * k)).map { _ in Float(rng.nextUniform() * 2 - 1) }
        let b = (0..<(k * n)).map { _ in Float(rng.nextUniform() * 2 - 1) }
        let c = BLAS.matmul(a, b, m: m, n: n, k: k, transA: transA, transB: transB)
        let ref = naive(a, b, m: m, n: n, k: k, transA: transA, transB: transB)
        for i in 0..<(m * n) {
            // k=29 products of |x|<1 in float32: error well below 1e-5.
            #expect(abs(Double(c[i]) - ref[i]) < 1e-5, "element \(i)")
        }
    }

    @Test func alphaBetaAccumulate() {
        let a: [Float] = [1, 2, 3, 4]  // 2x2
        let b: [Float] = [5, 6, 7, 8]
        var c: [Float] = [1, 1, 1, 1]
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    BLAS.sgemm(m: 2, n: 2, k: 2, alpha: 2, a: pa.baseAddress!, lda: 2,
                               b: pb.baseAddress!, ldb: 2, beta: 1, c: pc.baseAddress!, ldc: 2)
                }
            }
        }
        #expect(c == [39, 45, 87, 101])  // 2*[[19,22],[43,50]] + 1
    }

    /// The split product against the naive one, for bands of rows (tall C) and of columns
    /// (wide C), every transpose, alpha and beta, bands not multiples of 16 at the end, and
    /// more workers than the machine has; and the same bits on every run at one thread
    /// count (OpenBLAS blocks each band on its own, so the last bits may differ from one
    /// call: results depend on the thread count, not on the run).
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func splitSgemmMatchesNaiveAndRepeats(transA: Bool, transB: Bool) {
        var rng = SplitMix64(seed: 5)
        for (m, n, k) in [(203, 67, 41), (37, 301, 53)] {  // m*n*k above the split threshold
            let a = (0..<(m * k)).map { _ in Float(rng.nextUniform() * 2 - 1) }
            let b = (0..<(k * n)).map { _ in Float(rng.nextUniform() * 2 - 1) }
            let c0 = (0..<(m * n)).map { _ in Float(rng.nextUniform() * 2 - 1) }
            let ref = naive(a, b, m: m, n: n, k: k, transA: transA, transB: transB)
            var first: [Float]?
            for threads in [1, 3, 3] {
                var c = c0
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        c.withUnsafeMutableBufferPointer { pc in
                            BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.75,
                                       a: pa.baseAddress!, lda: transA ? m : k,
                                       b: pb.baseAddress!, ldb: transB ? k : n,
                                       beta: 0.5, c: pc.baseAddress!, ldc: n, threads: threads)
                        }
                    }
                }
                // k <= 53 products of |x| < 1 in float32: error well below 1e-4.
                let worst = c.indices.map { abs(Double(c[$0]) - (0.75 * ref[$0] + 0.5 * Double(c0[$0]))) }.max() ?? 0
                #expect(worst < 1e-4, "m \(m) n \(n) k \(k), \(threads) threads: error \(worst)")
                if threads == 3 {
                    if let first { #expect(c == first, "m \(m) n \(n) k \(k): two runs on 3 threads differ") }
                    first = c
                }
            }
        }
    }

    @Test func parallelVisitsEachIndexOnce() {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 101)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        Parallel.forEach(101, threads: 2) { counts[$0] += 1 }
        #expect(counts.allSatisfy { $0 == 1 })
    }
}
