import CVectorKernels
import Foundation
import Kernels
import Testing

/// The exp every C routine shares, and the elementwise routines built on it (SwiGLU, the
/// cross-entropy's softmax), against float64: widths that leave every tail of the 16-lane
/// loop, arguments far outside exp's range, and NaN.
@Suite struct PointwiseTests {
    static let widths = [100, 37, 16, 13, 1]

    static func exp(on isa: String, _ x: [Float]) -> [Float]? {
        var y = [Float](repeating: .nan, count: x.count)
        let ran = y.withUnsafeMutableBufferPointer { llb_exp_on(isa, x.count, x, $0.baseAddress!) }
        return ran == 1 ? y : nil
    }

    /// Relative error within 3 float32 ulp (3 * 2^-23 ~ 3.6e-7) over [-87, 88]: a wrong
    /// polynomial coefficient or range-reduction constant is off by 1e-4 or more somewhere on
    /// this grid. Exactly 1 at 0 and exactly 0 below -87 (a masked score, -inf, gives 0, never
    /// NaN); NaN stays NaN.
    @Test(arguments: VectorISA.all)
    func expIsAccurateToAFewUlp(isa: String) throws {
        let grid = stride(from: Float(-87), through: 88, by: 0.001_37).map { $0 }
        guard let e = Self.exp(on: isa, grid) else { return }  // this CPU lacks the copy
        var worst = 0.0, worstAt: Float = 0
        for (x, got) in zip(grid, e) {
            let error = abs(Double(got) - Foundation.exp(Double(x))) / Foundation.exp(Double(x))
            if error > worst { worst = error; worstAt = x }
        }
        #expect(worst < 3.6e-7, "\(isa): worst relative error \(worst) at x = \(worstAt)")
        let special = try #require(Self.exp(on: isa, [0, -.infinity, -100, .nan, 1000]))
        #expect(special[0] == 1 && special[1] == 0 && special[2] == 0, "\(isa): \(special)")
        #expect(special[3].isNaN, "\(isa): exp(NaN) = \(special[3])")
        #expect(special[4].isFinite, "\(isa): exp(1000) clamps to exp(88), got \(special[4])")
    }

    @Test func theVectorCopiesOfExpGiveTheSameBits() {
        let x = TileProductTests.values(1000, seed: 7).map { 170 * $0 - 85 }
        let results = ["avx512", "avx2"].compactMap { Self.exp(on: $0, x) }
        if results.count == 2 { #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern)) }
    }

    /// h = g sigmoid(g) u, dg = dh u sig (1 + g (1 - sig)), du = dh g sig, to a relative
    /// 1e-6 with an absolute floor; gates of +-100 saturate without NaN.
    @Test(arguments: widths)
    func swigluMatchesFloat64(n: Int) {
        var g = TileProductTests.values(n, seed: 3).map { 16 * $0 - 8 }
        if n > 2 { g[0] = 100; g[1] = -100 }
        let u = TileProductTests.values(n, seed: 4).map { 2 * $0 - 1 }
        let dh = TileProductTests.values(n, seed: 5).map { 2 * $0 - 1 }
        var h = [Float](repeating: .nan, count: n + 1), dg = h, du = h
        h[n] = 7; dg[n] = 7; du[n] = 7  // beyond the row: untouched
        h.withUnsafeMutableBufferPointer { llb_swiglu_forward(n, g, u, $0.baseAddress!) }
        dg.withUnsafeMutableBufferPointer { dgp in
            du.withUnsafeMutableBufferPointer { llb_swiglu_backward(n, g, u, dh, dgp.baseAddress!, $0.baseAddress!) }
        }
        func close(_ got: Float, _ want: Double, _ what: String) {
            #expect(abs(Double(got) - want) <= 1e-6 * max(abs(want), 1e-3), "\(what): \(got) vs \(want)")
        }
        for i in 0..<n {
            let gd = Double(g[i]), ud = Double(u[i]), dhd = Double(dh[i])
            let sig = 1 / (1 + Foundation.exp(-gd))
            close(h[i], gd * sig * ud, "h[\(i)] n \(n)")
            close(dg[i], dhd * ud * sig * (1 + gd * (1 - sig)), "dg[\(i)] n \(n)")
            close(du[i], dhd * gd * sig, "du[\(i)] n \(n)")
        }
        #expect(h[n] == 7 && dg[n] == 7 && du[n] == 7)
    }

    /// The log-sum-exp of a row of logits, and the gradient scale * (softmax - onehot) in
    /// place; a NaN logit makes the row's log-sum-exp NaN (a diverged model shows as NaN).
    @Test(arguments: widths + [4096 + 5])
    func crossEntropyMatchesFloat64(n: Int) {
        let z = TileProductTests.values(n, seed: 9).map { 30 * $0 - 10 }
        let zMax = Double(z.max()!)
        let lse = zMax + Foundation.log(z.reduce(0.0) { $0 + Foundation.exp(Double($1) - zMax) })
        let got = llb_log_sum_exp(n, z)
        #expect(abs(Double(got) - lse) <= 2e-6 * max(abs(lse), 1), "n \(n): \(got) vs \(lse)")
        var grad = z + [7]
        let target = n / 2, scale: Float = 0.25
        grad.withUnsafeMutableBufferPointer { llb_cross_entropy_gradient(n, $0.baseAddress!, got, scale, target) }
        for i in 0..<n {
            let want = 0.25 * (Foundation.exp(Double(z[i]) - lse) - (i == target ? 1 : 0))
            #expect(abs(Double(grad[i]) - want) <= 2e-6 * 0.25 + 1e-6 * abs(want), "n \(n) grad[\(i)]: \(grad[i]) vs \(want)")
        }
        #expect(grad[n] == 7)
        var withNaN = z
        withNaN[n - 1] = .nan
        #expect(llb_log_sum_exp(n, withNaN).isNaN, "n \(n)")
    }
}
