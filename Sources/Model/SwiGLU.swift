import Foundation
import Kernels

/// The LLaMA MLP's gate: h = silu(g) * u with silu(g) = g * sigmoid(g).
public enum SwiGLU {
    /// g, u: [count] -> h: [count].
    public static func forward(gate g: UnsafePointer<Float>, up u: UnsafePointer<Float>,
                               out h: UnsafeMutablePointer<Float>, count: Int, threads: Int) {
        // SIMD8 with the attention kernel's polynomial exp: scalar expf per element cost
        // more than the MLP's matrix products at mini's width.
        forChunks(count, threads: threads) { lo, hi in
            var i = lo
            while i + 8 <= hi {
                let gv = TileMath.load(g + i)
                TileMath.store(gv * sigmoid(gv) * TileMath.load(u + i), h + i)
                i += 8
            }
            while i < hi {
                let sig = 1 / (1 + expf(-g[i]))
                h[i] = g[i] * sig * u[i]
                i += 1
            }
        }
    }

    /// dh -> dg = dh * u * sig * (1 + g * (1 - sig)), du = dh * silu(g).
    public static func backward(gate g: UnsafePointer<Float>, up u: UnsafePointer<Float>,
                                dOut dh: UnsafePointer<Float>, dGate dg: UnsafeMutablePointer<Float>,
                                dUp du: UnsafeMutablePointer<Float>, count: Int, threads: Int) {
        forChunks(count, threads: threads) { lo, hi in
            var i = lo
            while i + 8 <= hi {
                let gv = TileMath.load(g + i), uv = TileMath.load(u + i), dhv = TileMath.load(dh + i)
                let sig = sigmoid(gv)
                TileMath.store(dhv * uv * sig * (1 + gv * (1 - sig)), dg + i)
                TileMath.store(dhv * gv * sig, du + i)
                i += 8
            }
            while i < hi {
                defer { i += 1 }
                let sig = 1 / (1 + expf(-g[i]))
                let silu = g[i] * sig
                dg[i] = dh[i] * u[i] * sig * (1 + g[i] * (1 - sig))
                du[i] = dh[i] * silu
            }
        }
    }

    /// 1 / (1 + exp(-g)); TileMath.exp clamps its argument, so no overflow to inf.
    @inline(__always) static func sigmoid(_ g: TileMath.V) -> TileMath.V {
        1 / (1 + TileMath.exp(-g))
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
