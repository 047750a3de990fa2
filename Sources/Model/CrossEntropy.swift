import Foundation
import Kernels

/// Next-token cross-entropy over logits, fused with the softmax.
public enum CrossEntropy {
    /// logits: [rows, V], targets: [rows] -> losses: [rows] (nats), lse: [rows] for backward.
    public static func forward(logits: UnsafePointer<Float>, targets: UnsafePointer<Int32>,
                               losses: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>,
                               rows: Int, vocab V: Int, threads: Int) {
        Parallel.forEach(rows, threads: threads) { r in
            let z = logits + r * V
            // Sum of exp(z - max) with the SIMD exp, into a row scratch (logits stay intact).
            let m = TileMath.rowMax(z, count: V)
            let s = withUnsafeTemporaryAllocation(of: Float.self, capacity: V) { e -> Float in
                e.baseAddress!.update(from: z, count: V)
                return TileMath.expShifted(e.baseAddress!, count: V, shift: m)
            }
            let l = m + logf(s)
            lse[r] = l
            losses[r] = l - z[Int(targets[r])]
        }
    }

    /// Overwrites logits with d(scale * sum of losses)/dlogits = scale * (softmax - onehot).
    public static func backward(logits: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>,
                                lse: UnsafePointer<Float>, scale: Float,
                                rows: Int, vocab V: Int, threads: Int) {
        Parallel.forEach(rows, threads: threads) { r in
            let z = logits + r * V, l = lse[r]
            _ = TileMath.expShifted(z, count: V, shift: l)
            TileMath.scale(z, count: V, by: scale)
            z[Int(targets[r])] -= scale
        }
    }
}
