import Kernels

/// Token embedding lookup: x[t] = E[token[t]].
public enum Embedding {
    /// tokens: [rows] -> x: [rows, d].
    public static func forward(tokens: UnsafePointer<Int32>, table: UnsafePointer<Float>,
                               x: UnsafeMutablePointer<Float>, rows: Int, dim d: Int, threads: Int) {
        Parallel.forEach(rows, threads: threads) { r in
            (x + r * d).update(from: table + Int(tokens[r]) * d, count: d)
        }
    }

    /// dE[token[t]] += dx[t]. Split by columns: a token repeated in the batch is summed in row
    /// order by one worker, so the result does not depend on the thread count.
    public static func backward(tokens: UnsafePointer<Int32>, dx: UnsafePointer<Float>,
                                dTable: UnsafeMutablePointer<Float>, rows: Int, dim d: Int, threads: Int) {
        let chunk = 16
        Parallel.forEach((d + chunk - 1) / chunk, threads: threads) { c in
            let lo = c * chunk, hi = min(d, lo + chunk)
            for r in 0..<rows {
                let dst = dTable + Int(tokens[r]) * d, src = dx + r * d
                for j in lo..<hi { dst[j] += src[j] }
            }
        }
    }
}
