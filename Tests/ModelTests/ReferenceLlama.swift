import Foundation
import Model

/// An independent float64 LLaMA forward pass written from the definitions with plain loops:
/// it shares no code with the production model (only the tensor names and shapes).
struct ReferenceLlama {
    let c: ModelConfig
    let lora: LoRAConfig?
    let piFactor: Double
    /// An attention pattern by registry name and its group size in tokens, applied through
    /// `AttentionReference`'s definitions; nil is full causal attention.
    let pattern: (name: String, group: Int)?
    var p: [String: [Double]]

    init(model: LlamaModel, pattern: (name: String, group: Int)? = nil) {
        self.pattern = pattern
        c = model.config
        lora = model.lora
        piFactor = model.rope.interpolationFactor
        var p: [String: [Double]] = [:]
        for t in model.parameters.tensors { p[t.name] = model.parameters.values(of: t.name).map(Double.init) }
        self.p = p
    }

    /// y = W x (+ LoRA), W: [out, in].
    func linear(_ x: [Double], layer: Int, _ t: String) -> [Double] {
        let w = p["model.layers.\(layer).\(t).weight"]!
        let inDim = x.count, outDim = w.count / inDim
        var y = [Double](repeating: 0, count: outDim)
        for o in 0..<outDim { for i in 0..<inDim { y[o] += w[o * inDim + i] * x[i] } }
        let stem = "base_model.model.model.layers.\(layer).\(t)"
        if let lora, let a = p["\(stem).lora_A.weight"], let b = p["\(stem).lora_B.weight"] {
            let r = lora.rank, s = lora.alpha / Double(r)
            var ax = [Double](repeating: 0, count: r)
            for j in 0..<r { for i in 0..<inDim { ax[j] += a[j * inDim + i] * x[i] } }
            for o in 0..<outDim { for j in 0..<r { y[o] += s * b[o * r + j] * ax[j] } }
        }
        return y
    }

    func rmsnorm(_ x: [Double], _ name: String) -> [Double] {
        let w = p[name]!
        let ms = x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
        let r = 1 / (ms + Double(c.normEps)).squareRoot()
        return x.indices.map { x[$0] * r * w[$0] }
    }

    /// Rotate-half RoPE of one head vector at position `pos`, with position interpolation.
    func rope(_ x: [Double], pos: Int) -> [Double] {
        let hd = x.count, half = hd / 2
        var y = x
        for i in 0..<half {
            let theta = Double(pos) / piFactor * pow(c.ropeBase, -2 * Double(i) / Double(hd))
            y[i] = x[i] * cos(theta) - x[i + half] * sin(theta)
            y[i + half] = x[i + half] * cos(theta) + x[i] * sin(theta)
        }
        return y
    }

    /// Whether query i sees key j in head h of layer l.
    func visible(_ i: Int, _ j: Int, head h: Int, layer l: Int, n: Int) -> Bool {
        guard let pattern else { return j <= i }
        return AttentionReference.visible(pattern.name, i: i, j: j, head: h, layer: l, n: n, g: pattern.group, heads: c.nHeads)
    }

    /// Logits [n][V] of one sequence. Queries and the attention output are H * hd wide, which
    /// is d unless the configuration sets its own head width.
    func logits(_ tokens: [Int32]) -> [[Double]] {
        let n = tokens.count, d = c.dim, hd = c.headDim, H = c.nHeads, Hkv = c.nKVHeads
        let emb = p["model.embed_tokens.weight"]!
        var x = tokens.map { t in (0..<d).map { emb[Int(t) * d + $0] } }
        for l in 0..<c.nLayers {
            let xn = x.map { rmsnorm($0, "model.layers.\(l).input_layernorm.weight") }
            var q = xn.map { linear($0, layer: l, "self_attn.q_proj") }
            var k = xn.map { linear($0, layer: l, "self_attn.k_proj") }
            let v = xn.map { linear($0, layer: l, "self_attn.v_proj") }
            for t in 0..<n {
                for h in 0..<H { q[t].replaceSubrange(h * hd..<(h + 1) * hd, with: rope(Array(q[t][h * hd..<(h + 1) * hd]), pos: t)) }
                for h in 0..<Hkv { k[t].replaceSubrange(h * hd..<(h + 1) * hd, with: rope(Array(k[t][h * hd..<(h + 1) * hd]), pos: t)) }
            }
            var att = [[Double]](repeating: [Double](repeating: 0, count: H * hd), count: n)
            for h in 0..<H {
                let g = h * Hkv / H
                for i in 0..<n {
                    let keys = (0..<n).filter { visible(i, $0, head: h, layer: l, n: n) }
                    var s = [Double](repeating: 0, count: keys.count)
                    for (x, j) in keys.enumerated() {
                        for e in 0..<hd { s[x] += q[i][h * hd + e] * k[j][g * hd + e] }
                        s[x] /= Double(hd).squareRoot()
                    }
                    let m = s.max()!, z = s.reduce(0) { $0 + exp($1 - m) }
                    for (x, j) in keys.enumerated() {
                        let w = exp(s[x] - m) / z
                        for e in 0..<hd { att[i][h * hd + e] += w * v[j][g * hd + e] }
                    }
                }
            }
            for t in 0..<n {
                let o = linear(att[t], layer: l, "self_attn.o_proj")
                for e in 0..<d { x[t][e] += o[e] }
                let xn2 = rmsnorm(x[t], "model.layers.\(l).post_attention_layernorm.weight")
                let g = linear(xn2, layer: l, "mlp.gate_proj"), u = linear(xn2, layer: l, "mlp.up_proj")
                let hgl = g.indices.map { g[$0] / (1 + exp(-g[$0])) * u[$0] }
                let down = linear(hgl, layer: l, "mlp.down_proj")
                for e in 0..<d { x[t][e] += down[e] }
            }
        }
        let head = p["lm_head.weight"]!, V = c.vocabSize
        return x.map { row in
            let xf = rmsnorm(row, "model.norm.weight")
            return (0..<V).map { o in (0..<d).reduce(0.0) { $0 + head[o * d + $1] * xf[$1] } }
        }
    }

    /// Mean next-token cross-entropy over a batch [B, n + 1].
    func loss(batch: [Int32], batchSize B: Int, length n: Int) -> Double {
        var total = 0.0
        for b in 0..<B {
            let seq = Array(batch[b * (n + 1)..<(b + 1) * (n + 1)])
            let z = logits(Array(seq.prefix(n)))
            for t in 0..<n {
                let m = z[t].max()!
                let lse = m + log(z[t].reduce(0) { $0 + exp($1 - m) })
                total += lse - z[t][Int(seq[t + 1])]
            }
        }
        return total / Double(B * n)
    }
}
