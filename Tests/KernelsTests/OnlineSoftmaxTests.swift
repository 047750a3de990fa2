import Foundation
import Kernels
import Testing

/// The attention kernel's softmax routines against float64, on tiles whose rows have masked
/// scores (-inf), rows masked whole, running maxima that do and do not move, and widths that
/// leave every tail of the 16-lane loop; padding beyond a row stays untouched; the AVX-512
/// and AVX2 copies give the same bits; and a NaN score reaches the row's sum.
@Suite struct OnlineSoftmaxTests {
    static let widths = [512, 64, 47, 16, 13, 1]
    static let rows = 6, headDim = 40  // hd not a multiple of 16: o's tail too

    /// A tile of scores [rows, cols] with row stride cols + 3 (padding 7.5): row 1 masked
    /// whole, every fifth score of the others masked, values in [-8, 8).
    struct Tile {
        let cols: Int
        var ld: Int { cols + 3 }
        var scores: [Float]
        var m: [Float], l: [Float], o: [Float]  // the running state before the update
        var ldo: Int { OnlineSoftmaxTests.headDim + 2 }

        init(cols: Int, seed: UInt64) {
            self.cols = cols
            let rows = OnlineSoftmaxTests.rows
            var values = TileProductTests.values(rows * (cols + 3), seed: seed).map { 8 * $0 }
            for r in 0..<rows {
                for c in 0..<(cols + 3) {
                    if c >= cols { values[r * (cols + 3) + c] = 7.5 }
                    else if r == 1 || (r * 7 + c) % 5 == 0 { values[r * (cols + 3) + c] = -.infinity }
                }
            }
            scores = values
            // Row 0 has seen nothing yet, row 1 nothing either (and sees nothing now), row 2 a
            // larger max than this run's, the others smaller ones.
            m = [-.infinity, -.infinity, 9, 2, -3, 0.5]
            l = [0, 0, 3.25, 1.5, 7, 2]
            o = TileProductTests.values(rows * (OnlineSoftmaxTests.headDim + 2), seed: seed + 1)
        }

        func run(on isa: String?) -> Tile? {
            var t = self
            var ran = true
            t.scores.withUnsafeMutableBufferPointer { s in
                t.m.withUnsafeMutableBufferPointer { m in
                    t.l.withUnsafeMutableBufferPointer { l in
                        t.o.withUnsafeMutableBufferPointer { o in
                            if let isa {
                                ran = OnlineSoftmax.update(on: isa, rows: OnlineSoftmaxTests.rows, cols: cols, scores: s.baseAddress!,
                                                           ld: ld, max: m.baseAddress!, sum: l.baseAddress!, out: o.baseAddress!,
                                                           ldo: ldo, headDim: OnlineSoftmaxTests.headDim)
                            } else {
                                OnlineSoftmax.update(rows: OnlineSoftmaxTests.rows, cols: cols, scores: s.baseAddress!, ld: ld,
                                                     max: m.baseAddress!, sum: l.baseAddress!, out: o.baseAddress!, ldo: ldo,
                                                     headDim: OnlineSoftmaxTests.headDim)
                            }
                        }
                    }
                }
            }
            return ran ? t : nil
        }

        var bits: [UInt32] { (scores + m + l + o).map(\.bitPattern) }
    }

    static func close(_ got: Float, _ want: Double, _ what: String) {
        // exp to about 2 ulp, sums of up to 512 terms: a relative 1e-5 with room.
        #expect(abs(Double(got) - want) <= 1e-5 * max(abs(want), 1e-30), "\(what): \(got) vs \(want)")
    }

