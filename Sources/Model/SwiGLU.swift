import CVectorKernels
import Kernels

/// The LLaMA MLP's gate: h = silu(g) * u with silu(g) = g * sigmoid(g).
/// In C (`Sources/CVectorKernels/pointwise.c`) with the attention softmax's 16-lane exp:
/// scalar expf per element cost more than the MLP's matrix products at mini's width.
public enum SwiGLU {
    /// g, u: [count] -> h: [count].
    public static func forward(gate g: UnsafePointer<Float>, up u: UnsafePointer<Float>,
                               out h: UnsafeMutablePointer<Float>, count: Int, threads: Int) {
        forChunks(count, threads: threads) { lo, hi in
            llb_swiglu_forward(hi - lo, g + lo, u + lo, h + lo)
        }
    }

    /// dh -> dg = dh * u * sig * (1 + g * (1 - sig)), du = dh * silu(g).
    public static func backward(gate g: UnsafePointer<Float>, up u: UnsafePointer<Float>,
                                dOut dh: UnsafePointer<Float>, dGate dg: UnsafeMutablePointer<Float>,
                                dUp du: UnsafeMutablePointer<Float>, count: Int, threads: Int) {
        forChunks(count, threads: threads) { lo, hi in
            llb_swiglu_backward(hi - lo, g + lo, u + lo, dh + lo, dg + lo, du + lo)
        }
    }
}

/// Splits 0..<count into fixed chunks of 4096 for `Parallel.forEach` (elementwise loops).
@inlinable
public func forChunks(_ count: Int, threads: Int, _ body: (Int, Int) -> Void) {
    let chunk = 4096
    Parallel.forEach((count + chunk - 1) / chunk, threads: threads) { c in
        body(c * chunk, min(count, (c + 1) * chunk))
    }
}
