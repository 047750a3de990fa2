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
        Case(m: 64, n: 24, k: 256, transposedA: false, accumulate: true, alpha: 1),     // o += p v, head size 24
        Case(m: 64, n: 40, k: 96, transposedA: true, accumulate: true, alpha: 0.5),     // dk += ds^T q, head size 40
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

    /// Columns past the last whole register panel (24 of a head size of 24) go through a
    /// zero-padded copy of B: they must give the bits of the same columns computed inside a
    /// whole panel (B widened to 32 columns), on every copy.
    @Test(arguments: ["chosen"] + VectorISA.all)
    func lastColumnsGiveTheBitsOfAWholePanel(isa: String) throws {
        let m = 19, k = 77, lda = k, alpha: Float = 0.75
        let a = Self.values(m * lda, seed: 11)
        let b32 = Self.values(k * 32, seed: 12)
        let c32 = Self.values(m * 32, seed: 13)
        func product(n: Int) -> [Float]? {
            // B and C keep row stride 32, so the 24-column call reads and writes a prefix.
            var c = c32
            var ran = true
            c.withUnsafeMutableBufferPointer { cp in
                if isa == "chosen" {
                    TileProduct.multiply(m: m, n: n, k: k, alpha: alpha, a: a, rowStride: lda, columnStride: 1,
                                         b: b32, ldb: 32, accumulate: true, c: cp.baseAddress!, ldc: 32)
                } else {
                    ran = TileProduct.multiply(on: isa, m: m, n: n, k: k, alpha: alpha, a: a, rowStride: lda, columnStride: 1,
                                               b: b32, ldb: 32, accumulate: true, c: cp.baseAddress!, ldc: 32)
                }
            }
            return ran ? c : nil
        }
        guard let whole = product(n: 32), let tail = product(n: 24) else { return }
        for i in 0..<m {
            for j in 0..<32 {
                let want = j < 24 ? whole[i * 32 + j] : c32[i * 32 + j]  // past n: untouched
                #expect(tail[i * 32 + j].bitPattern == want.bitPattern, "\(isa) C[\(i), \(j)]")
            }
        }
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