    @Test(arguments: ["chosen"] + VectorISA.all)
    func updateMatchesFloat64(isa: String) {
        var ranAny = false
        for cols in Self.widths {
            let before = Tile(cols: cols, seed: UInt64(cols))
            guard let after = before.run(on: isa == "chosen" ? nil : isa) else { continue }
            ranAny = true
            for r in 0..<Self.rows {
                let row = (0..<cols).map { Double(before.scores[r * before.ld + $0]) }
                let newMax = max(Double(before.m[r]), row.max() ?? -.infinity)
                for c in cols..<before.ld {
                    #expect(after.scores[r * before.ld + c] == 7.5, "padding changed at \(r), \(c)")
                }
                if newMax == -.infinity {  // nothing visible: zeros, state kept
                    #expect((0..<cols).allSatisfy { after.scores[r * before.ld + $0] == 0 })
                    #expect(after.m[r] == before.m[r] && after.l[r] == before.l[r])
                    #expect(Array(after.o[(r * before.ldo)..<((r + 1) * before.ldo)]) == Array(before.o[(r * before.ldo)..<((r + 1) * before.ldo)]))
                    continue
                }
                let p = row.map { exp($0 - newMax) }
                let correction = exp(Double(before.m[r]) - newMax)
                for c in 0..<cols { Self.close(after.scores[r * before.ld + c], p[c], "\(isa) cols \(cols) p[\(r), \(c)]") }
                #expect(Double(after.m[r]) == newMax)
                Self.close(after.l[r], Double(before.l[r]) * correction + p.reduce(0, +), "\(isa) cols \(cols) l[\(r)]")
                for c in 0..<before.ldo {
                    let i = r * before.ldo + c
                    if c < Self.headDim {
                        Self.close(after.o[i], Double(before.o[i]) * correction, "\(isa) cols \(cols) o[\(r), \(c)]")
                    } else {
                        #expect(after.o[i] == before.o[i], "o's padding changed at \(r), \(c)")
                    }
                }
            }
        }
        if isa == "chosen" || isa == "portable" { #expect(ranAny) }
    }

    /// The backward's two routines on one tile: p = exp(s - lse), then ds = p (dp - d).
    @Test(arguments: ["chosen"] + VectorISA.all)
    func backwardMatchesFloat64(isa: String) {
        for cols in Self.widths {
            let tile = Tile(cols: cols, seed: 100 + UInt64(cols))
            let lse: [Float] = [3, 0, 9.5, -2, 4, 1]
            let d = TileProductTests.values(Self.rows, seed: 7)
            var p = tile.scores
            var ds = TileProductTests.values(Self.rows * tile.ld, seed: 8)
            let dp = ds
            let isaOrNil = isa == "chosen" ? nil : isa
            let ran = p.withUnsafeMutableBufferPointer { p in
                ds.withUnsafeMutableBufferPointer { ds in
                    guard let isaOrNil else {
                        OnlineSoftmax.recompute(rows: Self.rows, cols: cols, scores: p.baseAddress!, ld: tile.ld, logSumExp: lse)
                        OnlineSoftmax.gradient(rows: Self.rows, cols: cols, probabilities: p.baseAddress!, ldp: tile.ld,
                                               scoreGradients: ds.baseAddress!, ldds: tile.ld, d: d)
                        return true
                    }
                    return OnlineSoftmax.recompute(on: isaOrNil, rows: Self.rows, cols: cols, scores: p.baseAddress!, ld: tile.ld, logSumExp: lse)
                        && OnlineSoftmax.gradient(on: isaOrNil, rows: Self.rows, cols: cols, probabilities: p.baseAddress!, ldp: tile.ld,
                                                  scoreGradients: ds.baseAddress!, ldds: tile.ld, d: d)
                }
            }
            guard ran else { continue }
            for r in 0..<Self.rows {
                for c in 0..<tile.ld {
                    let i = r * tile.ld + c
                    if c >= cols {
                        #expect(p[i] == tile.scores[i] && ds[i] == dp[i], "padding changed at \(r), \(c)")
                        continue
                    }
                    let want = exp(Double(tile.scores[i]) - Double(lse[r]))
                    if tile.scores[i] == -.infinity { #expect(p[i] == 0) } else { Self.close(p[i], want, "\(isa) p[\(r), \(c)]") }
                    // ds from the p computed here: the product and difference are exact to an ulp each.
                    Self.close(ds[i], Double(p[i]) * (Double(dp[i]) - Double(d[r])), "\(isa) ds[\(r), \(c)]")
                }
            }
        }
    }

    @Test func theVectorCopiesGiveTheSameBits() {
        for cols in Self.widths {
            let tile = Tile(cols: cols, seed: 200 + UInt64(cols))
            guard let a = tile.run(on: "avx512"), let b = tile.run(on: "avx2") else { return }
            #expect(a.bits == b.bits, "cols \(cols)")
            var p512 = tile.scores, p2 = tile.scores
            let lse: [Float] = [1, 2, 3, 4, 5, 6]
            _ = OnlineSoftmax.recompute(on: "avx512", rows: Self.rows, cols: cols, scores: &p512, ld: tile.ld, logSumExp: lse)
            _ = OnlineSoftmax.recompute(on: "avx2", rows: Self.rows, cols: cols, scores: &p2, ld: tile.ld, logSumExp: lse)
            #expect(p512.map(\.bitPattern) == p2.map(\.bitPattern), "recompute, cols \(cols)")
        }
    }

    /// A diverged model's NaN score must reach the row's sum (the attention then writes NaN
    /// and the trainer names the divergence), not vanish in the max or the exp.
    @Test func aNaNScoreReachesTheSum() {
        var s: [Float] = Array(repeating: 0.5, count: 37)
        s[20] = .nan
        var m: [Float] = [-.infinity], l: [Float] = [0], o: [Float] = [1, 2]
        OnlineSoftmax.update(rows: 1, cols: 37, scores: &s, ld: 37, max: &m, sum: &l, out: &o, ldo: 2, headDim: 2)
        #expect(l[0].isNaN)
        #expect(s[20].isNaN && s[0] == 1)
    }

    /// exp(0) is exactly 1, and scores far below the max give exactly 0 (never a denormal).
    @Test func exactEnds() {
        var s: [Float] = [3, 3 - 90, 3 - 200, -.infinity]
        var m: [Float] = [-.infinity], l: [Float] = [0], o: [Float] = [0]
        OnlineSoftmax.update(rows: 1, cols: 4, scores: &s, ld: 4, max: &m, sum: &l, out: &o, ldo: 1, headDim: 1)
        #expect(s == [1, 0, 0, 0] && l == [1] && m == [3])
    }
}
