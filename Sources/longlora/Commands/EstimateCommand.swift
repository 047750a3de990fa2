import ArgumentParser
import Metrics
import Model
import Support

struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Projected memory and GPU hours of a fine-tuning recipe on named accelerators.",
        discussion: "Memory per GPU in GiB (the unit of the paper's figures); hours for the paper's recipe (1000 steps x 64 sequences) unless --steps/--batch say otherwise. ZeRO: --zero N (default 2, the buckets of the official ds_configs/stage2.json), --offload-optimizer, --offload-params, or --ds-config stage2|stage3 for the official configs. --paper-figure1 compares with the paper's Figure 1; --max-context finds the longest context that fits, beside the paper's maximum-context table.")

    @Option(help: ArgumentHelp(ModelChoice.help, valueName: "preset|path"))
    var model: String?

    @Option(help: "Fine-tuning method.")
    var method: FineTuneMethod?

    @Option(help: "Context lengths, comma separated.")
    var context: String?

    @Option(help: "Data-parallel GPUs.")
    var gpus: Int = 8

    @Option(help: "ZeRO stage 0 to 3 (default 2; with --max-context the official stage3.json).")
    var zero: Int?

    @Flag(help: "Offload the optimizer (fp32 master weights, Adam moments, fp32 gradients) to CPU memory (ZeRO stage 1 or more).")
    var offloadOptimizer = false

    @Flag(help: "Offload the bf16 weight partitions to CPU memory (ZeRO stage 3).")
    var offloadParams = false

    @Option(help: "One of the official LongLoRA DeepSpeed configs: stage2 (the paper's recipe) or stage3 (offload of optimizer and parameters).")
    var dsConfig: DeepSpeedConfigChoice?

    @Option(help: "Device: \(DeviceProfile.all.map(\.name).joined(separator: ", ")).")
    var device: String = "a100-80gb"

    @Option(help: "LoRA rank.")
    var loraRank: Int = 8

    @Option(help: "S2 group size G as a fraction of the context.")
    var groupRatio: Double = 0.25

    @Flag(help: "Turn gradient checkpointing off.")
    var noCheckpointing = false

    @Flag(help: "Materialised attention scores instead of FlashAttention.")
    var materialisedAttention = false

    @Option(help: "Optimizer steps.")
    var steps: Int = 1000

    @Option(help: "Global batch in sequences.")
    var batch: Int = 64

    @Flag(help: "Compare with the paper's Figure 1 (Llama2-7B, 8x A100 80GB) and print the errors.")
    var paperFigure1 = false

    @Flag(help: "The longest context that fits (powers of two and the paper's values), beside the paper's maximum-context table; by default LongLoRA on the three Llama2 models under the official stage3.json.")
    var maxContext = false

    @Option(help: "Output format.")
    var format: TableFormat = .md

    func run() throws {
        if paperFigure1 {
            print(Figure1Report.render(format), terminator: "")
            return
        }
        guard gpus > 0, steps > 0, batch > 0, loraRank > 0 else {
            throw UserError("--gpus, --steps, --batch and --lora-rank must be positive")
        }
        if maxContext {
            guard context == nil else { throw UserError("--max-context searches the context itself: drop --context") }
            let models = try model.map { [try ModelChoice.resolve($0)] }
                ?? MaxContext.paper.map { ModelChoice(config: $0.model, label: $0.model.name) }
            let setup = FineTuneSetup(method: method ?? .longlora, loraRank: loraRank, groupRatio: groupRatio,
                                      checkpointing: !noCheckpointing, flashAttention: !materialisedAttention)
            let cluster = Cluster(gpus: gpus, zero: try zeroConfig(default: .longloraStage3),
                                  device: try DeviceProfile.named(device))
            print(MaxContextReport.render(models, setup: setup, cluster: cluster, format: format), terminator: "")
            return
        }
        guard let model, let method, let context else {
            throw UserError("longlora estimate: --model, --method and --context are required (or --paper-figure1, or --max-context)")
        }
        let choice = try ModelChoice.resolve(model)
        let config = choice.config
        let contexts = try parseContexts(context)
        let setup = FineTuneSetup(method: method, loraRank: loraRank, groupRatio: groupRatio,
                                  checkpointing: !noCheckpointing, flashAttention: !materialisedAttention)
        // G by the harness's one rule (a whole number of tokens dividing each context).
        for n in contexts {
            do { _ = try setup.attention.group(.ratio(groupRatio), length: n) } catch let error as UserError {
                throw UserError("--group-ratio \(groupRatio): \(error.message)")
            }
        }
        let cluster = Cluster(gpus: gpus, zero: try zeroConfig(default: .longloraStage2),
                              device: try DeviceProfile.named(device))

        let calibration = Calibration.paper
        var table = TextTable(header: ["model", "method", "context", "gpus", "zero", "device", "memory_gb", "fits", "hours",
                                       "params_gb", "grads_gb", "optimizer_gb", "buffers_gb", "activations_gb",
                                       "logits_gb", "overhead_gb", "offload", "gathered_gb", "cpu_ram_gb"],
                              alignments: [.left, .left, .right, .right, .right, .left, .right, .left]
                                  + Array(repeating: .right, count: 8) + [.left, .right, .right])
        for n in contexts {
            let m = calibration.memoryModel.estimate(config, context: n, setup: setup, cluster: cluster)
            let hours = GPUHours.hours(config, context: n, setup: setup, recipe: Recipe(steps: steps, globalBatch: batch),
                                       cluster: cluster, mfu: calibration.mfu)
            let parts = [m.parameters, m.gradients, m.optimizerStates, m.communicationBuffers, m.activations, m.logits, m.overhead]
            table.rows.append([choice.label, setup.method.rawValue, String(n), String(gpus), String(cluster.zero.stage),
                               cluster.device.name, fixed(m.totalGiB, 1), m.fits(cluster.device) ? "yes" : "no", fixed(hours, 1)]
                              + parts.map { fixed($0 / gib, 2) }
                              + [cluster.zero.offloadName, fixed(m.gatheredParameters / gib, 2), fixed(m.cpuOffload / gib, 1)])
        }
        if format == .md {
            let offloaded = cluster.zero.offloadOptimizer || cluster.zero.offloadParameters
            print("Per-GPU memory (GiB) and hours of \(steps) steps x \(batch) sequences; checkpointing "
                + "\(noCheckpointing ? "off" : "on"), \(materialisedAttention ? "materialised" : "flash") attention; "
                + "\(cluster.zero.summary); "
                + "calibration: overhead \(fixed(calibration.overheadBytes / gib, 2)) GiB, MFU \(fixed(calibration.mfu, 3)) "
                + "(fitted on the paper's Figure 1, see docs/metrics.md)"
                + (offloaded ? "; hours keep that MFU, which offload (the CPU's optimizer step, PCIe transfers) lowers" : "")
                + "; cpu_ram_gb: the offloaded states of all GPUs together.\n")
            if !choice.isPreset { print(choice.shape + "\n") }
        }
        print(table.render(format), terminator: "")
    }

    /// The ZeRO setting the options name: --ds-config alone, or --zero and the offload flags
    /// over the stage-2 config's buckets, or `fallback` when none is given.
    func zeroConfig(default fallback: ZeROConfig) throws -> ZeROConfig {
        if let dsConfig {
            guard zero == nil, !offloadOptimizer, !offloadParams else {
                throw UserError("--ds-config \(dsConfig.rawValue) sets the ZeRO stage and offload: drop --zero, --offload-optimizer and --offload-params")
            }
            return dsConfig.config
        }
        var config = fallback
        if zero != nil || offloadOptimizer || offloadParams {
            config = .longloraStage2
            config.stage = zero ?? 2
            config.offloadOptimizer = offloadOptimizer
            config.offloadParameters = offloadParams
        }
        do { try config.validate() } catch let error as UserError {
            throw UserError("--zero \(config.stage)\(offloadOptimizer ? " --offload-optimizer" : "")\(offloadParams ? " --offload-params" : ""): \(error.message)")
        }
        return config
    }
}

