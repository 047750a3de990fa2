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

    @Test func parallelVisitsEachIndexOnce() {
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 101)
        counts.initialize(repeating: 0)
        defer { counts.deallocate() }
        Parallel.forEach(101, threads: 2) { counts[$0] += 1 }
        #expect(counts.allSatisfy { $0 == 1 })
    }
}
