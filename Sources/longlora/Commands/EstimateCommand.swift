import ArgumentParser
import Metrics
import Model
import Support

struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Projected memory and GPU hours of a fine-tuning recipe on named accelerators.",
        discussion: "Memory per GPU in GiB (the unit of the paper's figures); hours for the paper's recipe (1000 steps x 64 sequences) unless --steps/--batch say otherwise. --paper-figure1 compares with the paper's Figure 1.")

    @Option(help: "Model preset: \(ModelConfig.presets.map(\.name).joined(separator: ", ")).")
    var model: String?

    @Option(help: "Fine-tuning method.")
    var method: FineTuneMethod?

    @Option(help: "Context lengths, comma separated.")
    var context: String?

    @Option(help: "Data-parallel GPUs.")
    var gpus: Int = 8

    @Option(help: "ZeRO stage 0 to 3.")
    var zero: Int = 2

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

    @Option(help: "Output format.")
    var format: TableFormat = .md

    func run() throws {
        if paperFigure1 {
            print(Figure1Report.render(format), terminator: "")
            return
        }
        guard let model, let method, let context else {
            throw UserError("longlora estimate: --model, --method and --context are required (or --paper-figure1)")
        }
        let config = try ModelConfig.preset(model)
        let contexts = try parseContexts(context)
        let setup = FineTuneSetup(method: method, loraRank: loraRank, groupRatio: groupRatio,
                                  checkpointing: !noCheckpointing, flashAttention: !materialisedAttention)
        guard (0...3).contains(zero) else { throw UserError("--zero \(zero): expected a ZeRO stage 0 to 3") }
        guard gpus > 0, steps > 0, batch > 0, loraRank > 0 else {
            throw UserError("--gpus, --steps, --batch and --lora-rank must be positive")
        }
        // G by the harness's one rule (a whole number of tokens dividing each context).
        for n in contexts {
            do { _ = try setup.attention.group(.ratio(groupRatio), length: n) } catch let error as UserError {
                throw UserError("--group-ratio \(groupRatio): \(error.message)")
            }
        }
        let cluster = Cluster(gpus: gpus, zeroStage: zero, device: try DeviceProfile.named(device))

        let calibration = Calibration.paper
        var table = TextTable(header: ["model", "method", "context", "gpus", "zero", "device", "memory_gb", "fits", "hours",
                                       "params_gb", "grads_gb", "optimizer_gb", "buffers_gb", "activations_gb",
                                       "logits_gb", "overhead_gb"],
                              alignments: [.left, .left, .right, .right, .right, .left, .right, .left]
                                  + Array(repeating: .right, count: 8))
        for n in contexts {
            let m = calibration.memoryModel.estimate(config, context: n, setup: setup, cluster: cluster)
            let hours = GPUHours.hours(config, context: n, setup: setup, recipe: Recipe(steps: steps, globalBatch: batch),
                                       cluster: cluster, mfu: calibration.mfu)
            let parts = [m.parameters, m.gradients, m.optimizerStates, m.communicationBuffers, m.activations, m.logits, m.overhead]
            table.rows.append([config.name, setup.method.rawValue, String(n), String(gpus), String(zero), cluster.device.name,
                               fixed(m.totalGiB, 1), m.fits(cluster.device) ? "yes" : "no", fixed(hours, 1)]
                              + parts.map { fixed($0 / gib, 2) })
        }
        if format == .md {
            print("Per-GPU memory (GiB) and hours of \(steps) steps x \(batch) sequences; checkpointing "
                + "\(noCheckpointing ? "off" : "on"), \(materialisedAttention ? "materialised" : "flash") attention; "
                + "calibration: overhead \(fixed(calibration.overheadBytes / gib, 2)) GiB, MFU \(fixed(calibration.mfu, 3)) "
                + "(fitted on the paper's Figure 1, see docs/metrics.md).\n")
        }
        print(table.render(format), terminator: "")
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
