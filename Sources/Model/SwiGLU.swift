import Foundation
import Kernels

/// The LLaMA MLP's gate: h = silu(g) * u with silu(g) = g * sigmoid(g).
public enum SwiGLU {
    /// g, u: [count] -> h: [count].
    public static func forward(gate g: UnsafePointer<Float>, up u: UnsafePointer<Float>,
                               out h: UnsafeMutablePointer<Float>, count: Int, threads: Int) {
        forChunks(count, threads: threads) { lo, hi in
            for i in lo..<hi {
                let sig = 1 / (1 + expf(-g[i]))
                h[i] = g[i] * sig * u[i]
            }
        }
    }

    /// dh -> dg = dh * u * sig * (1 + g * (1 - sig)), du = dh * silu(g).
    public static func backward(gate g: UnsafePointer<Float>, up u: UnsafePointer<Float>,
                                dOut dh: UnsafePointer<Float>, dGate dg: UnsafeMutablePointer<Float>,
                                dUp du: UnsafeMutablePointer<Float>, count: Int, threads: Int) {
        forChunks(count, threads: threads) { lo, hi in
            for i in lo..<hi {
                let sig = 1 / (1 + expf(-g[i]))
                let silu = g[i] * sig
                dg[i] = dh[i] * u[i] * sig * (1 + g[i] * (1 - sig))
                du[i] = dh[i] * silu
            }
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
