/// Every scalar metric the runner writes into a run's metric groups, with the type it is
/// stored as: counts as int64, measurements as float64. The runner stores its numbers
/// through `value(group:name:_:)`, docs/results-schema.md lists `markdown()`, and a test
/// checks both against a file the runner wrote. Readers take either type (`Value.number`),
/// so files written before a count became int64 still read.
public enum MetricSchema {
    public enum Kind: String, Sendable { case int64, float64 }

    public struct Metric: Sendable {
        public var group: String
        public var name: String
        public var kind: Kind
        public var doc: String
        public var path: String { "\(group)/\(name)" }
    }

    static func m(_ group: String, _ name: String, _ kind: Kind, _ doc: String) -> Metric {
        Metric(group: group, name: name, kind: kind, doc: doc)
    }

    public static let groups: [(name: String, doc: String)] = [
        ("training", "The fine-tuning itself (absent for `analytic.only` runs)."),
        ("resources", "What the fine-tuning used on this machine (absent when nothing was fine-tuned)."),
        ("analytic", "Training FLOPs of one optimizer step of the run's own model, by the paper's components."),
        ("projection", "The recipe projected onto a real Llama2 (`analytic.*` of the spec): the paper's FLOPs table and Figure 1."),
    ]

    public static let metrics: [Metric] = [
        m("training", "resumed_from_step", .int64, "Step the fine-tuning resumed from (0: a fresh start)."),
        m("training", "steps_run", .int64, "Optimizer steps this invocation ran."),
        m("training", "trainable_parameters", .int64, "Parameters the optimizer updates."),
        m("resources", "wall_s", .float64, "Wall-clock seconds of the fine-tuning, validation curve excluded."),
        m("resources", "cpu_s", .float64, "CPU seconds of the process over the same span."),
        m("resources", "peak_rss_bytes", .int64, "Peak resident set size of the process, bytes."),
        m("resources", "tokens_per_s", .float64, "Training tokens per wall-clock second."),
        m("resources", "gflops", .float64, "Achieved training GFLOP/s (the implementation's FLOPs over wall time)."),
        m("resources", "threads", .int64, "Threads of the parallel loops and matrix products."),
        m("resources", "peak_fraction", .float64, "`gflops` as a fraction of the machine's measured SGEMM peak (when measured)."),
        m("resources", "seconds_per_step", .float64, "`wall_s` per optimizer step run (when steps ran)."),
        m("analytic", "flops_attention_per_step", .float64, "Attention FLOPs of one optimizer step (forward and backward)."),
        m("analytic", "flops_projections_per_step", .float64, "q/k/v/o projection FLOPs of one step, adapters included."),
        m("analytic", "flops_ffn_per_step", .float64, "Feed-forward FLOPs of one step."),
        m("analytic", "flops_others_per_step", .float64, "Embedding, norms, head and loss FLOPs of one step."),
        m("analytic", "flops_per_step", .float64, "Their sum: the analytic FLOPs of one step."),
        m("analytic", "flops_per_step_implementation", .float64, "FLOPs of one step as the implementation counts them (skipped tiles excluded; when steps ran)."),
        m("projection", "context", .int64, "Context of the projection (`analytic.context`)."),
        m("projection", "tflops_forward_attention", .float64, "Forward TFLOPs of one sequence: attention."),
        m("projection", "tflops_forward_projections", .float64, "Forward TFLOPs of one sequence: q/k/v/o projections."),
        m("projection", "tflops_forward_ffn", .float64, "Forward TFLOPs of one sequence: feed-forward."),
        m("projection", "tflops_forward_others", .float64, "Forward TFLOPs of one sequence: everything else."),
        m("projection", "tflops_forward_total", .float64, "Forward TFLOPs of one sequence: total."),
        m("projection", "memory_gb", .float64, "Memory per GPU, GiB (ZeRO-2, gradient checkpointing, FlashAttention)."),
        m("projection", "fits", .int64, "1 if that memory fits the device, else 0."),
        m("projection", "gpu_hours", .float64, "GPU hours of the paper's recipe (1000 steps x 64 sequences)."),
    ]

    public static func metric(group: String, name: String) -> Metric? {
        metrics.first { $0.group == group && $0.name == name }
    }

    /// `x` as stored: an int64 metric as an integer (it always holds one), anything else,
    /// and a metric not listed here, as float64.
    public static func value(group: String, name: String, _ x: Double) -> Value {
        if metric(group: group, name: name)?.kind == .int64, x.isFinite, x == x.rounded(), abs(x) < 9e15 {
            return .int(Int64(x))
        }
        return .double(x)
    }

    /// Every group's numbers as stored.
    public static func values(_ groups: [String: [String: Double]]) -> [String: [String: Value]] {
        Dictionary(uniqueKeysWithValues: groups.map { group, numbers in
            (group, Dictionary(uniqueKeysWithValues: numbers.map { ($0.key, value(group: group, name: $0.key, $0.value)) }))
        })
    }

    /// The metric groups' section of docs/results-schema.md.
    public static func markdown() -> String {
        var lines = ["| metric | type | meaning |", "|---|---|---|"]
        for group in groups {
            lines.append("| **`\(group.name)`** | group | \(group.doc) |")
            for metric in metrics where metric.group == group.name {
                lines.append("| `\(metric.path)` | \(metric.kind.rawValue) | \(metric.doc) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
