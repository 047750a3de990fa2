import Kernels

/// A bias-free projection y = x·W^T (HF Linear, W: [out, in]) with an optional LoRA adapter
/// y += s·(x·A^T)·B^T. Weight gradients are only computed for trainable tensors. Products
/// are split over `threads` workers (`BLAS.sgemm(threads:)`).
public struct Linear {
    public let weight: ParameterView
    public let lora: (a: ParameterView, b: ParameterView, scaling: Float)?
    public let input: Int
    public let output: Int

    public init(weight: ParameterView, lora: (a: ParameterView, b: ParameterView, scaling: Float)?) {
        self.weight = weight
        self.lora = lora
        output = weight.spec.shape[0]
        input = weight.spec.shape[1]
    }

    public var rank: Int { lora?.a.spec.shape[0] ?? 0 }

    /// x: [rows, in] -> y: [rows, out]. `hidden` ([rows, r], LoRA only) keeps x·A^T for backward.
    public func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int,
                        hidden: UnsafeMutablePointer<Float>?, threads: Int = Parallel.threads) {
        BLAS.sgemm(transB: true, m: rows, n: output, k: input,
                   a: x, lda: input, b: weight.value, ldb: input, c: y, ldc: output, threads: threads)
        guard let lora, let hidden else { return }
        let r = rank
        // hidden[rows, r] = x · A^T; y += s · hidden · B^T
        BLAS.sgemm(transB: true, m: rows, n: r, k: input,
                   a: x, lda: input, b: lora.a.value, ldb: input, c: hidden, ldc: r, threads: threads)
        BLAS.sgemm(transB: true, m: rows, n: output, k: r, alpha: lora.scaling,
                   a: hidden, lda: r, b: lora.b.value, ldb: r, beta: 1, c: y, ldc: output, threads: threads)
    }

    /// dy: [rows, out] -> dx: [rows, in] (overwritten, or added to when `accumulate`),
    /// and dW, dA, dB accumulated for whichever of them is trainable.
    /// `scratch` ([rows, r], LoRA only) receives d(hidden).
    public func backward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                         dx: UnsafeMutablePointer<Float>, rows: Int, accumulate: Bool,
                         hidden: UnsafePointer<Float>?, scratch: UnsafeMutablePointer<Float>?,
                         threads: Int = Parallel.threads) {
        // dx[rows, in] (+)= dy · W
        BLAS.sgemm(m: rows, n: input, k: output, a: dy, lda: output, b: weight.value, ldb: input,
                   beta: accumulate ? 1 : 0, c: dx, ldc: input, threads: threads)
        if let dW = weight.gradient {
            // dW[out, in] += dy^T · x
            BLAS.sgemm(transA: true, m: output, n: input, k: rows, a: dy, lda: output,
                       b: x, ldb: input, beta: 1, c: dW, ldc: input, threads: threads)
        }
        guard let lora, let hidden, let scratch else { return }
        let r = rank
        if let dB = lora.b.gradient {
            // dB[out, r] += s · dy^T · hidden
            BLAS.sgemm(transA: true, m: output, n: r, k: rows, alpha: lora.scaling,
                       a: dy, lda: output, b: hidden, ldb: r, beta: 1, c: dB, ldc: r, threads: threads)
        }
        // dhidden[rows, r] = s · dy · B
        BLAS.sgemm(m: rows, n: r, k: output, alpha: lora.scaling, a: dy, lda: output,
                   b: lora.b.value, ldb: r, c: scratch, ldc: r, threads: threads)
        if let dA = lora.a.gradient {
            // dA[r, in] += dhidden^T · x
            BLAS.sgemm(transA: true, m: r, n: input, k: rows, a: scratch, lda: r,
                       b: x, ldb: input, beta: 1, c: dA, ldc: input, threads: threads)
        }
        // dx += dhidden · A
        BLAS.sgemm(m: rows, n: input, k: r, a: scratch, lda: r, b: lora.a.value, ldb: input,
                   beta: 1, c: dx, ldc: input, threads: threads)
    }

    /// Multiply-add FLOPs (2 per MAC) of forward, and of backward given what is trainable.
    public func flops(rows: Int) -> (forward: Double, backward: Double) {
        let m = Double(rows), i = Double(input), o = Double(output), r = Double(rank)
        var fwd = 2 * m * i * o, bwd = 2 * m * i * o
        if weight.gradient != nil { bwd += 2 * m * i * o }
        if lora != nil {
            fwd += 2 * m * r * (i + o)
            bwd += 2 * m * r * o + 2 * m * r * i   // dhidden, dx
            if lora!.b.gradient != nil { bwd += 2 * m * r * o }
            if lora!.a.gradient != nil { bwd += 2 * m * r * i }
        }
        return (fwd, bwd)
    }
}
