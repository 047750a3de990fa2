/// Saved activations of one decoder layer for a batch of `rows = B * n` tokens. Queries and
/// the attention output are a = H * hd wide (`attentionDim`), d unless `head_dim` says otherwise.
final class LayerActivations {
    let xn1: FloatBuffer, rstd1: FloatBuffer          // [rows, d], [rows]
    let q: FloatBuffer, k: FloatBuffer, v: FloatBuffer  // after RoPE: [rows, a], [rows, kvd] x2
    let att: FloatBuffer, lse: FloatBuffer            // [rows, a], [B, H, n]
    let x1: FloatBuffer                               // residual after attention [rows, d]
    let xn2: FloatBuffer, rstd2: FloatBuffer          // [rows, d], [rows]
    let g: FloatBuffer, u: FloatBuffer, h: FloatBuffer  // [rows, F]
    /// x·A^T of each LoRA adapter of the layer: [rows, r].
    var hidden: [LoRATarget: FloatBuffer] = [:]

    init(rows: Int, config c: ModelConfig, lora: LoRAConfig?) {
        xn1 = FloatBuffer(count: rows * c.dim); rstd1 = FloatBuffer(count: rows)
        q = FloatBuffer(count: rows * c.attentionDim)
        k = FloatBuffer(count: rows * c.kvDim); v = FloatBuffer(count: rows * c.kvDim)
        att = FloatBuffer(count: rows * c.attentionDim); lse = FloatBuffer(count: rows * c.nHeads)
        x1 = FloatBuffer(count: rows * c.dim)
        xn2 = FloatBuffer(count: rows * c.dim); rstd2 = FloatBuffer(count: rows)
        g = FloatBuffer(count: rows * c.ffnDim); u = FloatBuffer(count: rows * c.ffnDim)
        h = FloatBuffer(count: rows * c.ffnDim)
        for t in lora?.targets ?? [] { hidden[t] = FloatBuffer(count: rows * lora!.rank) }
    }
}

/// All buffers of a forward/backward pass over a batch of shape [B, n]: one residual stream
/// per layer boundary (what activation recomputation keeps), the per-layer activations
/// (all layers, or one shared set when recomputing), and gradient scratch. An inference
/// workspace (`training: false`, nothing runs backward) keeps two residual streams used in
/// turn, one set of activations and no gradient scratch. The output head runs over chunks
/// of `headRows` rows, so n x V logits never exist at once.
final class Workspace {
    let batch: Int, length: Int, rows: Int, recompute: Bool, training: Bool
    private let residuals: [FloatBuffer]              // L + 1 of [rows, d]; 2 for inference
    let layers: [LayerActivations]                    // L, or 1 when recomputing or inferring
    let xf: FloatBuffer, rstdF: FloatBuffer           // final norm [rows, d], [rows]
    let headRows: Int                                 // rows per chunk of the output head
    let logits: FloatBuffer                           // [headRows, V]; dlogits when training
    let losses: FloatBuffer, lseV: FloatBuffer        // [rows]
    /// Set by a training forward, which leaves d(loss)/d(xf) in `dxn` and the head's weight
    /// gradient added, chunk by chunk, while each chunk's logits exist.
    var headGradientDone = false
    /// The logits a forward was asked to keep ([rows kept, V]).
    var keptLogits: [Float] = []
    var inputs: [Int32], targets: [Int32]             // [rows]
    // Gradient scratch.
    let dres: FloatBuffer, dxn: FloatBuffer           // [rows, d]
    let datt: FloatBuffer, dq: FloatBuffer            // [rows, a]
    let dk: FloatBuffer, dv: FloatBuffer              // [rows, kvd]
    let dg: FloatBuffer, du: FloatBuffer, dh: FloatBuffer  // [rows, F]
    let dhidden: FloatBuffer                          // [rows, r]
    let rope: RoPETable

    init(batch: Int, length: Int, recompute: Bool, training: Bool, headRows: Int,
         config c: ModelConfig, lora: LoRAConfig?, rope: RoPE) {
        self.batch = batch; self.length = length; self.recompute = recompute; self.training = training
        rows = batch * length
        residuals = (0..<(training ? c.nLayers + 1 : 2)).map { _ in FloatBuffer(count: batch * length * c.dim) }
        layers = (0..<(recompute || !training ? 1 : c.nLayers)).map { _ in
            LayerActivations(rows: batch * length, config: c, lora: lora)
        }
        xf = FloatBuffer(count: rows * c.dim); rstdF = FloatBuffer(count: rows)
        self.headRows = headRows
        logits = FloatBuffer(count: headRows * c.vocabSize)
        losses = FloatBuffer(count: rows); lseV = FloatBuffer(count: rows)
        inputs = [Int32](repeating: 0, count: rows); targets = inputs
        let g = training ? rows : 0  // no gradient scratch for inference
        dres = FloatBuffer(count: g * c.dim); dxn = FloatBuffer(count: g * c.dim)
        datt = FloatBuffer(count: g * c.attentionDim); dq = FloatBuffer(count: g * c.attentionDim)
        dk = FloatBuffer(count: g * c.kvDim); dv = FloatBuffer(count: g * c.kvDim)
        dg = FloatBuffer(count: g * c.ffnDim); du = FloatBuffer(count: g * c.ffnDim)
        dh = FloatBuffer(count: g * c.ffnDim)
        dhidden = FloatBuffer(count: g * (lora?.rank ?? 0))
        self.rope = rope.table(positions: 0..<length, headDim: c.headDim)
    }

    /// The residual stream before layer l (l = L: the last layer's output).
    func residual(_ l: Int) -> FloatBuffer { residuals[training ? l : l % 2] }

    func activations(layer: Int) -> LayerActivations { layers[layers.count == 1 ? 0 : layer] }
}
