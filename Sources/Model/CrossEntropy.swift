import CVectorKernels
import Kernels

/// Next-token cross-entropy over logits, fused with the softmax. The exponentials over the
/// vocabulary run in C on the attention softmax's 16-lane exp (`pointwise.c`).
public enum CrossEntropy {
    /// logits: [rows, V], targets: [rows] -> losses: [rows] (nats), lse: [rows] for backward.
    public static func forward(logits: UnsafePointer<Float>, targets: UnsafePointer<Int32>,
                               losses: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>,
                               rows: Int, vocab V: Int, threads: Int) {
        Parallel.forEach(rows, threads: threads) { r in
            let z = logits + r * V
            let l = llb_log_sum_exp(V, z)
            lse[r] = l
            losses[r] = l - z[Int(targets[r])]
        }
    }

    /// Overwrites logits with d(scale * sum of losses)/dlogits = scale * (softmax - onehot).
    public static func backward(logits: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>,
                                lse: UnsafePointer<Float>, scale: Float,
                                rows: Int, vocab V: Int, threads: Int) {
        Parallel.forEach(rows, threads: threads) { r in
            llb_cross_entropy_gradient(V, logits + r * V, lse[r], scale, Int(targets[r]))
        }
    }
}
