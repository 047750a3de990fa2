import Model

/// The longest training context whose per-GPU memory fits the device, and the paper's
/// maximum-context table (LongLoRA, Table 4: Llama2 fine-tuned with LoRA+ and S2-Attn to the
/// longest context one 8x A100 80GB machine held, with FlashAttention-2 and DeepSpeed).
public enum MaxContext {
    public struct Reference: Sendable {
        public var model: ModelConfig
        public var context: Int
    }

    public static let paper: [Reference] = [
        Reference(model: .llama2_7b, context: 100_000),
        Reference(model: .llama2_13b, context: 65536),
        Reference(model: .llama2_70b, context: 32768),
    ]

    /// The official recipe of that table: LoRA+ with S2-Attn (G = n/4), checkpointing,
    /// FlashAttention-2, on 8x A100 80GB under the official `ds_configs/stage3.json`.
    public static let paperCluster = Cluster(gpus: 8, zero: .longloraStage3, device: .a100_80gb)

    /// The contexts searched: powers of two from 4096 (Llama2's own) to 2^20, and the paper's values.
    public static let candidates: [Int] =
        Set((12...20).map { 1 << $0 } + paper.map(\.context)).sorted()

    /// The largest of `candidates` that `accepts` and whose memory fits, or nil.
    public static func largest(
        _ c: ModelConfig, setup: FineTuneSetup, cluster: Cluster, memoryModel: MemoryModel,
        candidates: [Int] = candidates, accepts: (Int) -> Bool = { _ in true }
    ) -> Int? {
        candidates.filter { n in
            accepts(n) && memoryModel.estimate(c, context: n, setup: setup, cluster: cluster).fits(cluster.device)
        }.max()
    }

    /// The largest multiple of `step` tokens whose memory fits (0 if not even `step` does): memory
    /// grows with the context, so a bisection finds it. It ignores the group-size rule.
    public static func limit(
        _ c: ModelConfig, setup: FineTuneSetup, cluster: Cluster, memoryModel: MemoryModel, step: Int = 1024
    ) -> Int {
        func fits(_ k: Int) -> Bool {
            memoryModel.estimate(c, context: k * step, setup: setup, cluster: cluster).fits(cluster.device)
        }
        var low = 0, high = 1
        while fits(high) {
            if high >= 1 << 24 { return high * step }  // a bound, not a search: 2^34 tokens fit
            low = high
            high *= 2
        }
        while high - low > 1 {
            let mid = (low + high) / 2
            if fits(mid) { low = mid } else { high = mid }
        }
        return low * step
    }
}
