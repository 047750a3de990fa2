import Foundation
import Kernels

/// RMSNorm: y = x / sqrt(mean(x^2) + eps) * w (LLaMA's pre-norm, no mean subtraction).
public enum RMSNorm {
    /// x: [rows, d] -> y: [rows, d], rstd: [rows] (kept for backward).
    public static func forward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               y: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
                               rows: Int, dim d: Int, eps: Float, threads: Int) {
        Parallel.forEach(rows, threads: threads) { r in
            let xr = x + r * d, yr = y + r * d
            var ss: Float = 0
            for j in 0..<d { ss += xr[j] * xr[j] }
            let s = 1 / (ss / Float(d) + eps).squareRoot()
            rstd[r] = s
            for j in 0..<d { yr[j] = xr[j] * s * weight[j] }
        }
    }

    /// Adds the input gradient into dx: dx += rstd * (g - xhat * mean(g * xhat)), g = dy * w,
    /// and accumulates dw += sum_rows(dy * xhat) when `dweight` is non-nil.
    public static func backward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                rstd: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>?,
                                rows: Int, dim d: Int, threads: Int) {
        Parallel.forEach(rows, threads: threads) { r in
            let xr = x + r * d, gr = dy + r * d, dxr = dx + r * d
            let s = rstd[r]
            var dot: Float = 0
            for j in 0..<d { dot += gr[j] * weight[j] * xr[j] * s }
            let mean = dot / Float(d)
            for j in 0..<d { dxr[j] += s * (gr[j] * weight[j] - xr[j] * s * mean) }
        }
        guard let dweight else { return }
        // Column-parallel so the sum over rows has a fixed order for any thread count.
        let chunk = 16
        Parallel.forEach((d + chunk - 1) / chunk, threads: threads) { c in
            let lo = c * chunk, hi = min(d, lo + chunk)
            for r in 0..<rows {
                let xr = x + r * d, gr = dy + r * d, s = rstd[r]
                for j in lo..<hi { dweight[j] += gr[j] * xr[j] * s }
            }
        }
    }
}
