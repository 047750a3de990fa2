import Kernels
import Testing

/// The attention kernel's tile products against a float64 reference, for every operand
/// layout the kernel uses (A row-major or transposed, strided B and C, accumulate or not)
/// and shapes that leave every edge case of the register blocks (rows, whole vectors,
/// single columns); and the AVX-512 and AVX2 copies give the same bits.
@Suite struct TileProductTests {
    struct Case {
        var m, n, k: Int
        var transposedA: Bool
        var accumulate: Bool
        var alpha: Float
    }

    static let cases: [Case] = [
        Case(m: 64, n: 32, k: 512, transposedA: false, accumulate: true, alpha: 1),     // o += p v
        Case(m: 64, n: 512, k: 32, transposedA: false, accumulate: false, alpha: 0.18),  // s = q k^T
        Case(m: 64, n: 32, k: 448, transposedA: true, accumulate: true, alpha: 0.25),   // dk += ds^T q
        Case(m: 13, n: 47, k: 7, transposedA: false, accumulate: false, alpha: -1.5),   // every edge
        Case(m: 9, n: 17, k: 1, transposedA: true, accumulate: true, alpha: 1),
        Case(m: 1, n: 3, k: 5, transposedA: false, accumulate: true, alpha: 2),
        Case(m: 7, n: 64, k: 0, transposedA: false, accumulate: true, alpha: 1),        // k = 0 keeps C
    ]

    /// Deterministic values in [-1, 1).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: state >> 11) % 1_000_000) / 1_000_000
        }
    }

    /// A with padded rows (lda = k + 3, or m + 5 when stored transposed), B and C with
    /// padded rows; the padding must come out untouched.
    struct Operands {
        let c: Case
        var a, b, cInit: [Float]
        var lda: Int { c.transposedA ? c.m + 5 : c.k + 3 }
        var ldb: Int { c.n + 2 }
        var ldc: Int { c.n + 4 }
        var rowStride: Int { c.transposedA ? 1 : lda }
        var columnStride: Int { c.transposedA ? lda : 1 }

        init(_ c: Case) {
            self.c = c
            a = []; b = []; cInit = []
            a = TileProductTests.values((c.transposedA ? max(c.k, 1) : c.m) * lda, seed: 1)
            b = TileProductTests.values(max(c.k, 1) * ldb, seed: 2)
            cInit = TileProductTests.values(c.m * ldc, seed: 3)
        }

        func reference() -> [Double] {
            var out = cInit.map(Double.init)
            for i in 0..<c.m {
                for j in 0..<c.n {
                    var sum = 0.0
                    for p in 0..<c.k { sum += Double(a[i * rowStride + p * columnStride]) * Double(b[p * ldb + j]) }
                    out[i * ldc + j] = Double(c.alpha) * sum + (c.accumulate ? out[i * ldc + j] : 0)
                }
            }
            return out
        }

        func run(on isa: String? = nil) -> [Float]? {
            var out = cInit
            var ran = true
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    out.withUnsafeMutableBufferPointer { o in
                        if let isa {
                            ran = TileProduct.multiply(on: isa, m: c.m, n: c.n, k: c.k, alpha: c.alpha, a: a.baseAddress!,
                                                       rowStride: rowStride, columnStride: columnStride, b: b.baseAddress!,
                                                       ldb: ldb, accumulate: c.accumulate, c: o.baseAddress!, ldc: ldc)
                        } else {
                            TileProduct.multiply(m: c.m, n: c.n, k: c.k, alpha: c.alpha, a: a.baseAddress!,
                                                 rowStride: rowStride, columnStride: columnStride, b: b.baseAddress!,
                                                 ldb: ldb, accumulate: c.accumulate, c: o.baseAddress!, ldc: ldc)
                        }
                    }
                }
            }
            return ran ? out : nil
        }
    }

    @Test(arguments: ["chosen"] + VectorISA.all)
    func matchesFloat64(isa: String) throws {
        var ranAny = false
        for c in Self.cases {
            let ops = Operands(c)
            guard let got = ops.run(on: isa == "chosen" ? nil : isa) else { continue }
            ranAny = true
            let want = ops.reference()
            for i in 0..<c.m {
                for j in 0..<ops.ldc {
                    let w = want[i * ops.ldc + j], g = Double(got[i * ops.ldc + j])
                    if j >= c.n {
                        #expect(g == Double(ops.cInit[i * ops.ldc + j]), "padding changed at \(i), \(j)")
                    } else {
                        // float32 sums of k products of values below 1: k ulps of the largest term.
                        #expect(abs(g - w) <= 1e-6 * Double(c.k + 2) * 4, "\(isa) m \(c.m) n \(c.n) k \(c.k) at \(i), \(j): \(g) vs \(w)")
                    }
                }
            }
        }
        // The portable copy exists everywhere; the chosen one always runs.
        if isa == "chosen" || isa == "portable" { #expect(ranAny) }
    }

    @Test func theVectorCopiesGiveTheSameBits() throws {
        let isas = ["avx512", "avx2"]
        for c in Self.cases {
            let ops = Operands(c)
            let results = isas.compactMap { ops.run(on: $0) }
            if results.count == 2 { #expect(results[0] == results[1], "m \(c.m) n \(c.n) k \(c.k)") }
        }
        #expect(VectorISA.all.contains(VectorISA.chosen))
        // The portable copy, compiled everywhere, is the last resort.
        #expect(VectorISA.all.last == "portable" && VectorISA.all.count == Set(VectorISA.all).count)
    }
}
