import ArgumentParser
import Foundation
import Data
import Evaluation
import Kernels
import Model
import Results
import Support
import Training

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure sgemm peak, training throughput and tokenizer speed (release build).",
        discussion: """
            Measures this machine's square-sgemm peak, then for each attention pattern and context \
            length the training tokens/s, achieved GFLOP/s (analytic matrix-product FLOPs of the \
            step actually run over its time) and the fraction of the sgemm peak, then the encoding \
            speed of the byte tokenizer, of a BPE trained on a generated text and, for a --model \
            file or directory that ships one, of the model's own tokenizer. Each training row \
            runs in a fresh child process, so its peak RSS is its own, not the maximum so far; RSS \
            growth is that peak minus the resident set before the model was built (after OpenBLAS \
            allocated its buffers). "of local peak" divides by an sgemm peak re-measured just \
            before the row, which is steadier than the run's peak on a shared machine. A --model \
            file or directory gives only the shape: its rows train randomly initialised weights. \
            Prints a table and writes it, with provenance, to an HDF5 result file.
            """)

    @Option(help: ArgumentHelp(ModelChoice.help)) var model = "mini"
    @Option(help: "Comma-separated context lengths.") var lengths = "256,1024,2048,4096"
    @Option(help: "Comma-separated attention patterns.") var patterns = "full,s2"
    @Option(help: "Group size of the sparse patterns as a fraction of the length.") var groupRatio = 0.25
    @Option(help: "Trainable parts (lora, embed, norm, head, all).") var trainable = "lora,embed,norm"
    @Option(help: "Tokens per step (B = tokens / n, at least 1).") var tokensPerStep = 4096
    @Option(help: "Timed steps per configuration (after one warm-up step); the fastest counts.") var steps = 3
    @Option(help: "Edge of the square sgemm used for the peak.") var sgemmSize = 1024
    @Option(help: "Bytes of generated text for the tokenizer benchmark.") var tokenizerBytes = 1 << 20
    @Option(help: "HDF5 result file to write.") var out = "results/bench.h5"
    @Flag(help: "Recompute activations per block in backward.") var recompute = false
    @Flag(help: ArgumentHelp("Also time the PyTorch peer of each row (full and s2 only) and print the ratio.",
                             discussion: "transformers' LlamaForCausalLM with SDPA, PEFT LoRA and S2 as the official code writes it, same shape, parts, tokens per step and threads; ours and the peer alternate twice per row and the fastest step of each counts."))
    var compareTorch = false
    @Option(help: "The Python of --compare-torch (with torch, transformers and peft).") var python = ".venv-hf/bin/python"
    /// Internal: measure one row in this process against this peak and print it as JSON.
    @Option(help: .hidden) var rowPeak: Double?
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        compute.apply()
        let choice = try ModelChoice.resolve(model)
        let config = choice.config
        let parts = try TrainableParts(parsing: trainable)
        let ns = try lengths.split(separator: ",").map { s -> Int in
            guard let n = Int(s.trimmingCharacters(in: .whitespaces)), n > 0 else {
                throw UserError("--lengths: '\(s)' is not a positive integer")
            }
            return n
        }
        let names = try patterns.split(separator: ",").map { try AttentionKind($0.trimmingCharacters(in: .whitespaces)) }
        guard steps >= 1 else { throw UserError("--steps: expected at least 1, got \(steps)") }
        guard tokenizerBytes >= 1024 else { throw UserError("--tokenizer-bytes: expected at least 1024, got \(tokenizerBytes)") }
        // Fail on a bad pattern or length before spending a minute on the sgemm peak.
        for name in names {
            for n in ns { _ = try PatternAttention(name, groupSize: .ratio(groupRatio), length: n) }
        }

        if let peak = rowPeak {
            guard ns.count == 1, names.count == 1 else { throw UserError("--row-peak measures exactly one row") }
            let row = try measureRow(config: config, parts: parts, pattern: names[0], n: ns[0], peak: peak)
            print(String(decoding: try JSONEncoder().encode(row), as: UTF8.self))
            return
        }
        let peer = compareTorch ? TorchPeer(python: URL(fileURLWithPath: python)) : nil
        try peer?.check(patterns: names)
        #if DEBUG
        FileHandle.standardError.write(Data("warning: debug build; use `swift build -c release` for real figures\n".utf8))
        #endif
        let started = RunRecord.timestamp()
        let peak = BLAS.bestSgemmGFLOPs(size: sgemmSize, minimumSeconds: 1, alsoOpenBLASThreads: true)
        if !output.quiet { print(String(format: "sgemm peak: %.1f GFLOP/s", peak)) }
        var report = BenchmarkReport(model: choice.label, threads: compute.threads, blas: BLAS.configuration,
                                     sgemmPeakGFLOPs: peak, sgemmSize: sgemmSize, measurements: [])
        for n in ns {
            for name in names {
                var row = try measureInChild(pattern: name.rawValue, n: n, peak: peak)
                if let peer {
                    // Alternated, so that a change of load on a shared machine hits both alike.
                    let group = try name.group(.ratio(groupRatio), length: n) ?? n
                    let time = { try peer.secondsPerStep(config: config, pattern: name, length: n, group: group, trainable: parts,
                                                         tokensPerStep: tokensPerStep, steps: steps, threads: compute.threads) }
                    var torch = try time()
                    let again = try measureInChild(pattern: name.rawValue, n: n, peak: peak)
                    if again.secondsPerStep < row.secondsPerStep { row = again }
                    torch = min(torch, try time())
                    row.torchSecondsPerStep = torch
                }
                report.measurements.append(row)
                if !output.quiet {
                    print(String(format: "%@ n=%d: %.0f tokens/s, %.1f GFLOP/s (%.0f%% of peak, %.0f%% of local peak), peak RSS %.0f MB",
                                 name.rawValue, n, row.tokensPerSecond, row.gflops, 100 * row.fractionOfPeak, 100 * row.fractionOfLocalPeak,
                                 Double(row.peakRSSBytes) / 1e6)
                          + (row.torchSecondsPerStep.map { String(format: "; PyTorch %.3f s/step, %.2fx ours", $0, $0 / row.secondsPerStep) } ?? ""))
                }
            }
        }
        report.tokenizers = try measureTokenizers(choice)
        print(report.table(), terminator: "")
        let url = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try BenchResultFile.make(report, started: started, settings: settings).write(url)
        if !output.quiet { print("wrote \(url.path)") }
    }

    /// The options that shape the measurement, recorded as each run's config.
    private var settings: [String: Value] {
        ["model": .string(model), "group_ratio": .double(groupRatio), "trainable": .string(trainable),
         "tokens_per_step": .int(Int64(tokensPerStep)), "steps": .int(Int64(steps)),
         "recompute": .int(recompute ? 1 : 0), "threads": .int(Int64(compute.threads)),
         "compare_torch": .int(compareTorch ? 1 : 0)]
    }

    private func measureRow(config: ModelConfig, parts: TrainableParts, pattern: AttentionKind, n: Int,
                            peak: Double) throws -> ThroughputMeasurement {
        // Warm OpenBLAS (its buffers) first, so the baseline excludes them.
        _ = BLAS.bestSgemmGFLOPs(size: 64)
        // Each row's peak starts here, not at an earlier (longer) row's peak.
        ProcessStats.resetPeakRSS()
        let baseline = ProcessStats.currentRSSBytes()
        let attention = try PatternAttention(pattern, groupSize: .ratio(groupRatio), length: n)
        let factor = max(1, Double((n + config.maxContext - 1) / config.maxContext))
        let m = try LlamaModel(config: config, lora: parts.contains(.lora) ? LoRAConfig() : nil,
                               trainable: parts, rope: RoPE(base: config.ropeBase,
                                                           scaling: .positionInterpolation(factor: factor)))
        m.initialize(rng: SplitMix64(seed: 1))
        return try Benchmark.measure(model: m, attention: attention,
                                     execution: Execution(threads: compute.threads, recompute: recompute),
                                     batchSize: max(1, tokensPerStep / n), length: n, steps: steps, peak: peak,
                                     sgemmSize: sgemmSize, baselineRSS: baseline)
    }

    /// Runs this executable on one row so the row's peak RSS is not inflated by earlier rows.
    private func measureInChild(pattern: String, n: Int, peak: Double) throws -> ThroughputMeasurement {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var args = [exe, "bench", "--model", model, "--lengths", String(n), "--patterns", pattern,
                    "--group-ratio", String(groupRatio), "--trainable", trainable,
                    "--tokens-per-step", String(tokensPerStep), "--steps", String(steps),
                    "--threads", String(compute.threads), "--sgemm-size", String(sgemmSize),
                    "--row-peak", String(peak)]
        if recompute { args.append("--recompute") }
        guard let result = Shell.run(args) else { throw UserError("bench: cannot start \(exe) for row \(pattern) n=\(n)") }
        guard result.status == 0,
              let line = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").last,
              let row = try? JSONDecoder().decode(ThroughputMeasurement.self, from: Data(line.utf8)) else {
            let err = String(decoding: result.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw UserError("bench: row \(pattern) n=\(n) failed (exit \(result.status)): \(err)",
                            exitCode: result.status == 0 ? 1 : result.status)
        }
        return row
    }

    /// Byte tokenizer and a 1024-entry BPE trained on the same generated text, then the
    /// model's own tokenizer when --model names a file or directory that has one.
    private func measureTokenizers(_ choice: ModelChoice) throws -> [TokenizerMeasurement] {
        let text = BenchText.generate(bytes: tokenizerBytes)
        let bpe = try BPETrainer(vocabSize: 1024).train(on: [Document(name: "bench", text: text)])
        var tokenizers: [(String, any Tokenizer)] = [("byte", ByteTokenizer()), ("bpe-1024", bpe)]
        if let file = choice.file, let own = try ModelTokenizer.load(file) {
            tokenizers.append((choice.label, own))
        }
        return tokenizers.map { name, tokenizer in
            let r = TokenizerBenchmark.measure(tokenizer, text: text, minimumSeconds: 0.5)
            return TokenizerMeasurement(tokenizer: name, megabytesPerSecond: r.megabytesPerSecond,
                                        tokensPerByte: r.tokensPerByte)
        }
    }
}
