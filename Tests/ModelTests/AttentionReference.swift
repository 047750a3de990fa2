import Foundation
import Kernels
import Model

/// Float64 reference attention for the kernel tests: the score matrix is materialised
/// and the mask comes from `visible`, written here from the pattern definitions
/// (the paper digest, section 2, and each pattern file's comment), not from the kernel's masks.
enum AttentionReference {
    /// One pattern's definition: whether query i may attend to key j in head `head` of
    /// layer `layer`, for n tokens, group size g and `heads` heads.
    typealias Rule = (_ i: Int, _ j: Int, _ head: Int, _ layer: Int, _ n: Int, _ g: Int, _ heads: Int) -> Bool

    /// Causal, inside plain groups [0, G), [G, 2G), ...
    static func plain(_ i: Int, _ j: Int, _ g: Int) -> Bool { j <= i && i / g == j / g }
    /// Causal, inside the boundary variant's groups: [0, G/2), then groups of G, the last
    /// [n - G/2, n); one group when G = n.
    static func shifted(_ i: Int, _ j: Int, _ n: Int, _ g: Int) -> Bool {
        func group(_ p: Int) -> Int { p < g / 2 ? 0 : 1 + (p - g / 2) / g }
        return j <= i && (g == n || group(i) == group(j))
    }

    /// The reference definition of every pattern, by registry name. The registry test fails
    /// for a registered pattern without an entry here.
    static let definitions: [String: Rule] = [
        "full": { i, j, _, _, _, _, _ in j <= i },
        "short": { i, j, _, _, _, g, _ in plain(i, j, g) },
        "pattern1": { i, j, _, _, _, g, _ in plain(i, j, g) },
        "s2": { i, j, h, _, n, g, heads in h >= heads / 2 ? shifted(i, j, n, g) : plain(i, j, g) },
        "pattern2": { i, j, _, _, n, g, _ in shifted(i, j, n, g) },
        "s2-layers": { i, j, _, layer, n, g, _ in layer % 2 == 1 ? shifted(i, j, n, g) : plain(i, j, g) },
        "s2-roll": { i, j, h, _, n, g, heads in
            guard h >= heads / 2 && g < n else { return plain(i, j, g) }
            // Roll the sequence by -G/2: rolled position of p is (p - G/2) mod n.
            let ri = (i - g / 2 + n) % n, rj = (j - g / 2 + n) % n
            return ri / g == rj / g && rj <= ri
        },
        "dilated": { i, j, h, _, _, g, heads in
            h >= heads / 2 ? (j <= i && i / (2 * g) == j / (2 * g) && (i - j) % 2 == 0) : plain(i, j, g)
        },
        "block-sparse": { i, j, h, _, _, g, _ in
            let b = g / 4, d = 1 + h % 4, gap = i / b - j / b
            return j <= i && (gap == 0 || gap == d || gap == 2 * d)
        },
        "stride-sparse": { i, j, h, _, n, g, heads in
            j <= i && (h >= heads / 2 ? (i - j) % (n / g) == 0 : i - j < g / 2)
        },
    ]

    /// Whether query i may attend to key j in head `head` of layer `layer`.
    static func visible(_ pattern: String, i: Int, j: Int, head: Int, layer: Int, n: Int, g: Int, heads: Int) -> Bool {
        guard let rule = definitions[pattern] else { fatalError("reference has no pattern \(pattern)") }
        return rule(i, j, head, layer, n, g, heads)
    }

    struct Shape {
        var n: Int, heads: Int, kvHeads: Int, hd: Int, g: Int, layer = 0
        var geometry: AttentionGeometry {
            AttentionGeometry(n: n, nHeads: heads, nKVHeads: kvHeads, headDim: hd, layer: layer, nLayers: 2)
        }
    }

    /// The explicit mask [H, n, n] (query-major) of a pattern on a shape.
    static func mask(_ pattern: String, _ s: Shape) -> [Bool] {
        (0..<s.heads).flatMap { h in
            (0..<s.n).flatMap { i in
                (0..<s.n).map { j in visible(pattern, i: i, j: j, head: h, layer: s.layer, n: s.n, g: s.g, heads: s.heads) }
            }
        }
    }

    /// out: [n, H, hd], lse: [H, n] in float64.
    static func forward(_ pattern: String, _ s: Shape, q: [Double], k: [Double], v: [Double], mask: [Bool]? = nil)
        -> (out: [Double], lse: [Double])
    {
        let mask = mask ?? Self.mask(pattern, s)
        var out = [Double](repeating: 0, count: s.n * s.heads * s.hd)
        var lse = [Double](repeating: 0, count: s.heads * s.n)
        let scale = 1 / Double(s.hd).squareRoot()
        let perKV = s.heads / s.kvHeads
        var scores = [Double](repeating: 0, count: s.n)
        for h in 0..<s.heads {
            let kvh = h / perKV
            for i in 0..<s.n {
                var m = -Double.infinity
                for j in 0..<s.n {
                    guard mask[(h * s.n + i) * s.n + j] else {
                        scores[j] = -.infinity
                        continue
                    }
                    var dot = 0.0
                    for c in 0..<s.hd { dot += q[(i * s.heads + h) * s.hd + c] * k[(j * s.kvHeads + kvh) * s.hd + c] }
                    scores[j] = dot * scale
                    m = max(m, scores[j])
                }
                var sum = 0.0
                for j in 0..<s.n where scores[j] > -.infinity { sum += Foundation.exp(scores[j] - m) }
                lse[h * s.n + i] = m + Foundation.log(sum)
                for j in 0..<s.n where scores[j] > -.infinity {
                    let p = Foundation.exp(scores[j] - lse[h * s.n + i])
                    for c in 0..<s.hd { out[(i * s.heads + h) * s.hd + c] += p * v[(j * s.kvHeads + kvh) * s.hd + c] }
                }
            }
        }
        return (out, lse)
    }

