import CVectorKernels
import Foundation
import Kernels

/// RMSNorm: y = x / sqrt(mean(x^2) + eps) * w (LLaMA's pre-norm, no mean subtraction).
/// In C (`Sources/CVectorKernels/rms_norm.c`), 16 lanes at a time.
public enum RMSNorm {
    /// Rows per parallel work item.
    static let rowChunk = 64

    /// x: [rows, d] -> y: [rows, d], rstd: [rows] (kept for backward).
    public static func forward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               y: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                               rows: Int, dim d: Int, eps: Float, threads: Int) {
        forRowChunks(rows, threads: threads) { lo, hi in
            llb_rms_norm_forward(hi - lo, d, x + lo * d, weight, eps, y + lo * d, rstd + lo)
        }
    }

    /// Adds the input gradient into dx: dx += rstd * (g - xhat * mean(g * xhat)), g = dy * w,
    /// and accumulates dw += sum_rows(dy * xhat) when `dweight` is non-nil.
    public static func backward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                rstd: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>?,
                                rows: Int, dim d: Int, threads: Int) {
        forRowChunks(rows, threads: threads) { lo, hi in
            llb_rms_norm_backward_input(hi - lo, d, x + lo * d, weight, rstd + lo, dy + lo * d, dx + lo * d)
        }
        guard let dweight else { return }
        // Column-parallel so the sum over rows has a fixed order for any thread count.
        let chunk = 16
        Parallel.forEach((d + chunk - 1) / chunk, threads: threads) { c in
            llb_rms_norm_backward_weight(rows, d, c * chunk, min(d, (c + 1) * chunk), x, rstd, dy, dweight)
        }
    }

    static func forRowChunks(_ rows: Int, threads: Int, _ body: (Int, Int) -> Void) {
        Parallel.forEach((rows + rowChunk - 1) / rowChunk, threads: threads) { c in
            body(c * rowChunk, min(rows, (c + 1) * rowChunk))
        }
    }
}
