import ArgumentParser
import Experiments
import Foundation
import Metrics
import Results
import Support

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run or resume an experiment spec; writes results/NAME.h5.",
        discussion: "Every key of a spec is described in docs/spec-reference.md.")

    @Argument(help: "Experiment spec (YAML), e.g. experiments/quickstart.yaml.")
    var spec: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a spec key, e.g. --set finetune.attention=full (repeatable).", valueName: "key.path=value"))
    var overrides: [String] = []

    @Flag(help: "List the runs with their ids and hashes, then exit.")
    var dryRun = false

    @Flag(help: "Print every run's resolved configuration (what its hash sees), then exit.")
    var printConfig = false

    @Option(help: "Format of --print-config.")
    var configFormat: ResolvedConfigText.Format = .yaml

    @Option(help: "Folder of result files, the base-model cache and checkpoints.")
    var resultsDir = "results"

    @Option(help: "Folder of built corpora (data/<corpus>/manifest.json).")
    var dataDir = "data"

    @Flag(help: "Do not draw the figures after the runs.")
    var noPlots = false

    @Option(help: "Folder of the figures (png and svg).")
    var plotsDir = "plots"

    @Flag(help: .hidden)
    var specReference = false

    @OptionGroup var compute: ComputeOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if spec == nil, !specReference { throw ValidationError("Missing expected argument '<spec>'") }
    }

    func run() throws {
        if specReference {
            print(SpecReference.markdown(), terminator: "")
            return
        }
        let url = URL(fileURLWithPath: spec!)
        let experiment = try SpecParser.load(url, overrides: overrides)
        let runs = try Sweep.expand(experiment)
        let dataDirectory = URL(fileURLWithPath: dataDir)
        let merges = Sweep.mergeReport(runs)
        if printConfig {
            print(ResolvedConfigText.render(runs, format: configFormat), terminator: "")
            return
        }
        if dryRun {
            print("\(experiment.experiment): \(runs.count) run\(runs.count == 1 ? "" : "s") -> \(resultsDir)/\(experiment.experiment).h5")
            for line in merges { print("  merged: \(line)") }
            for run in runs {
                let version = CodeVersion.current(for: run, dataDirectory: dataDirectory)
                let unbuilt = version.dataManifests.values.contains("unbuilt") ? "  (corpus not built yet: hash will change)" : ""
                print("  \(run.id)  hash \(run.hash(version).prefix(12))  base \(run.baseHash(version).prefix(12))\(unbuilt)")
            }
            return
        }
        if !output.quiet { for line in merges { FileHandle.standardError.write(Data("merged: \(line)\n".utf8)) } }
        compute.apply()
        try execute(experiment, runs: runs, dataDirectory: dataDirectory)
    }

    /// Runs the sweep through the real stages, then prints the table and draws the figures.
    func execute(_ experiment: ExperimentSpec, runs: [PlannedRun], dataDirectory: URL) throws {
        let results = URL(fileURLWithPath: resultsDir)
        let url = results.appendingPathComponent("\(experiment.experiment).h5")
        let store = try ResultStore.open(url, header: try ResultHeaderBuilder.header(experiment, runs: runs))
        let display = ProgressDisplay.automatic(quiet: output.quiet)
        let threads = compute.threads
        // A small SGEMM (cached per machine and thread count) for the runs' peak_fraction.
        let peak = try? SgemmPeak.cached(at: results.appendingPathComponent("cache/machine.json"), size: 256,
                                         repetitions: 3)
        let recorder = ResultFileRecorder(store: store, threads: threads)
        let runner = Runner(
            data: CorpusDataStage(dataDirectory: dataDirectory, threads: threads),
            pretrain: LlamaPretrainStage(dataDirectory: dataDirectory, threads: threads),
            finetune: LlamaFinetuneStage(dataDirectory: dataDirectory, threads: threads, sgemmPeakGFLOPs: peak?.gflops),
            evaluate: PerplexityEvaluateStage(dataDirectory: dataDirectory, threads: threads),
            recorder: recorder,
            resultsDirectory: results, dataDirectory: dataDirectory,
            provenance: Provenance.current(), progress: display.sink)
        let summary = try runner.run(runs)
        FileHandle.standardError.write(Data(("\(experiment.experiment): \(summary.completed.count) completed, "
            + "\(summary.skipped.count) skipped, \(summary.failed.count) failed -> \(url.path)\n").utf8))
        if summary.completed.count + summary.skipped.count > 0 {
            print(try TableCommand.render(url, format: .md), terminator: "")
            if !noPlots {
                let images = try PlotCommand.render(url, formats: [.png, .svg], into: URL(fileURLWithPath: plotsDir))
                if !output.quiet { for image in images { print(image.relativePath) } }
            }
        }
        if !summary.failed.isEmpty {
            throw UserError("\(summary.failed.count) run\(summary.failed.count == 1 ? "" : "s") failed: \(summary.failed.joined(separator: ", ")) (errors recorded in \(url.path))", exitCode: 1)
        }
    }
}
