import Foundation
import Kernels
@testable import Model
import Testing

/// RMSNorm's C kernel against float64, on widths that leave every tail of its 16-lane loop
/// and row counts that cross its 64-row work items; one and two threads give the same bits.
@Suite struct RMSNormTests {
    /// Deterministic values in [-1, 1), from the project's own generator.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in Float(rng.nextUniform() * 2 - 1) }
    }

    struct Output: Equatable { var y, rstd, dx, dw: [Float] }

    static func run(rows: Int, d: Int, threads: Int) -> (Output, x: [Float], w: [Float], dy: [Float], dx0: [Float], dw0: [Float]) {
        let x = values(rows * d, seed: 1).map { 3 * $0 }, w = values(d, seed: 2).map { 1 + $0 / 2 }
        let dy = values(rows * d, seed: 3), dx0 = values(rows * d, seed: 4), dw0 = values(d, seed: 5)
        var out = Output(y: [Float](repeating: .nan, count: rows * d), rstd: [Float](repeating: .nan, count: rows),
                         dx: dx0, dw: dw0)
        out.y.withUnsafeMutableBufferPointer { y in
            out.rstd.withUnsafeMutableBufferPointer { r in
                RMSNorm.forward(x: x, weight: w, y: y.baseAddress!, rstd: r.baseAddress!, rows: rows, dim: d,
                                eps: 1e-5, threads: threads)
            }
        }
        out.dx.withUnsafeMutableBufferPointer { dx in
            out.dw.withUnsafeMutableBufferPointer { dw in
                RMSNorm.backward(x: x, weight: w, rstd: out.rstd, dy: dy, dx: dx.baseAddress!, dweight: dw.baseAddress!,
                                 rows: rows, dim: d, threads: threads)
            }
        }
        return (out, x, w, dy, dx0, dw0)
    }

    @Test(arguments: [(67, 128), (67, 37), (3, 13), (130, 16)])
    func matchesFloat64(rows: Int, d: Int) {
        let (got, x, w, dy, dx0, dw0) = Self.run(rows: rows, d: d, threads: 2)
        func close(_ a: Float, _ b: Double, _ what: String) {
            #expect(abs(Double(a) - b) <= 2e-5 * max(abs(b), 1), "\(what) rows \(rows) d \(d): \(a) vs \(b)")
        }
        var dw = dw0.map(Double.init)
        for r in 0..<rows {
            let xr = (0..<d).map { Double(x[r * d + $0]) }, g = (0..<d).map { Double(dy[r * d + $0]) * Double(w[$0]) }
            let s = 1 / ((xr.reduce(0) { $0 + $1 * $1 } / Double(d) + 1e-5).squareRoot())
            close(got.rstd[r], s, "rstd[\(r)]")
            let mean = zip(g, xr).reduce(0) { $0 + $1.0 * $1.1 * s } / Double(d)
            for j in 0..<d {
                close(got.y[r * d + j], xr[j] * s * Double(w[j]), "y[\(r), \(j)]")
                close(got.dx[r * d + j], Double(dx0[r * d + j]) + s * (g[j] - xr[j] * s * mean), "dx[\(r), \(j)]")
                dw[j] += Double(dy[r * d + j]) * xr[j] * s
            }
        }
        for j in 0..<d { close(got.dw[j], dw[j], "dw[\(j)]") }
    }

    @Test func oneAndTwoThreadsGiveTheSameBits() {
        let one = Self.run(rows: 130, d: 40, threads: 1).0, two = Self.run(rows: 130, d: 40, threads: 2).0
        #expect(one == two)
    }
}
