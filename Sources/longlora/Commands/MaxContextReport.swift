import Metrics
import Model
import Support

/// `longlora estimate --max-context`: the longest context whose per-GPU memory fits, beside
/// the paper's maximum-context table where the model is one of its Llama2 models.
enum MaxContextReport {
    static func render(_ models: [ModelChoice], setup: FineTuneSetup, cluster: Cluster, format: TableFormat) -> String {
        let memoryModel = Calibration.paper.memoryModel
        func memory(_ c: ModelConfig, _ n: Int) -> MemoryEstimate {
            memoryModel.estimate(c, context: n, setup: setup, cluster: cluster)
        }
        // The harness's group rule (a whole number of tokens dividing n) decides which candidates a run could use.
        // (Full attention has no group: nil, not an error.)
        let accepts: (Int) -> Bool = { n in
            do { _ = try setup.attention.group(.ratio(setup.groupRatio), length: n); return true } catch { return false }
        }
        var table = TextTable(
            header: ["model", "paper_max_context", "max_context", "memory_gb", "cpu_ram_gb", "limit_context",
                     "memory_gb_at_paper", "fits_at_paper"],
            alignments: [.left] + Array(repeating: .right, count: 6) + [.left])
        for choice in models {
            let c = choice.config
            let paper = MaxContext.paper.first { $0.model == c }?.context
            let best = MaxContext.largest(c, setup: setup, cluster: cluster, memoryModel: memoryModel, accepts: accepts)
            let limit = MaxContext.limit(c, setup: setup, cluster: cluster, memoryModel: memoryModel)
            let atBest = best.map { memory(c, $0) }
            let atPaper = paper.map { memory(c, $0) }
            table.rows.append([
                choice.label, paper.map(String.init) ?? "-", best.map(String.init) ?? "none",
                atBest.map { fixed($0.totalGiB, 1) } ?? "-", atBest.map { fixed($0.cpuOffload / gib, 1) } ?? "-",
                String(limit), atPaper.map { fixed($0.totalGiB, 1) } ?? "-",
                atPaper.map { $0.fits(cluster.device) ? "yes" : "no" } ?? "-",
            ])
        }
        guard format == .md else { return table.render(format) }
        let candidates = MaxContext.candidates.map(String.init).joined(separator: ", ")
        let group = setup.attention == .full ? "full attention" : "\(setup.attention.rawValue), G = \(setup.groupRatio) n"
        return """
            Longest context per GPU memory on \(cluster.gpus)x \(cluster.device.name) (\(fixed(cluster.device.memoryGiB, 1)) GiB each), \
            one sequence per GPU: \(setup.method.rawValue) (\(group)), gradient checkpointing \(setup.checkpointing ? "on" : "off"), \
            \(setup.flashAttention ? "FlashAttention" : "materialised attention"), \(cluster.zero.summary); the memory model of \
            `estimate` with its calibrated overhead (\(fixed(Calibration.paper.overheadBytes / gib, 2)) GiB per GPU).
            max_context: the largest of \(candidates) that fits; limit_context: the largest multiple of 1024 that fits; \
            cpu_ram_gb: the offloaded states of all GPUs together. The paper's values are its maximum-context table \
            (Llama2 fine-tuned with LoRA+ and S2-Attn on one 8x A100 80GB machine).


            """ + table.render(.md)
    }
}
