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
            var m = -Float.infinity
            for j in 0..<V { m = max(m, z[j]) }
            var s: Float = 0
            for j in 0..<V { s += expf(z[j] - m) }
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
            for j in 0..<V { z[j] = expf(z[j] - l) * scale }
            z[Int(targets[r])] -= scale
        }
    }
}
