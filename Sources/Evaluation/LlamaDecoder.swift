import Foundation
import Kernels
import Model
import Support

/// Incremental decoding of a `LlamaModel` with a key/value cache: each new token runs
/// through the layers once and attends to the cached keys and values of every earlier
/// token, so generating k tokens after an n-token prompt costs one prompt pass plus k
/// single-row passes. Attention is full and causal (evaluation never decodes with a
/// sparse pattern). Its logits equal the full forward pass's (tested to 1e-5).
public struct LlamaDecoder: IncrementalDecoder {
    /// The model with any LoRA adapters merged in (W + (alpha / r) B A): the same function,
    /// and the projections need no adapter scratch.
    let model: LlamaModel
    let layers: [Layer]
    let head: Linear
    /// Per layer, keys and values after RoPE: [position, Hkv, hd].
    var keys: [[Float]]
    var values: [[Float]]
    public private(set) var position = 0

    /// Query rows per attention block: bounds the score matrix to [block, positions].
    static let queryBlock = 256

    struct Layer {
        let inputNorm: ParameterView, postNorm: ParameterView
        let q: Linear, k: Linear, v: Linear, o: Linear
        let gate: Linear, up: Linear, down: Linear
    }

    public init(model: LlamaModel) throws {
        let plain = model.lora == nil ? model : try model.merged()
        let store = plain.parameters
        func linear(_ layer: Int, _ t: LoRATarget) -> Linear {
            Linear(weight: store.view(LlamaNames.weight(layer: layer, target: t)), lora: nil)
        }
        self.model = plain
        layers = (0..<plain.config.nLayers).map { l in
            Layer(inputNorm: store.view(LlamaNames.inputNorm(layer: l)),
                  postNorm: store.view(LlamaNames.postAttentionNorm(layer: l)),
                  q: linear(l, .q), k: linear(l, .k), v: linear(l, .v), o: linear(l, .o),
                  gate: linear(l, .gate), up: linear(l, .up), down: linear(l, .down))
        }
        head = Linear(weight: store.view(model.config.isTied ? LlamaNames.embedding : LlamaNames.head), lora: nil)
        keys = Array(repeating: [], count: plain.config.nLayers)
        values = keys
    }

    public mutating func append(_ token: Int32) throws -> [Float] { try extend([token]) }

    public mutating func prefill(_ tokens: [Int32]) throws -> [Float] { try extend(tokens) }

    /// Runs `tokens` at positions position..<position + m; returns the logits [V] after the last.
    mutating func extend(_ tokens: [Int32]) throws -> [Float] {
        let c = model.config, m = tokens.count, d = c.dim, threads = model.threads
        guard m > 0 else { throw UserError("decoder: no tokens to append") }
        for (i, t) in tokens.enumerated() where t < 0 || Int(t) >= c.vocabSize {
            throw UserError("decoder: token id \(t) at index \(i) is outside the vocabulary 0..<\(c.vocabSize)")
        }
        let rope = model.rope.table(positions: position..<(position + m), headDim: c.headDim)
        var x = [Float](repeating: 0, count: m * d)  // [m, d]
        var xn = x, att = x, x1 = x
        var q = x, k = [Float](repeating: 0, count: m * c.kvDim), v = k
        var g = [Float](repeating: 0, count: m * c.ffnDim), u = g, h = g
        var rstd = [Float](repeating: 0, count: m)
        tokens.withUnsafeBufferPointer {
            Embedding.forward(tokens: $0.baseAddress!, table: model.parameters.view(LlamaNames.embedding).value,
                              x: &x, rows: m, dim: d, threads: threads)
        }
        for (l, layer) in layers.enumerated() {
            RMSNorm.forward(x: x, weight: layer.inputNorm.value, y: &xn, rstd: &rstd, rows: m, dim: d,
                            eps: c.normEps, threads: threads)
            layer.q.forward(x: xn, y: &q, rows: m, hidden: nil)
            layer.k.forward(x: xn, y: &k, rows: m, hidden: nil)
            layer.v.forward(x: xn, y: &v, rows: m, hidden: nil)
            rope.apply(&q, rows: m, heads: c.nHeads, period: m, threads: threads)
            rope.apply(&k, rows: m, heads: c.nKVHeads, period: m, threads: threads)
            keys[l] += k
            values[l] += v
            attend(q: q, layer: l, rows: m, out: &att)
            layer.o.forward(x: att, y: &x1, rows: m, hidden: nil)
            for i in 0..<(m * d) { x1[i] += x[i] }
            RMSNorm.forward(x: x1, weight: layer.postNorm.value, y: &xn, rstd: &rstd, rows: m, dim: d,
                            eps: c.normEps, threads: threads)
            layer.gate.forward(x: xn, y: &g, rows: m, hidden: nil)
            layer.up.forward(x: xn, y: &u, rows: m, hidden: nil)
            SwiGLU.forward(gate: g, up: u, out: &h, count: m * c.ffnDim, threads: threads)
            layer.down.forward(x: h, y: &x, rows: m, hidden: nil)
            for i in 0..<(m * d) { x[i] += x1[i] }
        }
        position += m
        // Only the last row's logits are needed.
        var last = [Float](repeating: 0, count: d), logits = [Float](repeating: 0, count: c.vocabSize)
        x.withUnsafeBufferPointer {
            RMSNorm.forward(x: $0.baseAddress! + (m - 1) * d, weight: model.parameters.view(LlamaNames.finalNorm).value,
                            y: &last, rstd: &rstd, rows: 1, dim: d, eps: c.normEps, threads: 1)
        }
        head.forward(x: last, y: &logits, rows: 1, hidden: nil)
        return logits
    }

