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
        discussion: """
            Every key of a spec is described in docs/spec-reference.md. Several `longlora run` processes \
            on one spec (on one machine, or on machines sharing the results folder) split its runs: each \
            run is claimed by one of them (results/claims/), a base model is pretrained once, each run is \
            recorded in its own shard (results/NAME.d/) and results/NAME.h5 is assembled from them. \
            --slurm submits the pending runs as a Slurm job array (README, "Running on many processes \
            and on a cluster").
            """)

    @Argument(help: "Experiment spec (YAML), e.g. experiments/quickstart.yaml.")
    var spec: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a spec key, e.g. --set finetune.attention=full (repeatable).", valueName: "key.path=value"))
    var overrides: [String] = []

    @Flag(help: "List the runs with their ids and hashes (with --slurm: print the sbatch scripts), then exit.")
    var dryRun = false

    @Flag(help: "Print every run's resolved configuration (what its hash sees), then exit.")
    var printConfig = false

    @Option(help: "Format of --print-config.")
    var configFormat: ResolvedConfigText.Format = .yaml

    @Option(help: ArgumentHelp("Run only the run with this id (repeatable); see --dry-run for the ids.", valueName: "run-id"))
    var only: [String] = []

    @Option(help: ArgumentHelp("Run only every N-th run from the I-th (0-based), e.g. worker 2 of 4: --shard 2/4.", valueName: "I/N"))
    var shard: String?

    @Flag(help: "Submit the pending runs as a Slurm job array (one task per run) and a job that draws the tables and figures.")
    var slurm = false

    @Option(help: "With --slurm: the partition (sbatch --partition).")
    var partition: String?

    @Option(help: "With --slurm: each task's time limit (sbatch --time), e.g. 2:00:00.")
    var time: String?

    @Option(help: "With --slurm: CPUs per task, also the task's --threads.")
    var cpusPerTask: Int = 2

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
        if !slurm, partition != nil || time != nil {
            throw ValidationError("--partition and --time go with --slurm")
        }
        if cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1") }
    }

    func run() throws {
        if specReference {
            print(SpecReference.markdown(), terminator: "")
            return
        }
        let url = URL(fileURLWithPath: spec!)
        let experiment = try SpecParser.load(url, overrides: overrides)
        let sweep = try Sweep.expand(experiment)
        let runs = try RunSelection(only: only, shard: try shard.map(RunSelection.Shard.init)).apply(sweep)
        let dataDirectory = URL(fileURLWithPath: dataDir)
        let merges = Sweep.mergeReport(runs)
        if printConfig {
            print(ResolvedConfigText.render(runs, format: configFormat), terminator: "")
            return
        }
        if slurm {
            try submit(experiment, runs: runs, dataDirectory: dataDirectory)
            return
        }
        if dryRun {
            print("\(experiment.experiment): \(runs.count) run\(runs.count == 1 ? "" : "s") -> \(resultsDir)/\(experiment.experiment).h5")
            for line in merges { print("  merged: \(line)") }
            // Ids padded to the longest, so the hashes line up in a column.
            let width = runs.map(\.id.count).max() ?? 0
            for run in runs {
                let version = CodeVersion.current(for: run, dataDirectory: dataDirectory)
                let unbuilt = version.dataManifests.values.contains("unbuilt") ? "  (corpus not built yet: hash will change)" : ""
                let id = run.id.padding(toLength: width, withPad: " ", startingAt: 0)
                print("  \(id)  hash \(run.hash(version).prefix(12))  base \(run.baseHash(version).prefix(12))\(unbuilt)")
            }
            return
        }
        if !output.quiet { for line in merges { FileHandle.standardError.write(Data("merged: \(line)\n".utf8)) } }
        compute.apply()
        try execute(experiment, runs: runs, sweep: sweep, dataDirectory: dataDirectory)
    }

    /// Runs the sweep through the real stages, then prints the table and draws the figures.
    /// The file's header (its default tables and figures among them) is the whole sweep's,
    /// also when `--only` or `--shard` runs part of it: every task of a job array writes the same.
    func execute(_ experiment: ExperimentSpec, runs: [PlannedRun], sweep: [PlannedRun], dataDirectory: URL) throws {
        let results = URL(fileURLWithPath: resultsDir)
        let url = results.appendingPathComponent("\(experiment.experiment).h5")
        let store = try ResultStore.open(url, header: try ResultHeaderBuilder.header(experiment, runs: sweep))
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
        let elsewhere = summary.elsewhere.isEmpty ? "" : "\(summary.elsewhere.count) left to other runners, "
        FileHandle.standardError.write(Data(("\(experiment.experiment): \(summary.completed.count) completed, "
            + "\(summary.skipped.count) skipped, \(elsewhere)\(summary.failed.count) failed -> \(url.path)\n").utf8))
        // Runs of runners killed between their shard and its assembly, and the others' latest.
        try store.assemble()
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

    /// `--slurm`: the runs not yet complete in the result file as a job array, submitted
    /// (or, with `--dry-run`, printed).
    func submit(_ experiment: ExperimentSpec, runs: [PlannedRun], dataDirectory: URL) throws {
        let url = URL(fileURLWithPath: resultsDir).appendingPathComponent("\(experiment.experiment).h5")
        let file = FileManager.default.fileExists(atPath: url.path) ? try ResultFile.read(url) : nil
        // Complete in the file or in a shard not yet assembled.
        let recorded = (file?.runs ?? []) + ResultShards(of: url).scan(experiment: experiment.experiment).runs
        let pending = runs.filter { run in
            let hash = run.hash(CodeVersion.current(for: run, dataDirectory: dataDirectory))
            return !recorded.contains { $0.status == .complete && $0.configHash == hash }
        }
        guard !pending.isEmpty else {
            print("\(experiment.experiment): every run is complete in \(url.path); nothing to submit")
            return
        }
        var arguments = [spec!] + overrides.flatMap { ["--set", $0] } + ["--results-dir", resultsDir, "--data-dir", dataDir]
        if output.quiet { arguments.append("--quiet") }
        let binary = Bundle.main.executableURL?.resolvingSymlinksInPath().path ?? CommandLine.arguments[0]
        let array = SlurmJobArray(experiment: experiment.experiment, runs: pending.map(\.id), runArguments: arguments,
                                  binary: binary, workingDirectory: FileManager.default.currentDirectoryPath,
                                  resultsDirectory: resultsDir, plotsDirectory: plotsDir,
                                  options: .init(partition: partition, time: time, cpusPerTask: cpusPerTask))
        if dryRun {
            print("# \(array.directory)/array.sbatch\n\(array.arrayScript)\n# \(array.directory)/finish.sbatch "
                  + "(submitted with --dependency=afterany:<array job>)\n\(array.finishScript)", terminator: "")
            return
        }
        let submission = try array.submit()
        print("\(experiment.experiment): submitted job array \(submission.arrayJob) (\(pending.count) task\(pending.count == 1 ? "" : "s"), "
              + "one per pending run) and job \(submission.finishJob) (status, tables, figures after it)")
        print("  follow: squeue -j \(submission.arrayJob),\(submission.finishJob); longlora status \(url.path); logs in \(array.directory)/")
    }
}
