import Model
import Support

/// The `longlora flops` table: one row per context, values in TFLOPs.
public enum FLOPsTable {
    public static let header = ["model", "context", "attention", "attn_tflops", "proj_tflops",
                                "ffn_tflops", "other_tflops", "total_tflops"]

    public enum Pass: String, CaseIterable, Sendable {
        case forward, training
    }

    /// Breakdown of one sequence for each context. Training uses `setup` (its attention
    /// and group ratio are replaced by the ones given here).
    public static func breakdowns(
        _ c: ModelConfig, contexts: [Int], attention: AttentionKind, groupRatio: Double,
        counting: AttentionCounting, pass: Pass, method: FineTuneMethod
    ) -> [FLOPsBreakdown] {
        contexts.map { n in
            switch pass {
            case .forward:
                return FLOPs.forward(c, context: n, attention: attention,
                                     groupRatio: groupRatio, counting: counting)
            case .training:
                let setup = FineTuneSetup(method: method, attention: attention, groupRatio: groupRatio)
                return FLOPs.training(c, context: n, setup: setup, counting: counting)
            }
        }
    }

    /// Digits after the point: the paper's one decimal, or more so that the smallest total
    /// keeps at least four significant digits (small models have tiny TFLOP counts).
    public static func autoDecimals(_ rows: [FLOPsBreakdown]) -> Int {
        let smallest = rows.map { $0.total / 1e12 }.filter { $0 > 0 }.min() ?? 1
        let magnitude = Int(smallest.log10Floor)
        return max(1, 3 - magnitude)
    }

    /// The table; totals are the sums of the printed components, as in the paper.
    /// The attention column names the pattern, with "-causal" when only the causal
    /// triangle is counted.
    public static func table(
        model: String, contexts: [Int], attention: AttentionKind, counting: AttentionCounting,
        rows: [FLOPsBreakdown], decimals: Int
    ) -> TextTable {
        let label = attention.rawValue + (counting == .causal ? "-causal" : "")
        let rows = zip(contexts, rows).map { n, b in
            let p = b.scaled(by: 1e-12).printed(decimals: decimals)
            return [model, String(n), label] + [p.attention, p.projections, p.ffn, p.others, p.total].map { fixed($0, decimals) }
        }
        return TextTable(header: header, rows: rows, alignments: [.left, .right, .left] + Array(repeating: .right, count: 5))
    }
}

extension Double {
    var log10Floor: Double {
        var x = self, e = 0.0
        while x >= 10 { x /= 10; e += 1 }
        while x < 1 { x *= 10; e -= 1 }
        return e
    }
}
