import Foundation
import Model

/// A plain full causal attention (materialises every score) used only by these tests until
/// and unless a kernel is injected: it checks the model around the kernel, not the kernel.
struct NaiveFullAttention: AttentionBackend {
    var name: String { "naive-full" }

    func forward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                 out: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>,
                 shape s: AttentionGeometry, threads: Int) throws {
        let hd = s.headDim, H = s.nHeads, Hkv = s.nKVHeads, scale = 1 / Double(hd).squareRoot()
        for h in 0..<H {
            let g = h / (H / Hkv)
            for i in 0..<s.n {
                let p = probabilities(q, k, s, h: h, g: g, i: i, scale: scale)
                lse[h * s.n + i] = Float(p.lse)
                for d in 0..<hd {
                    var acc = 0.0
                    for j in 0...i { acc += p.p[j] * Double(v[(j * Hkv + g) * hd + d]) }
                    out[(i * H + h) * hd + d] = Float(acc)
                }
            }
        }
    }

    func backward(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                  out: UnsafePointer<Float>, lse: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
                  dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>,
                  dv: UnsafeMutablePointer<Float>, shape s: AttentionGeometry, threads: Int) throws {
        let hd = s.headDim, H = s.nHeads, Hkv = s.nKVHeads, scale = 1 / Double(hd).squareRoot()
        dq.update(repeating: 0, count: s.n * H * hd)
        dk.update(repeating: 0, count: s.n * Hkv * hd)
        dv.update(repeating: 0, count: s.n * Hkv * hd)
        for h in 0..<H {
            let g = h / (H / Hkv)
            for i in 0..<s.n {
                let p = probabilities(q, k, s, h: h, g: g, i: i, scale: scale).p
                let dO = (0..<hd).map { Double(dOut[(i * H + h) * hd + $0]) }
                var dp = [Double](repeating: 0, count: i + 1)
                for j in 0...i {
                    for d in 0..<hd { dp[j] += dO[d] * Double(v[(j * Hkv + g) * hd + d]) }
                }
                let centre = (0...i).reduce(0.0) { $0 + p[$1] * dp[$1] }
                for j in 0...i {
                    let ds = p[j] * (dp[j] - centre) * scale
                    for d in 0..<hd {
                        dq[(i * H + h) * hd + d] += Float(ds * Double(k[(j * Hkv + g) * hd + d]))
                        dk[(j * Hkv + g) * hd + d] += Float(ds * Double(q[(i * H + h) * hd + d]))
                        dv[(j * Hkv + g) * hd + d] += Float(p[j] * dO[d])
                    }
                }
            }
        }
    }

    func scoredPairs(shape s: AttentionGeometry) throws -> Int { s.nHeads * s.n * (s.n + 1) / 2 }

    private func probabilities(_ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ s: AttentionGeometry,
                               h: Int, g: Int, i: Int, scale: Double) -> (p: [Double], lse: Double) {
        let hd = s.headDim
        var z = [Double](repeating: 0, count: i + 1)
        for j in 0...i {
            var dot = 0.0
            for d in 0..<hd { dot += Double(q[(i * s.nHeads + h) * hd + d]) * Double(k[(j * s.nKVHeads + g) * hd + d]) }
            z[j] = dot * scale
        }
        let m = z.max()!
        let sum = z.reduce(0) { $0 + exp($1 - m) }
        return (z.map { exp($0 - m) / sum }, m + log(sum))
    }
}