    /// Central finite differences of loss = sum(out * r) with respect to each entry of q, k, v.
    static func gradients(_ pattern: String, _ s: Shape, q: [Double], k: [Double], v: [Double], r: [Double])
        -> (dq: [Double], dk: [Double], dv: [Double])
    {
        let mask = Self.mask(pattern, s)
        func loss(_ q: [Double], _ k: [Double], _ v: [Double]) -> Double {
            zip(forward(pattern, s, q: q, k: k, v: v, mask: mask).out, r).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let eps = 1e-5
        func fd(_ x: [Double], _ f: ([Double]) -> Double) -> [Double] {
            var x = x
            return (0..<x.count).map { idx in
                let keep = x[idx]
                x[idx] = keep + eps; let up = f(x)
                x[idx] = keep - eps; let down = f(x)
                x[idx] = keep
                return (up - down) / (2 * eps)
            }
        }
        return (fd(q) { loss($0, k, v) }, fd(k) { loss(q, $0, v) }, fd(v) { loss(q, k, $0) })
    }
}

/// Random tensors and kernel calls over arrays, for the tests.
struct AttentionCase {
    var shape: AttentionReference.Shape
    var q: [Float], k: [Float], v: [Float]

    init(_ shape: AttentionReference.Shape, seed: UInt64) {
        self.shape = shape
        var rng = SplitMix64(seed: seed)
        func randoms(_ count: Int) -> [Float] { (0..<count).map { _ in Float(rng.nextGaussian()) } }
        q = randoms(shape.n * shape.heads * shape.hd)
        k = randoms(shape.n * shape.kvHeads * shape.hd)
        v = randoms(shape.n * shape.kvHeads * shape.hd)
    }

    func pattern(_ name: String) throws -> any AttentionPattern {
        try AttentionKind(name).pattern(groupSize: .tokens(shape.g), length: shape.n)
    }

    func forward(_ name: String, threads: Int = 1, tiling: Attention.Tiling? = nil) throws -> (out: [Float], lse: [Float]) {
        let p = try pattern(name)
        var out = [Float](repeating: .nan, count: q.count)
        var lse = [Float](repeating: .nan, count: shape.heads * shape.n)
        out.withUnsafeMutableBufferPointer { o in
            lse.withUnsafeMutableBufferPointer { l in
                Attention.forward(q: q, k: k, v: v, out: o.baseAddress!, lse: l.baseAddress!,
                                  geometry: shape.geometry, pattern: p, threads: threads, tiling: tiling)
            }
        }
        return (out, lse)
    }

    func backward(_ name: String, dOut: [Float], threads: Int = 1, tiling: Attention.Tiling? = nil) throws -> (dq: [Float], dk: [Float], dv: [Float]) {
        let p = try pattern(name)
        let (out, lse) = try forward(name, threads: threads, tiling: tiling)
        var dq = [Float](repeating: .nan, count: q.count)
        var dk = [Float](repeating: .nan, count: k.count), dv = [Float](repeating: .nan, count: v.count)
        dq.withUnsafeMutableBufferPointer { dqp in
            dk.withUnsafeMutableBufferPointer { dkp in
                dv.withUnsafeMutableBufferPointer { dvp in
                    Attention.backward(q: q, k: k, v: v, out: out, lse: lse, dOut: dOut,
                                       dq: dqp.baseAddress!, dk: dkp.baseAddress!, dv: dvp.baseAddress!,
                                       geometry: shape.geometry, pattern: p, threads: threads, tiling: tiling)
                }
            }
        }
        return (dq, dk, dv)
    }

    var reference: (q: [Double], k: [Double], v: [Double]) { (q.map(Double.init), k.map(Double.init), v.map(Double.init)) }
}

/// Largest |a - b| / (|b| + floor): relative error with a floor for entries near zero.
func maxRelativeError(_ a: [Float], _ b: [Double], floor: Double) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).map { abs(Double($0) - $1) / (abs($1) + floor) }.max() ?? 0
}

func rms(_ x: [Double]) -> Double { (x.reduce(0) { $0 + $1 * $1 } / Double(max(1, x.count))).squareRoot() }

extension Attention.Tiling {
    /// Tiles of 8 in runs of 2: several tiles and runs at the test lengths.
    static let small = Attention.Tiling(tile: 8, runTiles: 2)
}