/// `--ds-config`: the official LongLoRA DeepSpeed configs.
enum DeepSpeedConfigChoice: String, CaseIterable, ExpressibleByArgument {
    case stage2, stage3

    var config: ZeROConfig {
        switch self {
        case .stage2: return .longloraStage2
        case .stage3: return .longloraStage3
        }
    }
}

/// `longlora estimate --paper-figure1`: our model beside the paper's Figure 1.
enum Figure1Report {
    static func render(_ format: TableFormat) -> String {
        let cal = Calibration.paper
        let rows = PaperFigure1.compare(calibration: cal)
        func pct(_ e: Double?) -> String { e.map { ($0 >= 0 ? "+" : "") + fixed($0 * 100, 1) + "%" } ?? "-" }
        func num(_ x: Double?) -> String { x.map { fixed($0, 1) } ?? "OOM" }
        let table = TextTable(
            header: ["method", "context", "paper_memory_gb", "memory_gb", "memory_error", "paper_hours", "hours",
                     "hours_error", "fits", "within_tolerance"],
            rows: rows.map { r in
                [r.reference.method.rawValue, String(r.reference.context), num(r.reference.memoryGiB),
                 fixed(r.memory.totalGiB, 1), pct(r.memoryError), num(r.reference.hours), fixed(r.hours, 1),
                 pct(r.hoursError), r.fits ? "yes" : "no", r.withinTolerance ? "yes" : "NO"]
            },
            alignments: [.left] + Array(repeating: .right, count: 7) + [.left, .left])
        guard format == .md else { return table.render(format) }
        let o = Calibration.overheadPoint, m = Calibration.mfuPoint
        let worstMemory = rows.compactMap(\.memoryError).map(abs).max() ?? 0
        let worstHours = rows.compactMap(\.hoursError).map(abs).max() ?? 0
        return """
            Paper Figure 1: Llama2-7B, 8x A100 80GB, ZeRO-2, checkpointing, FlashAttention, 1000 steps x 64 sequences.
            Calibration (each fitted on one point, used unchanged elsewhere):
              framework/allocator overhead = \(fixed(cal.overheadBytes / gib, 2)) GiB per GPU, fitted on \(o.method.rawValue) at \(o.context) (\(o.gib) GB)
              MFU = \(fixed(cal.mfu, 3)), fitted on \(m.method.rawValue) at \(m.context) (\(m.hours) h)
            Targets: memory within \(Int(PaperFigure1.memoryTolerance * 100))%, hours within \(Int(PaperFigure1.hoursTolerance * 100))%, full fine-tuning at 65536 out of memory.
            Worst errors: memory \(fixed(worstMemory * 100, 1))%, hours \(fixed(worstHours * 100, 1))%.


            """ + table.render(.md)
    }
}
