import Foundation
@testable import Model
import Testing

/// The vectorised exp the attention softmax runs on every score, against float64 exp.
@Suite struct TileMathTests {
    /// Relative error within 3 float32 ulp (3 * 2^-23 ~ 3.6e-7) over [-87, 88], more than
    /// the kernel feeds it (scores minus their row max are <= 0; the backward's s - lse too), and
    /// exactly 0 for a masked score (-inf), never NaN. A wrong polynomial coefficient or
    /// range-reduction constant is off by 1e-4 or more somewhere on this grid.
    @Test func expIsAccurateToAFewUlp() {
        var worst = 0.0, worstAt: Float = 0
        var x: Float = -87
        while x <= 88 {
            let v = SIMD8<Float>((0..<8).map { x + Float($0) * 0.001_37 })
            let e = TileMath.exp(v)
            for i in 0..<8 where v[i] <= 88 {
                let ref = Foundation.exp(Double(v[i]))
                let error = abs(Double(e[i]) - ref) / ref
                if error > worst { worst = error; worstAt = v[i] }
            }
            x += 0.0137
        }
        #expect(worst < 3.6e-7, "worst relative error \(worst) at x = \(worstAt)")
        #expect(TileMath.exp(Float(0)) == 1)
        #expect(TileMath.exp(-Float.infinity) == 0)
        #expect(TileMath.exp(Float(-100)) == 0)
    }

    /// expShifted over a row with a ragged tail: each entry exp(x - shift), and their sum.
    @Test func expShiftedWritesTheRowAndReturnsItsSum() {
        var row: [Float] = (0..<13).map { -Float($0) * 0.7 }
        row[5] = -.infinity  // masked
        let reference = row.map { Foundation.exp(Double($0) - 0.5) }
        let sum = row.withUnsafeMutableBufferPointer { TileMath.expShifted($0.baseAddress!, count: 13, shift: 0.5) }
        for (got, want) in zip(row, reference) { #expect(abs(Double(got) - want) <= 4e-7 * want) }
        #expect(row[5] == 0)
        #expect(abs(Double(sum) - reference.reduce(0, +)) < 1e-6)
    }
}