    /// Causal attention of the m new queries q: [m, H, hd] (positions position..<position + m)
    /// over the cache of layer l -> out: [m, H, hd]. Query head h reads key/value head
    /// h / (H / Hkv) (grouped-query attention).
    func attend(q: [Float], layer l: Int, rows m: Int, out: inout [Float]) {
        let c = model.config, hd = c.headDim, qStride = c.dim, kvStride = c.kvDim
        let scale = 1 / Float(hd).squareRoot(), perKV = c.nHeads / c.nKVHeads
        keys[l].withUnsafeBufferPointer { kb in
            values[l].withUnsafeBufferPointer { vb in
                q.withUnsafeBufferPointer { qb in
                    out.withUnsafeMutableBufferPointer { ob in
                        var lo = 0
                        while lo < m {
                            let hi = min(m, lo + Self.queryBlock), rows = hi - lo
                            let visible = position + hi  // keys the last query of the block sees
                            var scores = [Float](repeating: 0, count: rows * visible)  // [rows, visible]
                            for head in 0..<c.nHeads {
                                let kvHead = head / perKV
                                BLAS.sgemm(transB: true, m: rows, n: visible, k: hd, alpha: scale,
                                           a: qb.baseAddress! + lo * qStride + head * hd, lda: qStride,
                                           b: kb.baseAddress! + kvHead * hd, ldb: kvStride,
                                           c: &scores, ldc: visible)
                                for r in 0..<rows {
                                    let count = position + lo + r + 1  // causal: keys 0...own position
                                    Self.softmax(&scores, row: r * visible, count: count, width: visible)
                                }
                                BLAS.sgemm(m: rows, n: hd, k: visible,
                                           a: scores, lda: visible,
                                           b: vb.baseAddress! + kvHead * hd, ldb: kvStride,
                                           c: ob.baseAddress! + lo * qStride + head * hd, ldc: qStride)
                            }
                            lo = hi
                        }
                    }
                }
            }
        }
    }

    /// Softmax of scores[start ..< start + count] in place; zeroes the masked rest of the row.
    static func softmax(_ s: inout [Float], row start: Int, count: Int, width: Int) {
        var peak = -Float.infinity
        for j in 0..<count { peak = max(peak, s[start + j]) }
        var sum: Float = 0
        for j in 0..<count {
            let e = expf(s[start + j] - peak)
            s[start + j] = e
            sum += e
        }
        let inv = 1 / sum
        for j in 0..<count { s[start + j] *= inv }
        for j in count..<width { s[start + j] = 0 }
    }
}
