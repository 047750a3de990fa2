import ArgumentParser
import Foundation
import Kernels
import Model
import Support
import Training

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure sgemm peak, training throughput and tokenizer speed (release build).",
        discussion: """
            Measures this machine's square-sgemm peak, then for each attention pattern and context \
            length the training tokens/s, achieved GFLOP/s (analytic matrix-product FLOPs of the \
            step actually run over its time) and the fraction of the sgemm peak, with peak RSS.
            """)

    @Option(help: "Model preset.") var model = "mini"
    @Option(help: "Comma-separated context lengths.") var lengths = "256,1024,2048,4096"
    @Option(help: "Comma-separated attention patterns.") var patterns = "full,s2"
    @Option(help: "Group size of the sparse patterns as a fraction of the length.") var groupRatio = 0.25
    @Option(help: "Trainable parts (lora, embed, norm, head, all).") var trainable = "lora,embed,norm"
    @Option(help: "Tokens per step (B = tokens / n, at least 1).") var tokensPerStep = 4096
    @Option(help: "Timed steps per configuration (after one warm-up step).") var steps = 2
    @Option(help: "Edge of the square sgemm used for the peak.") var sgemmSize = 1024
    @Flag(help: "Recompute activations per block in backward.") var recompute = false
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        compute.apply()
        #if DEBUG
        FileHandle.standardError.write(Data("warning: debug build; use `swift build -c release` for real figures\n".utf8))
        #endif
        let config = try ModelConfig.preset(model)
        let parts = try TrainableParts(parsing: trainable)
        let ns = try lengths.split(separator: ",").map { s -> Int in
            guard let n = Int(s.trimmingCharacters(in: .whitespaces)), n > 0 else {
                throw UserError("--lengths: '\(s)' is not a positive integer")
            }
            return n
        }
        let peak = Benchmark.sgemmPeak(size: sgemmSize)
        if !output.quiet { print(String(format: "sgemm peak: %.1f GFLOP/s", peak)) }
        var report = BenchmarkReport(model: config.name, threads: compute.threads, blas: BLAS.configuration,
                                     sgemmPeakGFLOPs: peak, sgemmSize: sgemmSize, measurements: [])
        for n in ns {
            for name in patterns.split(separator: ",").map(String.init) {
                let attention = try PatternAttention(name, groupSize: .ratio(groupRatio))
                let factor = max(1, Double((n + config.maxContext - 1) / config.maxContext))
                let m = try LlamaModel(config: config, lora: parts.contains(.lora) ? LoRAConfig() : nil,
                                       trainable: parts, rope: RoPE(base: config.ropeBase,
                                                                   scaling: .positionInterpolation(factor: factor)),
                                       attention: attention, threads: compute.threads, recompute: recompute)
                m.initialize(rng: SplitMix64(seed: 1))
                let row = try Benchmark.measure(model: m, batchSize: max(1, tokensPerStep / n), length: n,
                                                steps: steps, threads: compute.threads, peak: peak)
                report.measurements.append(row)
                if !output.quiet {
                    print(String(format: "%@ n=%d: %.0f tokens/s, %.1f GFLOP/s (%.0f%% of peak)",
                                 name, n, row.tokensPerSecond, row.gflops, 100 * row.fractionOfPeak))
                }
            }
        }
        print(report.table())
    }
}
