import Kernels
import Model
import Testing

/// Every pattern against the float64 reference: masks, tile classification, forward, backward.
@Suite struct AttentionPatternTests {
    static let names = AttentionKind.names
    typealias Shape = AttentionReference.Shape

    @Test(arguments: names)
    func masksMatchTheReferenceDefinition(name: String) throws {
        for (n, g) in [(48, 16), (48, 48), (32, 8)] {
            for layer in 0..<2 {
                let s = Shape(n: n, heads: 4, kvHeads: 4, hd: 4, g: g, layer: layer)
                let pattern = try AttentionKind(name).pattern(groupSize: .tokens(g), length: n)
                for h in 0..<4 {
                    let mask = pattern.mask(head: h, geometry: s.geometry)
                    var pairs = 0
                    for i in 0..<n {
                        var count = 0
                        for j in 0..<n {
                            let expected = AttentionReference.visible(name, i: i, j: j, head: h, layer: layer, n: n, g: g, heads: 4)
                            #expect(mask.isVisible(query: i, key: j) == expected, "\(name) n \(n) G \(g) layer \(layer) head \(h) (\(i), \(j))")
                            if expected { count += 1 }
                        }
                        #expect(count >= 1 && AttentionReference.visible(name, i: i, j: i, head: h, layer: layer, n: n, g: g, heads: 4))
                        #expect(mask.visibleKeyCount(query: i) == count, "\(name) head \(h) query \(i)")
                        pairs += count
                    }
                    #expect(pattern.scoredPairs(head: h, geometry: s.geometry) == pairs, "\(name) head \(h) n \(n) G \(g)")
                }
            }
        }
    }

    /// `.none` and `.all` must be exact (the kernel skips the tile or the mask loop on them),
    /// and `maskScores` must agree with `isVisible`.
    @Test(arguments: names)
    func tileClassificationIsExact(name: String) throws {
        let n = 48, g = 16
        let pattern = try AttentionKind(name).pattern(groupSize: .tokens(g), length: n)
        for layer in 0..<2 {
            let geometry = AttentionGeometry(n: n, nHeads: 4, headDim: 4, layer: layer, nLayers: 2)
            for h in 0..<4 {
                let mask = pattern.mask(head: h, geometry: geometry)
                for tile in [5, 8, 12] {
                    for q0 in stride(from: 0, to: n, by: tile) {
                        for k0 in stride(from: 0, to: n, by: tile) {
                            let qr = q0..<min(n, q0 + tile), kr = k0..<min(n, k0 + tile)
                            let seen = qr.flatMap { i in kr.map { j in mask.isVisible(query: i, key: j) } }
                            // maskScores (overridden by some masks) agrees with isVisible.
                            var scores = [Float](repeating: 1, count: qr.count * kr.count)
                            scores.withUnsafeMutableBufferPointer {
                                mask.maskScores($0.baseAddress!, ld: kr.count, queries: qr, keys: kr)
                            }
                            #expect(scores.map { $0 == 1 } == seen, "\(name) head \(h) maskScores \(qr) x \(kr)")
                            switch mask.tile(queries: qr, keys: kr) {
                            case .none: #expect(!seen.contains(true), "\(name) head \(h) tile \(qr) x \(kr)")
                            case .all: #expect(!seen.contains(false), "\(name) head \(h) tile \(qr) x \(kr)")
                            case .partial: break
                            }
                        }
                    }
                }
            }
        }
    }

    /// Output and lse within 1e-5 relative (floor: the reference's rms, for entries near 0)
    /// of float64; tiles of 5 (ragged) alone and in runs of 3, 8 in runs of 2, and the
    /// default (one tile), on 1 and 2 threads.
    @Test(arguments: names)
    func forwardMatchesFloat64Reference(name: String) throws {
        for (layer, kvHeads) in [(0, 4), (1, 4), (0, 2)] {
            let c = AttentionCase(Shape(n: 48, heads: 4, kvHeads: kvHeads, hd: 8, g: 16, layer: layer), seed: 7)
            let ref = AttentionReference.forward(name, c.shape, q: c.reference.q, k: c.reference.k, v: c.reference.v)
            let tilings: [(Attention.Tiling?, Int)] = [
                (.init(tile: 5, runTiles: 1), 1), (.init(tile: 5, runTiles: 3), 2), (.small, 2), (nil, 1),
            ]
            for (tile, threads) in tilings {
                let got = try c.forward(name, threads: threads, tiling: tile)
                let outError = maxRelativeError(got.out, ref.out, floor: rms(ref.out))
                let lseError = maxRelativeError(got.lse, ref.lse, floor: rms(ref.lse))
                #expect(outError < 1e-5, "\(name) layer \(layer) kv \(kvHeads) tile \(String(describing: tile)): out error \(outError)")
                #expect(lseError < 1e-5, "\(name) layer \(layer) kv \(kvHeads) tile \(String(describing: tile)): lse error \(lseError)")
            }
        }
    }

    /// dq, dk, dv against central finite differences (step 1e-5, truncation error ~1e-10) of
    /// the float64 reference's loss sum(out * R). Tolerance: 1e-4 relative with a floor of
    /// the gradient's rms. The kernel's float32 error is ~1e-6; a transposed or misplaced
    /// index (token/head swapped, dk written to the wrong row, p used for p^T) puts another
    /// entry's gradient in place, an error of order the rms itself, 1e4 times the tolerance,
    /// and with random q, k, v, R no two gradient entries coincide.
    @Test(arguments: names)
    func backwardMatchesFiniteDifferences(name: String) throws {
        let cases: [Shape] = [
            Shape(n: 16, heads: 4, kvHeads: 4, hd: 4, g: 8, layer: 1),
            Shape(n: 16, heads: 4, kvHeads: 2, hd: 4, g: 8, layer: 0),  // grouped-query
        ]
        for shape in cases {
            let c = AttentionCase(shape, seed: 11)
            var rng = SplitMix64(seed: 3)
            let r = (0..<c.q.count).map { _ in rng.nextGaussian() }
            let ref = AttentionReference.gradients(name, shape, q: c.reference.q, k: c.reference.k, v: c.reference.v, r: r)
            // Tiles of 4 alone and in runs of 3 (the last run ragged), 6 in runs of 2.
            let tilings: [(Attention.Tiling, Int)] = [
                (.init(tile: 4, runTiles: 1), 2), (.init(tile: 4, runTiles: 3), 1), (.init(tile: 6, runTiles: 2), 1),
            ]
            for (tile, threads) in tilings {
                let got = try c.backward(name, dOut: r.map(Float.init), threads: threads, tiling: tile)
                for (label, a, b) in [("dq", got.dq, ref.dq), ("dk", got.dk, ref.dk), ("dv", got.dv, ref.dv)] {
                    let error = maxRelativeError(a, b, floor: rms(b))
                    #expect(error < 1e-4, "\(name) kv \(shape.kvHeads) tile \(tile): \(label) error \(error)")
                }
            }
        }
    }
}
