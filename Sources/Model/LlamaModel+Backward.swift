import Foundation
import Kernels
import Support

extension LlamaModel {
    /// Forward and backward over one batch [B, n + 1]: adds d(gradientScale * mean loss)/dθ
    /// into the gradients of the trainable tensors (the caller zeroes them once per step, so
    /// micro-batches accumulate). Returns the mean loss.
    public func forwardBackward(batch: [Int32], batchSize: Int, length: Int, attention: any AttentionBackend,
                                execution: Execution, gradientScale: Float = 1) throws -> Double {
        let rows = batchSize * length
        let w = try forward(batch: batch, batchSize: batchSize, length: length, attention: attention,
                            execution: execution, lossGradientScale: gradientScale / Float(rows))
        let loss = meanLoss(w)
        try backward(w, attention: attention, threads: execution.threads)
        return loss
    }

    /// `w` as a training forward with `attention` left it (one layer's activations when it
    /// recomputes), the output head's backward already done (`headAndLoss`).
    func backward(_ w: Workspace, attention: any AttentionBackend, threads: Int) throws {
        let c = config, rows = w.rows
        precondition(w.training && w.headGradientDone, "backward needs a training forward")
        w.headGradientDone = false
        // Final norm; dres becomes d(residual[L]).
        w.dres.zero()
        let norm = parameters.view(LlamaNames.finalNorm)
        RMSNorm.backward(x: w.residual(c.nLayers).pointer, weight: norm.value, rstd: w.rstdF.pointer,
                         dy: w.dxn.pointer, dx: w.dres.pointer, dweight: norm.gradient,
                         rows: rows, dim: c.dim, threads: threads)
        for l in stride(from: c.nLayers - 1, through: 0, by: -1) {
            if w.recompute { try layerForward(l, w, attention: attention, rope: w.rope, threads: threads) }
            try layerBackward(l, w, attention: attention, threads: threads)
        }
        if let dE = parameters.view(LlamaNames.embedding).gradient {
            w.inputs.withUnsafeBufferPointer {
                Embedding.backward(tokens: $0.baseAddress!, dx: w.dres.pointer, dTable: dE,
                                   rows: rows, dim: c.dim, threads: threads)
            }
        }
    }

    /// d(residual[l + 1]) in dres -> d(residual[l]) in dres, accumulating parameter gradients.
    func layerBackward(_ l: Int, _ w: Workspace, attention: any AttentionBackend, threads: Int) throws {
        let c = config, blk = blocks[l], a = w.activations(layer: l), rows = w.rows, n = w.length
        let dres = w.dres.pointer, dxn = w.dxn.pointer, scratch = w.dhidden.pointer
        // MLP half (residual: dres already holds d(x1) from the skip path).
        blk.down.backward(x: a.h.pointer, dy: dres, dx: w.dh.pointer, rows: rows, accumulate: false,
                          hidden: a.hidden[.down]?.pointer, scratch: scratch, threads: threads)
        SwiGLU.backward(gate: a.g.pointer, up: a.u.pointer, dOut: w.dh.pointer, dGate: w.dg.pointer,
                        dUp: w.du.pointer, count: rows * c.ffnDim, threads: threads)
        blk.gate.backward(x: a.xn2.pointer, dy: w.dg.pointer, dx: dxn, rows: rows, accumulate: false,
                          hidden: a.hidden[.gate]?.pointer, scratch: scratch, threads: threads)
        blk.up.backward(x: a.xn2.pointer, dy: w.du.pointer, dx: dxn, rows: rows, accumulate: true,
                        hidden: a.hidden[.up]?.pointer, scratch: scratch, threads: threads)
        RMSNorm.backward(x: a.x1.pointer, weight: blk.postNorm.value, rstd: a.rstd2.pointer, dy: dxn,
                         dx: dres, dweight: blk.postNorm.gradient, rows: rows, dim: c.dim, threads: threads)
        // Attention half.
        blk.o.backward(x: a.att.pointer, dy: dres, dx: w.datt.pointer, rows: rows, accumulate: false,
                       hidden: a.hidden[.o]?.pointer, scratch: scratch, threads: threads)
        let shape = self.shape(length: n, layer: l)
        for b in 0..<w.batch {
            let qo = b * n * c.attentionDim, ko = b * n * c.kvDim
            try attention.backward(
                q: a.q.pointer + qo, k: a.k.pointer + ko, v: a.v.pointer + ko, out: a.att.pointer + qo,
                lse: a.lse.pointer + b * c.nHeads * n, dOut: w.datt.pointer + qo,
                dq: w.dq.pointer + qo, dk: w.dk.pointer + ko, dv: w.dv.pointer + ko,
                shape: shape, threads: threads)
        }
        w.rope.apply(w.dq.pointer, rows: rows, heads: c.nHeads, period: n, inverse: true, threads: threads)
        w.rope.apply(w.dk.pointer, rows: rows, heads: c.nKVHeads, period: n, inverse: true, threads: threads)
        blk.q.backward(x: a.xn1.pointer, dy: w.dq.pointer, dx: dxn, rows: rows, accumulate: false,
                       hidden: a.hidden[.q]?.pointer, scratch: scratch, threads: threads)
        blk.k.backward(x: a.xn1.pointer, dy: w.dk.pointer, dx: dxn, rows: rows, accumulate: true,
                       hidden: a.hidden[.k]?.pointer, scratch: scratch, threads: threads)
        blk.v.backward(x: a.xn1.pointer, dy: w.dv.pointer, dx: dxn, rows: rows, accumulate: true,
                       hidden: a.hidden[.v]?.pointer, scratch: scratch, threads: threads)
        RMSNorm.backward(x: w.residual(l).pointer, weight: blk.inputNorm.value, rstd: a.rstd1.pointer,
                         dy: dxn, dx: dres, dweight: blk.inputNorm.gradient, rows: rows, dim: c.dim,
                         threads: threads)
    }
}
